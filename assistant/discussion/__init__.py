"""Discussion prompts for leadership sessions: questions, trade-offs, scenarios, self-assessments and
debate motions on a theme, each anchored in quoted sentences of the guidance, and handouts of them. No
language model.

The public API:

* ``generate_prompts(assistant, theme, count, seed)`` and ``resolve_theme(assistant, text)``: a
  ``PromptSet`` of ``DiscussionPrompt`` on a listed theme or free text (``prompts``);
* ``load_themes()``, ``find_theme(themes, text)``, ``Theme`` and ``ThemeSource``: the theme list
  (``themes``); ``load_templates()``: the prompt templates (``templates``);
* ``render_markdown(prompt_set)``, ``render_csv(prompt_set)``, ``write_docx(prompt_set, path)`` and
  ``write_handout(prompt_set, path)``: the handout (``handout``).

Inside: ``material`` gathers a theme's sentences, ``selection`` fills the templates (``motions`` turns a
claim into a debate motion) and picks distinct prompts, ``authored`` finds the sentences of the
hand-written scenarios and contrasts, ``notes`` writes the facilitator notes, ``tuning`` holds the tuned
numbers. Importing the package
loads nothing more: each name is imported on first use.
"""

import importlib
from typing import Any

_HOMES = {
    "render_csv": "handout",
    "render_markdown": "handout",
    "write_docx": "handout",
    "write_handout": "handout",
    "DiscussionPrompt": "prompt_set",
    "PromptSet": "prompt_set",
    "generate_prompts": "prompts",
    "resolve_theme": "prompts",
    "load_templates": "templates",
    "Theme": "themes",
    "ThemeSource": "themes",
    "find_theme": "themes",
    "load_themes": "themes",
}


def __getattr__(name: str) -> Any:
    """The public names, imported on first use: the command line reads ``tuning`` without the rest."""
    if name in _HOMES:
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DiscussionPrompt",
    "PromptSet",
    "Theme",
    "ThemeSource",
    "find_theme",
    "generate_prompts",
    "load_templates",
    "load_themes",
    "render_csv",
    "render_markdown",
    "resolve_theme",
    "write_docx",
    "write_handout",
]
