"""``assistant review``: check a shared-services proposal against the guidance.

Cheap to import: the embedding model, the index and the file readers load only when the command runs,
and only once the file has been read and accepted, so bad input fails fast with a one-line message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

STDIN = "-"
SNIFFED_NAMES = ((b"%PDF", "stdin.pdf"), (b"PK\x03\x04", "stdin.docx"))
"""A proposal read from stdin is named by its first bytes (a PDF, a Word document, else text)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``assistant review``."""
    parser.add_argument("file", help="the proposal (.txt, .md, .pdf or .docx), or - to read it from stdin")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the review as one JSON object")
    output.add_argument(
        "--format", choices=("md", "csv"), help="a Markdown report or a CSV checklist instead of the summary"
    )
    parser.add_argument("--out", type=Path, help="write the review to this file instead of stdout")


def run(args: argparse.Namespace, settings: Any) -> int:
    """Review the proposal and print (or write) the result; returns the exit code.

    Raises:
        UsageError: for a missing or unreadable file or an unwritable output path.
        DocumentError: for a file that is not a readable proposal (both become exit code 2).
    """
    from assistant.errors import UsageError
    from assistant.review.reading import read_proposal

    max_bytes = int(settings.max_upload_mb * 1_000_000)
    data, name = _read_input(args.file, max_bytes)
    text = read_proposal(data, name, max_bytes)
    if args.out is not None and not args.out.parent.is_dir():
        raise UsageError(f"{args.out}: the folder does not exist")

    from assistant.review.catalogue import CatalogueError
    from assistant.review.judge import review_text
    from assistant.service import open_assistant

    assistant = open_assistant(settings)
    try:
        review = review_text(text, name, assistant.embeddings, cite=assistant.cite)
    except CatalogueError as error:
        raise UsageError(str(error)) from None
    output = _render(review, args)
    if args.out is None:
        print(output, end="" if output.endswith("\n") else "\n")
        return 0
    try:
        args.out.write_text(output if output.endswith("\n") else output + "\n", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{args.out}: could not write the review ({error.strerror or error})") from None
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _read_input(file: str, max_bytes: int) -> tuple[bytes, str]:
    """The proposal's bytes and file name, from a path or stdin; at most ``max_bytes`` + 1 are read."""
    from assistant.errors import UsageError

    if file == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = next((name for magic, name in SNIFFED_NAMES if data.startswith(magic)), "stdin.txt")
        return data, name
    path = Path(file)
    if not path.exists():
        raise UsageError(f"{file}: no such file")
    if not path.is_file():
        raise UsageError(f"{file}: not a file")
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1), path.name
    except OSError as error:
        raise UsageError(f"{file}: the file could not be read ({error.strerror or error})") from None


def _render(review: Any, args: argparse.Namespace) -> str:
    from assistant.review import render as review_render

    if args.json:
        return review_render.render_json(review)
    if args.format == "md":
        return review_render.render_markdown(review)
    if args.format == "csv":
        return review_render.render_csv(review)
    return review_render.render_text(review)
