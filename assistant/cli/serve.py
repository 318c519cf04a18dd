"""``assistant serve``: start the browser app (cheap to import: Gradio is loaded only when it runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.web.logins import is_loopback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``assistant serve``."""
    parser.add_argument("--host", help="address to listen on (default: ASSISTANT_HOST or 127.0.0.1)")
    parser.add_argument(
        "--port", type=port_number, help="port to listen on (default: ASSISTANT_PORT or 7860)"
    )
    parser.add_argument(
        "--corpus", type=Path, help="corpus folder (default: ASSISTANT_CORPUS_DIR or ./corpus)"
    )


def port_number(value: str) -> int:
    """A TCP port from the command line."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {port}")
    return port


def run(args: argparse.Namespace, settings: Any) -> int:
    """Build the index if needed, start the app, print its URL and serve until interrupted.

    Returns:
        The exit code: 0 after a clean stop, 2 when the app cannot start (bad login file, port in use).
    """
    updates = {key: value for key in ("host", "port") if (value := getattr(args, key, None)) is not None}
    if updates:
        settings = settings.model_copy(update=updates)
    if not is_loopback(settings.host):
        login = (
            "with a login" if settings.auth or settings.auth_file else "WITHOUT a login (set ASSISTANT_AUTH)"
        )
        print(
            f"warning: listening on {settings.host}, not loopback: other machines on the network can reach "
            f"the app, {login}.",
            file=sys.stderr,
        )

    from assistant.service import open_assistant
    from assistant.web.app import build_app, launch_app, warm_up, warm_up_server
    from assistant.web.logins import load_logins

    assistant = open_assistant(settings)
    try:
        load_logins(settings)
        demo = build_app(assistant, settings)  # builds the index on first use
    except ValueError as error:  # a malformed login file or incomplete language model settings
        print(f"assistant: {error}", file=sys.stderr)
        return 2
    print("Loading the embedding model…", file=sys.stderr, flush=True)
    warm_up(assistant)
    try:
        url = launch_app(demo, settings, prevent_thread_lock=True)
    except OSError as error:
        print(
            f"assistant: cannot start the web app on {settings.host}:{settings.port}: {error}",
            file=sys.stderr,
        )
        return 2
    try:
        warm_up_server(url, settings)
    except Exception as error:  # noqa: BLE001 - the app works without it; the first answer is just slower
        print(f"warning: could not warm up the app: {error}", file=sys.stderr)
    print(f"Guidance Assistant is running at {url}  (Ctrl-C to stop)", flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
    return 0
