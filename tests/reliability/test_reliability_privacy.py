"""Privacy: no command opens a connection beyond loopback, and Chroma and Gradio telemetry are off.

Every test runs under the loopback-only guard of tests/conftest.py (``offline``); here the guard itself
is shown to fail, and each command is run in a process of its own under an audit hook that records any
connection it opens.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.conftest import ROOT
from tests.reliability.reliability_fixtures import FAKE_MODEL_CLI, cli_env, run_python

CONNECTIONS_AUDITED = """
import sys
def audit(event, args):
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else str(address)
        if not (host.startswith("127.") or host in ("::1", "localhost") or host.startswith("/")):
            sys.stderr.write(f"OUTBOUND CONNECTION to {address}\\n")
            raise ConnectionRefusedError(f"refused {address}")
sys.addaudithook(audit)
"""
"""Prepended to a ``python -c`` program: reports (and refuses) any connection beyond loopback."""


def test_the_offline_guard_refuses_connections_beyond_loopback() -> None:
    with pytest.raises(ConnectionRefusedError, match="tests are offline"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_no_command_connects_beyond_loopback(tmp_path: Path) -> None:
    proposal = ROOT / "eval" / "proposals" / "flawed-pace-and-sovereignty.md"
    env = cli_env(tmp_path / "data")
    env.pop("HF_HUB_OFFLINE")  # the commands must be offline of their own accord
    env.pop("ANONYMIZED_TELEMETRY", None)
    for args in (  # the first question builds the index: an ingest
        ["ask", "Why do shared services fail?"],
        ["review", str(proposal)],
        ["prompts", "--theme", "three-sums", "--count", "3"],
    ):
        result = run_python(CONNECTIONS_AUDITED + FAKE_MODEL_CLI, args, env)
        assert result.returncode == 0, (args, result.stderr[-2000:])
        assert "OUTBOUND CONNECTION" not in result.stderr, (args, result.stderr[-2000:])


def test_chroma_and_gradio_telemetry_are_off(settings: Settings) -> None:
    import os

    from assistant.index.store import open_client

    client = open_client(settings)
    assert client.get_settings().anonymized_telemetry is False
    import assistant.web.app  # noqa: F401 - sets the variable before gradio is imported

    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
