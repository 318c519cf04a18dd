"""Command line: ``assistant ask | ingest | review | prompts | serve | eval | bench`` (``main``)."""

from assistant.cli.main import main

__all__ = ["main"]
