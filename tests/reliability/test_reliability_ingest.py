"""Crash-safe ingest: ``assistant ingest`` killed (SIGKILL) at random moments never loses the index, the
next ingest completes it with the right counts and no duplicates, two ingests at once are refused, and
an assistant keeps answering while another process ingests.

The ingests run as real subprocesses writing the embedded Chroma index (SQLite plus vector segments):
with fake embeddings by default, with the real model under ``-m model``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.main import main
from assistant.service import open_assistant
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT, FakeEmbeddings
from tests.reliability.reliability_fixtures import (
    ask_during,
    assert_clean_failure,
    cli_command,
    cli_env,
    run_cli,
)

QUESTION = "Why do shared services fail?"

INSPECT = f"""
import json, sys
from assistant.service import open_assistant
from assistant.cli.main import main
from assistant.settings import Settings
from assistant.index.store import GuidanceIndex, open_client
from tests.conftest import FakeEmbeddings

settings = Settings()
index = GuidanceIndex(open_client(settings), settings.collection, settings.embedding_model)
chunks = index.chunks.get(include=["metadatas"])
sentences = index.sentences.get(include=["metadatas"])
state = {{
    "chunks": len(chunks["ids"]),
    "sentences": len(sentences["ids"]),
    "orphans": sum(meta["chunk_id"] not in set(chunks["ids"]) for meta in sentences["metadatas"]),
    "documents": index.documents(),
    "complete": sorted(index.document_hashes()),
}}
if state["chunks"]:  # an empty index would be rebuilt by the first question, hiding the loss
    real_model = sys.argv[1:] == ["real"]
    assistant = open_assistant(settings, embeddings=None if real_model else FakeEmbeddings(), index=index)
    state["answer"] = assistant.ask({QUESTION!r}).to_json()
print(json.dumps(state))
"""
"""Prints the state of the index in ``ASSISTANT_DATA_DIR``, read by a fresh process, and an answer
(asked with the real model when the argument is ``real``)."""


def inspect_index(env: dict[str, str], real_model: bool = False) -> dict[str, Any]:
    args = ["real"] if real_model else []
    result = subprocess.run(
        [sys.executable, "-c", INSPECT, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def make_corpus(folder: Path, copies: int) -> list[str]:
    """``copies`` renamed copies of each corpus document (and the manifest); returns the file names."""
    folder.mkdir()
    (folder / "manifest.yaml").write_bytes((CORPUS / "manifest.yaml").read_bytes())
    names = []
    for copy in range(copies):
        for path in sorted(CORPUS.glob("*.txt")):
            name = f"{path.stem}-{copy}.txt"
            (folder / name).write_text(
                path.read_text(encoding="utf-8") + f"\nCopy {copy}.\n", encoding="utf-8"
            )
            names.append(name)
    return sorted(names)


def revise(corpus: Path, rng: random.Random, round_: int) -> None:
    """Append a sentence to about half the documents (offsets of the text before it do not move)."""
    for path in sorted(corpus.glob("*.txt")):
        if rng.random() < 0.5:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"\nRevision {round_} adds a closing sentence about partners.\n")


def assert_answers_verbatim(state: dict[str, Any], corpus: Path) -> None:
    answer = state["answer"]
    assert not answer["abstained"] and answer["citations"], answer
    for citation in answer["citations"]:
        raw = (corpus / citation["doc"]).read_text(encoding="utf-8")
        assert " ".join(raw[citation["start"] : citation["end"]].split()) == citation["quote"]


def kill_ingests(tmp_path: Path, copies: int, rounds: int, real_model: bool, seed: int) -> None:
    """Ingest, then revise and ingest again ``rounds`` times, each killed with SIGKILL at a random moment.

    After every kill the index (read by a fresh process) still holds every document and answers with
    verbatim quotes; then one ingest runs to the end, and its index equals one built from scratch.
    """
    rng = random.Random(seed)
    corpus = tmp_path / "corpus"
    names = make_corpus(corpus, copies)
    env = cli_env(tmp_path / "data", corpus)
    started = time.perf_counter()
    first = run_cli(["ingest"], env, real_model=real_model)
    duration = time.perf_counter() - started
    assert first.returncode == 0, first.stderr.decode()
    assert inspect_index(env, real_model)["complete"] == names

    for round_ in range(rounds):
        revise(corpus, rng, round_)
        args = ["ingest", "--rebuild"] if rng.random() < 0.3 else ["ingest"]
        process = subprocess.Popen(
            cli_command(args, real_model),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        state = inspect_index(env, real_model)
        assert state["documents"] == names, f"round {round_} ({args}): documents lost"
        assert_answers_verbatim(state, corpus)

    last = run_cli(["ingest"], env, real_model=real_model)
    assert last.returncode == 0, last.stderr.decode()
    state = inspect_index(env, real_model)
    assert state["complete"] == names and state["orphans"] == 0
    assert_answers_verbatim(state, corpus)
    fresh = cli_env(tmp_path / "fresh-data", corpus)
    assert run_cli(["ingest"], fresh, real_model=real_model).returncode == 0
    clean = inspect_index(fresh, real_model)
    assert (state["chunks"], state["sentences"]) == (clean["chunks"], clean["sentences"])
    again = run_cli(["ingest"], env, real_model=real_model)
    assert f"Index: {clean['chunks']} chunks (0 added, 0 updated, 0 removed, {len(names)} unchanged)" in (
        again.stdout.decode()
    )


def test_killed_ingests_never_lose_the_index(tmp_path: Path) -> None:
    kill_ingests(tmp_path, copies=3, rounds=5, real_model=False, seed=11)


@pytest.mark.model
def test_killed_ingests_with_the_real_model_never_lose_the_index(tmp_path: Path) -> None:
    kill_ingests(tmp_path, copies=1, rounds=3, real_model=True, seed=5)


def hold_lock(data_dir: Path) -> subprocess.Popen[str]:
    """A process that holds the ingest lock of ``data_dir`` until killed."""
    code = (
        "import sys, time\nfrom pathlib import Path\nfrom ingest.pipeline import ingest_lock\n"
        "with ingest_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(120)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(data_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """``main([...])`` in this process with fake embeddings (over the tmp data folder of the test)."""
    monkeypatch.setattr(
        "assistant.index.embeddings.SentenceEmbeddings", lambda *args, **kwargs: FakeEmbeddings()
    )
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))


def assert_one_line(capsys: pytest.CaptureFixture[str], fragment: str) -> None:
    err = capsys.readouterr().err
    assert err.startswith("assistant: ") and len(err.strip().splitlines()) == 1, err
    assert fragment in err


def test_a_second_ingest_is_refused_cleanly_and_a_killed_one_leaves_no_lock(
    fake_model: None, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = hold_lock(data_dir)  # another process
    try:
        assert main(["ingest"]) == 2
        assert_one_line(capsys, "another ingest is running on this index; try again when it ends")
        assert main(["ask", QUESTION]) == 2  # the first question builds the index: it waits its turn
        assert_one_line(capsys, "another ingest is running")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert main(["ingest"]) == 0
    assert "5 added" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["ingest"], ["ingest", "--rebuild"]], ids=["ingest", "rebuild"])
def test_asking_keeps_working_while_another_process_ingests(tmp_path: Path, args: list[str]) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, copies=3)
    env = cli_env(tmp_path / "data", corpus)
    assert run_cli(["ingest"], env).returncode == 0
    assistant = open_assistant(
        Settings(data_dir=tmp_path / "data", corpus_dir=corpus), embeddings=FakeEmbeddings()
    )
    assistant.chain()
    revise(corpus, random.Random(1), 0)
    questions = [QUESTION, "What does 1+1=3 mean?", "How do we sustain shared services?"]

    def ask(n: int) -> None:
        answer = assistant.ask(questions[n % 3])
        assert answer.citations or answer.abstained

    assert ask_during(args, env, ask) >= 5
    assistant.reload()
    assert not assistant.ask(QUESTION).abstained


def test_rebuild_replaces_an_index_of_another_embedding_model(
    fake_model: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "old-model")
    assert main(["ingest"]) == 0
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "new-model")
    capsys.readouterr()
    assert main(["ingest"]) == 2
    assert_one_line(capsys, "run `assistant ingest --rebuild`")
    assert main(["ask", QUESTION]) == 2
    assert_one_line(capsys, "run `assistant ingest --rebuild`")
    assert main(["ingest", "--rebuild"]) == 0
    assert "(5 added" in capsys.readouterr().out
    assert main(["ask", QUESTION]) == 0
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "old-model")
    capsys.readouterr()
    assert main(["ask", QUESTION]) == 2
    assert_one_line(capsys, "built with the embedding model 'new-model'")


def test_rebuild_removes_what_a_killed_ingest_left(
    settings: Settings, fake_embeddings: FakeEmbeddings
) -> None:
    """Sentences whose chunk is gone (a killed ingest of a document then deleted) go at the next rebuild."""
    import numpy as np

    from assistant.index.store import GuidanceIndex, open_client
    from ingest.pipeline import ingest_corpus

    index = GuidanceIndex(open_client(settings), settings.collection, "fake")
    clean = ingest_corpus(settings, index, fake_embeddings)
    sentences = index.sentences.count()
    index.sentences.upsert(
        ids=["gone:0"],
        embeddings=[np.ones(fake_embeddings.dimensions, dtype=np.float32)],
        documents=["A sentence of a deleted document."],
        metadatas=[
            {
                "doc": "deleted.txt",
                "chunk_id": "gone",
                "start": 0,
                "end": 9,
                "position": 0,
                "kind": "p",
                "block": 0,
            }
        ],
    )
    rebuilt = ingest_corpus(settings, index, fake_embeddings, rebuild=True)
    assert rebuilt.chunks == clean.chunks and index.sentences.count() == sentences
    assert sorted(rebuilt.updated) == sorted(clean.added)


def test_an_index_folder_that_is_not_an_index_is_a_clean_error(tmp_path: Path) -> None:
    """A data folder whose Chroma database is garbage (a disk that lost it) is reported, not a traceback."""
    chroma = tmp_path / "data" / "chroma"
    chroma.mkdir(parents=True)
    (chroma / "chroma.sqlite3").write_bytes(os.urandom(4096))
    for command in (["ask", QUESTION], ["ingest"]):
        assert_clean_failure(run_cli(command, cli_env(tmp_path / "data")), "cannot be opened")
