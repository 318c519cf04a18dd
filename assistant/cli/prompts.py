"""``assistant prompts``: discussion prompts on a theme for trainers, as text, JSON or a handout.

Cheap to import: the model, the index and python-docx are loaded only when prompts are generated.
Bad input ends with one line on stderr (``assistant: ...``) and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from assistant.discussion.tuning import MAX_PROMPTS as MAX_COUNT
from assistant.discussion.tuning import MIN_PROMPTS as MIN_COUNT
from assistant.errors import EXIT_USAGE

HANDOUT_SUFFIXES = (".md", ".csv", ".docx")

NO_THEME = "give a theme with --theme THEME (see --list-themes)"
EMPTY_THEME = "the theme is empty; give a theme id, a title or a few words (see --list-themes)"
BAD_COUNT = "--count must be between {low} and {high} (got {count})"
BAD_SUFFIX = "--out must name a .md, .csv or .docx file, not {name}"
NOT_WRITABLE = "cannot write {path}: {reason}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``assistant prompts`` to its sub-parser."""
    parser.add_argument(
        "--theme", metavar="THEME", help="theme id or title (see --list-themes), or a few words of your own"
    )
    parser.add_argument(
        "--count",
        type=int,
        default=10,
        metavar="N",
        help=f"number of prompts, {MIN_COUNT}-{MAX_COUNT} (default 10)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="another seed gives another selection"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write a handout: handout.md, handout.docx, or handout.csv (one prompt a row)",
    )
    parser.add_argument("--list-themes", action="store_true", help="list the themes and stop")


def check_arguments(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments (before anything is loaded), or None."""
    if args.theme is None:
        return NO_THEME
    if not args.theme.strip():
        return EMPTY_THEME
    if not MIN_COUNT <= args.count <= MAX_COUNT:
        return BAD_COUNT.format(low=MIN_COUNT, high=MAX_COUNT, count=args.count)
    if args.out is not None:
        return check_output(Path(args.out))
    return None


def check_output(path: Path) -> str | None:
    """Why a handout cannot be written to ``path``, or None when it can."""
    if path.suffix.lower() not in HANDOUT_SUFFIXES:
        return BAD_SUFFIX.format(name=path.name or str(path))
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return NOT_WRITABLE.format(path=path, reason="it is a folder")
    if not folder.is_dir():
        return NOT_WRITABLE.format(path=path, reason=f"no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return NOT_WRITABLE.format(path=path, reason="permission denied")
    return None


def run(args: argparse.Namespace, settings: Any, assistant: Any = None) -> int:
    """Run ``assistant prompts``; returns the exit code.

    Args:
        args: The parsed arguments.
        settings: The assistant's settings.
        assistant: An ``Assistant`` to use (tests pass one with fake embeddings); made from ``settings``
            when None.
    """
    if args.list_themes:
        return list_themes(as_json=args.json)
    problem = check_arguments(args)
    if problem:
        return usage_error(problem)

    from assistant.discussion.handout import render_markdown, write_handout
    from assistant.discussion.prompts import generate_prompts
    from assistant.errors import InputError
    from assistant.service import open_assistant

    try:
        prompt_set = generate_prompts(
            assistant or open_assistant(settings), args.theme, args.count, args.seed
        )
    except InputError as error:
        return usage_error(str(error))
    if not prompt_set.prompts:
        return usage_error(prompt_set.note or "no prompts could be drawn from the guidance on this theme")
    if args.out is not None:
        try:
            path = write_handout(prompt_set, Path(args.out))
        except OSError as error:
            return usage_error(NOT_WRITABLE.format(path=args.out, reason=error.strerror or error))
        print(f"Wrote {len(prompt_set.prompts)} prompts on “{prompt_set.title}” to {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(prompt_set.to_json(), ensure_ascii=False))
    elif args.out is None:
        print(render_markdown(prompt_set))
    return 0


def list_themes(as_json: bool = False) -> int:
    """Print the themes (id and title, or JSON); returns 0."""
    from assistant.discussion.themes import load_themes

    themes = load_themes()
    if as_json:
        print(json.dumps([{"id": t.id, "title": t.title, "description": t.description} for t in themes]))
        return 0
    width = max(len(theme.id) for theme in themes)
    for theme in themes:
        print(f"{theme.id:<{width}}  {theme.title}")
    return 0


def usage_error(message: str) -> int:
    """Print ``assistant: message`` on one line of stderr; returns exit code 2."""
    print(f"assistant: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_USAGE
