"""The review and discussion engines behind the app, imported on first use (other features may be absent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.web.files import ExportFolder


class Engines:
    """The review and discussion engines, imported on first use (other features may be absent)."""

    def __init__(self, assistant: Any, settings: Settings) -> None:
        """Remember the assistant and settings the engines run with."""
        self.assistant = assistant
        self.settings = settings

    def review(self, data: bytes, name: str) -> tuple[dict[str, Any], str, str]:
        """Review a proposal: its JSON, Markdown report and CSV checklist.

        Raises:
            DocumentError: for a file that cannot be read as a proposal.
        """
        from assistant.review.judge import review_document
        from assistant.review.render import render_csv, render_markdown

        review = review_document(self.assistant, data, name)
        return review.to_json(), render_markdown(review), render_csv(review)

    def themes(self) -> list[tuple[str, str]]:
        """(title, id) of every discussion theme."""
        from assistant.discussion.themes import load_themes

        return [(theme.title, theme.id) for theme in load_themes()]

    def prompts(self, theme: str, count: int, seed: int) -> Any:
        """Discussion prompts for a theme (a ``PromptSet``).

        Raises:
            InputError: for an empty theme or a count out of range.
        """
        from assistant.discussion.prompts import generate_prompts

        return generate_prompts(self.assistant, theme, count, seed)

    def handouts(self, prompt_set: Any, exports: ExportFolder) -> tuple[str, str]:
        """Paths of the Markdown and Word handouts of a set of prompts, written for download."""
        from assistant.discussion.handout import render_markdown, write_docx

        markdown = exports.write(f"handout-{prompt_set.theme}.md", render_markdown(prompt_set))
        docx = exports.new_path(f"handout-{prompt_set.theme}.docx")
        write_docx(prompt_set, docx)
        return markdown, str(docx)
