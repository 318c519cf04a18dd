"""``ask --json`` over piped lines: plain lines are independent questions; a JSON object line
``{"conversation": ..., "question": ...}`` continues its conversation. Every answer carries its
retrieval trace, ``passages``."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from assistant.answering.facade import Assistant
from assistant.cli.main import main, parse_line
from tests.conftest import FakeEmbeddings


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[tuple[str, list[str]]]:
    """Run the CLI over fake embeddings and record each question with the history it was asked with."""
    seen: list[tuple[str, list[str]]] = []
    real_ask = Assistant.ask

    def ask(self: Assistant, question: str, history: Any = ()) -> Any:
        seen.append((question, list(history)))
        return real_ask(self, question, history)

    monkeypatch.setattr(Assistant, "ask", ask)
    monkeypatch.setattr("assistant.index.embeddings.SentenceEmbeddings", lambda *a, **k: FakeEmbeddings())
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    return seen


def run_batch(
    monkeypatch: pytest.MonkeyPatch, lines: list[str], capsys: pytest.CaptureFixture[str]
) -> list[Any]:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["ask", "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_plain_lines_are_independent_questions(
    asked: list[tuple[str, list[str]]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = run_batch(monkeypatch, ["Why do shared services fail?", "What does 1+1=3 mean?"], capsys)
    assert len(answers) == 2
    assert [history for _, history in asked] == [[], []]
    assert all("passages" in answer for answer in answers)
    answered = [answer for answer in answers if not answer["abstained"]]
    assert answered and all(
        answer["passages"]
        and set(answer["passages"][0]) == {"id", "doc", "title", "section", "text", "score"}
        for answer in answered
    )


def test_a_json_line_continues_its_conversation(
    asked: list[tuple[str, list[str]]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"conversation": "c1", "question": "Why do shared services fail?"}),
        json.dumps({"conversation": "c2", "question": "What does 1+1=3 mean?"}),
        json.dumps({"conversation": "c1", "question": "Which of those are about people?"}),
        "A question of its own",
    ]
    answers = run_batch(monkeypatch, lines, capsys)
    histories = [history for _, history in asked]
    assert histories[0] == [] and histories[1] == [] and histories[3] == []
    assert len(histories[2]) == 1 and "shared services fail" in histories[2][0].query.lower()
    # the previous answer travels with its query: the follow-up quotes only its items
    previous = histories[2][0].answer
    assert previous is not None and previous.to_json()["answer"] == answers[0]["answer"]
    quoted = {(c.doc, c.start, c.end) for c in previous.citations}
    follow_up = answers[2]
    assert not follow_up["abstained"] and follow_up["citations"]
    assert {(c["doc"], c["start"], c["end"]) for c in follow_up["citations"]} <= quoted
    assert set(follow_up) == set(answers[0])


def test_parse_line_reads_json_objects_and_leaves_other_text_alone() -> None:
    assert parse_line('{"conversation": 7, "question": "and then?"}') == ("and then?", "7")
    assert parse_line('{"question": "alone"}') == ("alone", None)
    assert parse_line("{not json") == ("{not json", None)
    assert parse_line('{"other": 1}') == ('{"other": 1}', None)
    assert parse_line("Why share?") == ("Why share?", None)
