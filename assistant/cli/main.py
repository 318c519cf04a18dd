"""The ``assistant`` command line: ingest, ask (and the commands later issues add).

Heavy libraries are imported inside the commands, so ``assistant --help`` stays instant.
Bad input or configuration ends with a one-line message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import EXIT_INTERRUPTED, EXIT_USAGE, InputError, UsageError

FEATURE_COMMANDS = (
    ("review", "assistant.cli.review", "check a shared-services proposal against the guidance"),
    ("prompts", "assistant.cli.prompts", "discussion prompts for leadership sessions"),
    ("serve", "assistant.cli.serve", "start the browser app"),
    ("train", "assistant.cli.train", "rebuild the learned models from the training data"),
    ("eval", "eval.command", "measure answers against the gold questions (the CI gate)"),
    ("bench", "eval.bench.command", "benchmark speed, memory and scale"),
)
"""Commands of the features: each module is cheap to import and offers ``add_arguments(parser)`` and
``run(args, settings) -> int`` (exit code)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Answers questions from guidance on shared services, with quoted citations.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="build or update the index from the corpus folder")
    ingest.add_argument(
        "--corpus", type=Path, help="corpus folder (default: ASSISTANT_CORPUS_DIR or ./corpus)"
    )
    ingest.add_argument(
        "--rebuild",
        action="store_true",
        help="embed everything again (also after changing the embedding model)",
    )
    ingest.set_defaults(handler=run_ingest)

    ask = commands.add_parser("ask", help="answer a question (no question: one per line from stdin)")
    ask.add_argument("question", nargs="?", help="the question; omit it to read questions from stdin")
    ask.add_argument(
        "--json", action="store_true", help="print JSON (one object per line when reading stdin)"
    )
    ask.add_argument("--corpus", type=Path, help="corpus folder")
    ask.set_defaults(handler=run_ask)

    for name, module_name, help_text in FEATURE_COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        command = commands.add_parser(name, help=help_text)
        module.add_arguments(command)
        command.set_defaults(handler=_feature_handler(module))
    return parser


def _feature_handler(module: Any) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        return int(module.run(args, load_settings(args)))

    return handler


def load_settings(args: argparse.Namespace) -> Any:
    """Settings from the environment, with command-line overrides."""
    from pydantic import ValidationError

    from assistant.settings import Settings

    overrides = {"corpus_dir": args.corpus} if getattr(args, "corpus", None) else {}
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        problem = error.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise UsageError(f"invalid setting {field} (ASSISTANT_{field.upper()}): {problem['msg']}") from None
    if overrides and not settings.corpus_dir.is_dir():
        raise UsageError(f"corpus folder not found: {settings.corpus_dir}")
    return settings


def run_ingest(args: argparse.Namespace) -> int:
    """``assistant ingest``: bring the index in line with the corpus folder (without the answer chain's
    imports: a no-change run only hashes files and reads the index)."""
    from assistant.index.embeddings import SentenceEmbeddings
    from assistant.index.store import GuidanceIndex, open_client
    from ingest.pipeline import ingest_corpus

    settings = load_settings(args)
    if not settings.corpus_dir.is_dir():
        raise UsageError(f"corpus folder not found: {settings.corpus_dir}")
    # Only a rebuild may open (and replace) an index of another embedding model.
    index = GuidanceIndex(
        open_client(settings), settings.collection, settings.embedding_model, allow_other_model=args.rebuild
    )
    model = SentenceEmbeddings(settings.embedding_model, batch_size=settings.embedding_batch_size)
    report = ingest_corpus(settings, index, model, rebuild=args.rebuild, progress=True)
    for doc, reason in report.skipped:
        print(f"warning: skipped {doc}: {reason}", file=sys.stderr)
    print(report.summary())
    return 0


def run_ask(args: argparse.Namespace) -> int:
    """``assistant ask``: one question, or one per line from stdin (interactive on a terminal)."""
    from assistant.errors import InputError
    from assistant.records import Turn
    from assistant.service import open_assistant

    settings = load_settings(args)
    assistant = open_assistant(settings)
    stream = not args.json and settings.llm_provider != "none"

    def answer_one(question: str, history: list[Turn]) -> None:
        if stream:
            answer = print_streamed(assistant.ask_stream(question, history))
        else:
            answer = assistant.ask(question, history)
            print(
                json.dumps(answer.to_json(), ensure_ascii=False) if args.json else render(answer), flush=True
            )
        history.append(Turn(assistant.standalone_query(question, history), answer))

    if args.question is not None:
        try:
            answer_one(args.question, [])
        except InputError as error:
            raise UsageError(str(error)) from None
        return 0

    if hasattr(sys.stdin, "reconfigure"):  # bytes that are not UTF-8 become U+FFFD, not a crash
        sys.stdin.reconfigure(errors="replace")
    interactive = sys.stdin.isatty() and not args.json
    if interactive:
        print("Ask a question about shared services and collaboration (empty line or Ctrl-D to stop).")
    conversations: dict[str | None, list[Turn]] = {}
    failures = 0
    for line in _lines(interactive):
        # On a terminal every question follows on from the last; piped lines are independent unless
        # a line names its conversation: {"conversation": "c1", "question": "..."}.
        question, conversation = (line, "terminal") if interactive else parse_line(line)
        history = conversations.setdefault(conversation, []) if conversation is not None else []
        try:
            answer_one(question, history)
        except InputError as error:
            failures += 1
            if args.json:
                failed = {"question": question.strip()[:200], "error": str(error)}
                print(json.dumps(failed, ensure_ascii=False))
            else:
                print(f"error: {error}", file=sys.stderr)
    return 0 if failures == 0 else EXIT_USAGE


def _lines(interactive: bool) -> Any:
    """The questions typed (until an empty line) or piped (blank lines skipped)."""
    while True:
        if interactive:
            try:
                line = input("\n> ")
            except EOFError:
                return
            if not line.strip():
                return
        else:
            line = sys.stdin.readline()
            if not line:
                return
            if not line.strip():
                continue
        yield line.rstrip("\n")


def parse_line(line: str) -> tuple[str, str | None]:
    """A piped line's question and conversation: a JSON object ``{"conversation", "question"}`` continues
    that conversation; any other line is a question of its own."""
    if line.lstrip().startswith("{"):
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            return line, None
        if isinstance(data, dict) and isinstance(data.get("question"), str):
            conversation = data.get("conversation")
            return data["question"], None if conversation is None else str(conversation)
    return line, None


def render(answer: Any) -> str:
    """An answer with its sources, for the terminal."""
    from assistant.answering.render import render_text

    return render_text(answer)


def print_streamed(items: Any) -> Any:
    """Print verified sentences as they come, then the sources (or the whole fallback answer); return
    the final ``Answer`` (None if the stream had none)."""
    from assistant.records import Answer

    shown, answer = "", None
    for item in items:
        if isinstance(item, Answer):
            answer = item
        else:
            print(item, end="", flush=True)
            shown += item
    if answer is None:
        return None
    text = render(answer)
    if shown and answer.answer == shown:
        print(text[len(shown) :], flush=True)
    else:
        print(("\n\n" if shown else "") + text, flush=True)
    return answer


def user_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean bad input or configuration (imported only once a command runs)."""
    from assistant.generation.providers import LLMConfigError
    from assistant.index.embeddings import ModelNotFoundError
    from assistant.index.store import IndexMismatchError, IndexUnreadableError
    from assistant.text.loaders import DocumentError
    from ingest.manifest import ManifestError
    from ingest.pipeline import IngestLockedError

    return (
        UsageError,
        InputError,
        ModelNotFoundError,
        IndexMismatchError,
        IndexUnreadableError,
        DocumentError,
        ManifestError,
        IngestLockedError,
        LLMConfigError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - user errors become one line; anything else is a bug
        if isinstance(error, user_errors()) or _is_connection_error(error):
            print(f"assistant: {error}", file=sys.stderr)
            return EXIT_USAGE
        raise


def _is_connection_error(error: Exception) -> bool:
    """A Chroma server that cannot be reached is a configuration problem, not a crash."""
    text = f"{type(error).__name__} {error}".lower()
    return "could not connect" in text or "connection refused" in text or "connecterror" in text
