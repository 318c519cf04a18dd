"""The chat model factory, and what its clients send to (and do with) a stub server on loopback."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from assistant.generation.generate import GenerationError, stream_tokens
from assistant.generation.prompts import NOTICE_RATE_LIMITED, NOTICE_TIMEOUT, NOTICE_UNREACHABLE
from assistant.generation.providers import LLMConfigError, generator_name, make_chat_model
from assistant.settings import Settings
from tests.conftest import free_port

CAP = 24


class StubServer(ThreadingHTTPServer):
    """Answers OpenAI chat completions and Ollama chats; records every request body."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), StubHandler)
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"  # ok | rate_limited | slow

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class StubHandler(BaseHTTPRequestHandler):
    server: StubServer

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        if self.server.mode == "slow":
            time.sleep(3)
        if self.server.mode == "rate_limited":
            self._send(429, "application/json", json.dumps({"error": {"message": "slow down"}}).encode())
        elif self.path.endswith("/api/chat"):
            self._ollama(body)
        else:
            self._openai(body)

    def _send(self, status: int, kind: str, data: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def _openai(self, body: dict[str, Any]) -> None:
        words = ["Shared ", "services ", "work. ", "[1]"]
        if not body.get("stream"):
            message = {"role": "assistant", "content": "".join(words)}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            usage = {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9}
            reply = {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [choice]}
            self._send(200, "application/json", json.dumps({**reply, "usage": usage}).encode())
            return
        events = []
        for word in words:
            choice = {"index": 0, "delta": {"content": word}, "finish_reason": None}
            chunk = {"id": "x", "object": "chat.completion.chunk", "model": "m", "choices": [choice]}
            events.append(f"data: {json.dumps(chunk)}\n\n")
        events.append("data: [DONE]\n\n")
        self._send(200, "text/event-stream", "".join(events).encode())

    def _ollama(self, body: dict[str, Any]) -> None:
        head = {"model": "m", "created_at": "2025-01-01T00:00:00Z"}
        lines = [
            {**head, "message": {"role": "assistant", "content": word}, "done": False}
            for word in ["Shared ", "services ", "work. [1]"]
        ]
        lines.append(
            {**head, "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"}
        )
        self._send(200, "application/x-ndjson", "".join(json.dumps(line) + "\n" for line in lines).encode())


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def llm_settings(**values: Any) -> Settings:
    return Settings(**{"llm_max_tokens": CAP, "llm_timeout": 5.0, **values})


def test_no_provider_means_no_model() -> None:
    assert make_chat_model(Settings()) is None
    assert generator_name(Settings()) == "extractive"


def test_generator_names() -> None:
    openai = llm_settings(llm_provider="openai", llm_model="gpt-4o-mini")
    assert generator_name(openai) == "openai:gpt-4o-mini"
    assert generator_name(llm_settings(llm_provider="llamacpp", llm_model="/m/x.gguf")) == "llamacpp:x.gguf"


def test_a_provider_without_a_model_is_a_configuration_error() -> None:
    with pytest.raises(LLMConfigError, match="ASSISTANT_LLM_MODEL"):
        make_chat_model(llm_settings(llm_provider="ollama"))


def test_openai_without_a_key_or_server_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(LLMConfigError, match="ASSISTANT_LLM_API_KEY"):
        make_chat_model(llm_settings(llm_provider="openai", llm_model="gpt-4o-mini"))


def test_llamacpp_needs_an_existing_gguf_file(tmp_path) -> None:
    pytest.importorskip("llama_cpp")
    with pytest.raises(LLMConfigError, match="not found"):
        make_chat_model(llm_settings(llm_provider="llamacpp", llm_model=str(tmp_path / "missing.gguf")))


def test_a_missing_provider_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain_ollama", None)
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    with pytest.raises(LLMConfigError, match="pip install langchain-ollama"):
        make_chat_model(llm_settings(llm_provider="ollama", llm_model="llama3.2"))
    with pytest.raises(LLMConfigError, match="pip install llama-cpp-python"):
        make_chat_model(llm_settings(llm_provider="llamacpp", llm_model="x.gguf"))


def test_openai_compatible_servers_get_the_token_cap_they_honour(stub: StubServer) -> None:
    settings = llm_settings(llm_provider="openai", llm_model="local", llm_base_url=stub.url + "/v1")
    model = make_chat_model(settings)
    assert model is not None and model.max_retries == 0 and model.request_timeout == 5.0
    reply = model.invoke([HumanMessage("hello")])
    assert reply.text == "Shared services work. [1]"
    assert "".join(stream_tokens(model, [HumanMessage("hello")], timeout=5)) == "Shared services work. [1]"
    for body in stub.requests:
        assert body["max_tokens"] == CAP  # llama.cpp's server reads this one, not max_completion_tokens
        assert body["model"] == "local" and body["temperature"] == 0.1
    assert [body.get("stream", False) for body in stub.requests] == [False, True]


def test_ollama_gets_the_token_cap_as_num_predict(stub: StubServer) -> None:
    model = make_chat_model(llm_settings(llm_provider="ollama", llm_model="llama3.2", llm_base_url=stub.url))
    assert model is not None and not stub.requests  # nothing contacted until the model is called
    assert "".join(stream_tokens(model, [HumanMessage("hello")], timeout=5)) == "Shared services work. [1]"
    [body] = stub.requests
    assert body["options"]["num_predict"] == CAP and body["model"] == "llama3.2"


def test_a_rate_limited_server_is_asked_once_and_falls_back(stub: StubServer) -> None:
    stub.mode = "rate_limited"
    model = make_chat_model(llm_settings(llm_provider="openai", llm_model="m", llm_base_url=stub.url + "/v1"))
    with pytest.raises(GenerationError) as error:
        list(stream_tokens(model, [HumanMessage("hello")], timeout=5))
    assert error.value.notice == NOTICE_RATE_LIMITED
    assert len(stub.requests) == 1  # no retries


def test_a_server_that_does_not_answer_in_time_falls_back_in_time(stub: StubServer) -> None:
    stub.mode = "slow"
    model = make_chat_model(
        llm_settings(llm_provider="openai", llm_model="m", llm_base_url=stub.url + "/v1", llm_timeout=0.5)
    )
    started = time.perf_counter()
    with pytest.raises(GenerationError) as error:
        list(stream_tokens(model, [HumanMessage("hello")], timeout=0.5))
    assert error.value.notice == NOTICE_TIMEOUT
    assert time.perf_counter() - started < 1.5


def test_no_server_listening_falls_back_at_once() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    model = make_chat_model(llm_settings(llm_provider="openai", llm_model="m", llm_base_url=url))
    started = time.perf_counter()
    with pytest.raises(GenerationError) as error:
        list(stream_tokens(model, [HumanMessage("hello")], timeout=5))
    assert error.value.notice == NOTICE_UNREACHABLE
    assert time.perf_counter() - started < 2
