"""The language model that writes answers, chosen by settings and loaded only when configured.

``make_chat_model(settings)`` returns a LangChain chat model for ``llm_provider``:

- ``openai``: ``ChatOpenAI`` (package ``langchain-openai``) for OpenAI or any OpenAI-compatible
  server (llama.cpp, vLLM, LM Studio, Ollama's ``/v1``) at ``llm_base_url``;
- ``ollama``: ``ChatOllama`` (package ``langchain-ollama``) for an Ollama server;
- ``llamacpp``: a GGUF file run in this process by ``llama-cpp-python``.

``none`` (the default) returns None and nothing is imported or contacted.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr, SecretStr

from assistant.settings import Settings

PACKAGES = {
    "openai": "langchain-openai",
    "ollama": "langchain-ollama",
    "llamacpp": "llama-cpp-python",
}
"""The package each provider needs (not a dependency of the assistant: install the one you use)."""

OPENAI_URL = "https://api.openai.com"
LLAMACPP_CONTEXT = 4096
"""Context window (tokens) of an in-process GGUF model: the sources, the question and the answer."""


class LLMConfigError(ValueError):
    """The language model settings are incomplete, or the provider's package is not installed."""


def generator_name(settings: Settings) -> str:
    """How answers name their writer: ``provider:model`` (a GGUF file by its name), or ``extractive``."""
    if settings.llm_provider == "none":
        return "extractive"
    model = Path(settings.llm_model).name if settings.llm_provider == "llamacpp" else settings.llm_model
    return f"{settings.llm_provider}:{model}"


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model the settings ask for, or None for the extractive default.

    Nothing is contacted here: a server is first called when the model is.

    Raises:
        LLMConfigError: when the model is not named, the GGUF file is missing, or the provider's
            package is not installed.
    """
    provider = settings.llm_provider
    if provider == "none":
        return None
    if not settings.llm_model:
        raise LLMConfigError(
            f"the {provider} provider needs a model: set ASSISTANT_LLM_MODEL "
            + ("(path of a .gguf file)" if provider == "llamacpp" else "(the model's name)")
        )
    if provider == "openai":
        return _openai_model(settings)
    if provider == "ollama":
        return _ollama_model(settings)
    return _llamacpp_model(settings)


def _missing_package(provider: str) -> LLMConfigError:
    package = PACKAGES[provider]
    return LLMConfigError(f"the {provider} provider needs the package {package}: pip install {package}")


def _openai_model(settings: Settings) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise _missing_package("openai") from None
    base_url = settings.llm_base_url
    api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if api_key is None:
        if base_url is None and not os.environ.get("OPENAI_API_KEY"):
            raise LLMConfigError(
                "the openai provider needs ASSISTANT_LLM_API_KEY (or the ASSISTANT_LLM_BASE_URL of a server)"
            )
        # Local OpenAI-compatible servers take any key, but the client insists on one.
        api_key = os.environ.get("OPENAI_API_KEY") or "unused"
    options: dict[str, Any] = {
        "model": settings.llm_model,
        "base_url": base_url,
        "api_key": SecretStr(api_key),
        "timeout": settings.llm_timeout,
        "max_retries": 0,
        "temperature": settings.llm_temperature,
        "max_tokens": settings.llm_max_tokens,
    }
    if base_url and not base_url.startswith(OPENAI_URL):
        # ChatOpenAI sends the cap as max_completion_tokens, which llama.cpp's server (and other
        # OpenAI-compatible servers) ignore; they honour max_tokens.
        options["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    return ChatOpenAI(**options)


def _ollama_model(settings: Settings) -> BaseChatModel:
    try:
        from langchain_ollama import ChatOllama
    except ImportError:
        raise _missing_package("ollama") from None
    return ChatOllama(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def _llamacpp_model(settings: Settings) -> BaseChatModel:
    try:
        import llama_cpp  # noqa: F401 - only checks that the package is there; loaded on first use
    except ImportError:
        raise _missing_package("llamacpp") from None
    path = Path(settings.llm_model).expanduser()
    if not path.is_file():
        raise LLMConfigError(f"GGUF model file not found: {path} (ASSISTANT_LLM_MODEL)")
    return LlamaCppChatModel(
        model_path=str(path),
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
    )


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}

FORMAT_BY_NAME = (
    ("gemma", "gemma"),
    ("llama-3", "llama-3"),
    ("llama3", "llama-3"),
    ("mistral", "mistral-instruct"),
    ("qwen", "chatml"),
    ("chatml", "chatml"),
)
"""Chat formats of llama-cpp-python for GGUF files that carry no chat template, by words of the file name."""


class LlamaCppChatModel(BaseChatModel):
    """A GGUF model run in this process by llama-cpp-python, loaded on first use.

    One generation at a time: llama.cpp contexts are not thread-safe, so calls wait for a lock.
    The chat template is the one stored in the GGUF file; a file without one gets the format its name
    suggests (``FORMAT_BY_NAME``), as llama-cpp-python's own fallback (llama-2) silences most models.
    """

    model_path: str
    max_tokens: int = 400
    temperature: float = 0.1
    n_ctx: int = LLAMACPP_CONTEXT
    n_threads: int | None = None
    chat_format: str | None = None

    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llamacpp-in-process"

    def _model(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama

            llama = Llama(
                model_path=self.model_path,
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                chat_format=self.chat_format,
                verbose=False,
            )
            if self.chat_format is None and "tokenizer.chat_template" not in llama.metadata:
                name = Path(self.model_path).name.lower()
                guessed = [fmt for word, fmt in FORMAT_BY_NAME if word in name]
                llama.chat_format = guessed[0] if guessed else llama.chat_format
            self._llama = llama
        return self._llama

    def _chunks(self, messages: Sequence[BaseMessage], stop: list[str] | None) -> Iterator[str]:
        with self._lock:
            stream = self._model().create_chat_completion(
                messages=[{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages],
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                stop=stop or [],
                stream=True,
            )
            try:
                for part in stream:
                    text = part["choices"][0]["delta"].get("content")
                    if text:
                        yield text
            finally:
                stream.close()

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for text in self._chunks(messages, stop):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
            if run_manager:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._chunks(messages, stop))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
