"""Generated answers: a language model writes from the numbered passages, and every statement is verified.

The public API:

* ``stream_answer(assistant, question, history, chat_model, settings)`` and ``generate_answer(...)``
  answer with the model, falling back to the grounded extract with a notice (``GenerationError``)
  (``generate``);
* ``make_chat_model(settings)``, ``generator_name(settings)`` and ``LLMConfigError``: the model chosen by
  settings (``providers``);
* ``verify_answer(text, sources, embeddings)``, ``AnswerBuilder`` and ``Verification``: the verified
  answer, built statement by statement (``answer_builder``);
* ``Verifier``, ``Source``, ``sources_from`` and ``load_support_thresholds``: the support test of each
  citation (``verify``), on statements cut by ``StatementSplitter`` (``statements``).

``prompts`` holds the prompts and fixed notices, ``support`` the support test, ``tuning`` the prompt
budget and search effort. Importing the package loads LangChain's core, but no model or model client.
"""

from assistant.generation.answer_builder import AnswerBuilder, Verification, verify_answer
from assistant.generation.generate import GenerationError, generate_answer, stream_answer
from assistant.generation.providers import LLMConfigError, generator_name, make_chat_model
from assistant.generation.statements import StatementSplitter
from assistant.generation.verify import (
    Source,
    SupportThresholds,
    Verifier,
    load_support_thresholds,
    sources_from,
)

__all__ = [
    "AnswerBuilder",
    "GenerationError",
    "LLMConfigError",
    "Source",
    "StatementSplitter",
    "SupportThresholds",
    "Verification",
    "Verifier",
    "generate_answer",
    "generator_name",
    "load_support_thresholds",
    "make_chat_model",
    "sources_from",
    "stream_answer",
    "verify_answer",
]
