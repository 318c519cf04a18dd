"""The answer path as a LangChain runnable chain: condense → retrieve → compose, and the ``Assistant``
that opens the index, lexical index and embedding model once, building the index on first use.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant import embeddings as embedding_models
from assistant.answer import Answer, Citation
from assistant.compose import compose_answer
from assistant.conversation import condense_question
from assistant.lexical import LexicalIndex
from assistant.phrases import EMPTY_QUESTION
from assistant.quotes import locate_quote, section_at
from assistant.retrieve import GuidanceRetriever, Mode
from assistant.settings import Settings
from assistant.store import GuidanceIndex, StoredChunk, open_client

log = logging.getLogger(__name__)

NEAREST_SENTENCES = 40
"""Sentences fetched by dense search, besides those of the retrieved passages, as answer candidates."""


class InputError(ValueError):
    """A question (or other user input) the assistant cannot take, with a message for the user."""


def clean_question(question: str, max_chars: int) -> str:
    """A question with control characters removed and whitespace collapsed.

    Raises:
        InputError: when it is empty or longer than ``max_chars``.
    """
    text = " ".join("".join(ch if ch.isprintable() or ch.isspace() else " " for ch in question).split())
    if not text:
        raise InputError(EMPTY_QUESTION)
    if len(text) > max_chars:
        raise InputError(f"The question is too long ({len(text):,} characters; at most {max_chars:,}).")
    return text


def build_answer_chain(
    retriever: GuidanceRetriever, index: Any, lexical: LexicalIndex, settings: Settings, topics: Sequence[str]
) -> Runnable:
    """The answer chain: ``{"question", "history"}`` in (history: earlier queries), ``Answer`` out."""

    def condense(inputs: dict[str, Any]) -> dict[str, Any]:
        return {
            **inputs,
            "query": condense_question(inputs["question"], inputs.get("history", [])),
            "started": time.perf_counter(),
        }

    def retrieve(inputs: dict[str, Any]) -> dict[str, Any]:
        passages = retriever.invoke(inputs["query"])
        nearest = index.query_sentences(retriever.embeddings.query_vector(inputs["query"]), NEAREST_SENTENCES)
        sentences = index.sentences_of(
            [passage.metadata["id"] for passage in passages], [sentence_id for sentence_id, _, _ in nearest]
        )
        return {**inputs, "passages": passages, "sentences": sentences, "retrieved": time.perf_counter()}

    def compose(inputs: dict[str, Any]) -> Answer:
        composition = compose_answer(
            question=inputs["question"],
            query=inputs["query"],
            query_vector=retriever.embeddings.query_vector(inputs["query"]),
            sentences=inputs["sentences"],
            chunks=lexical.chunks,
            passage_ranks={
                passage.metadata["id"]: passage.metadata["rank"] for passage in inputs["passages"]
            },
            lexical=lexical,
            threshold=settings.abstain_threshold,
            max_points=settings.max_points,
            max_chars=settings.max_answer_chars,
            topics=topics,
            max_items=settings.max_list_items,
        )
        done = time.perf_counter()
        return Answer(
            question=inputs["question"],
            answer=composition.text,
            abstained=composition.abstained,
            citations=composition.citations,
            relevance=composition.relevance,
            timings_ms={
                "retrieve": (inputs["retrieved"] - inputs["started"]) * 1000,
                "answer": (done - inputs["retrieved"]) * 1000,
                "total": (done - inputs["started"]) * 1000,
            },
        )

    return RunnableLambda(condense) | RunnableLambda(retrieve) | RunnableLambda(compose)


class Assistant:
    """Answers questions from the indexed guidance; every backend can be injected (tests pass fakes)."""

    def __init__(
        self,
        settings: Settings | None = None,
        embeddings: Any = None,
        index: Any = None,
        mode: Mode = "hybrid",
        chat_model: Any = None,
    ) -> None:
        """Remember the backends; nothing is opened or loaded until the first question."""
        self.settings = settings or Settings()
        self.embeddings = embeddings or embedding_models.SentenceEmbeddings(
            self.settings.embedding_model, batch_size=self.settings.embedding_batch_size
        )
        self._index = index
        self._chat_model = chat_model
        self.mode = mode
        self._chain: Runnable | None = None
        self._retriever: GuidanceRetriever | None = None
        self._raw: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def index(self) -> Any:
        """The Chroma index, opened on first use."""
        if self._index is None:
            self._index = GuidanceIndex(
                open_client(self.settings), self.settings.collection, self.settings.embedding_model
            )
        return self._index

    def ensure_index(self) -> None:
        """Build the index from the corpus on first use, and bring an embedded index in line with the
        corpus folder it was built from when files there were added, changed or removed since.

        When nothing changed, only file hashes are read. An index built from another folder
        (``assistant ingest --corpus``) is left as it is, and so is an index on a shared Chroma server
        unless empty: ``assistant ingest`` updates those, so an app started with another corpus folder
        cannot rewrite what other users read. A corpus that cannot be read now (a bad manifest,
        another ingest running) leaves the index as it is, with a warning.
        """
        from ingest.manifest import ManifestError
        from ingest.pipeline import IngestLockedError, built_from, ingest_corpus

        if self.index.count() == 0:
            ingest_corpus(self.settings, self.index, self.embeddings, progress=True)
            return
        corpus = self.settings.corpus_dir
        if (
            self.settings.chroma_url is not None
            or not corpus.is_dir()
            or built_from(self.settings) != corpus.resolve()
        ):
            return
        try:
            report = ingest_corpus(self.settings, self.index, self.embeddings, progress=True)
        except (ManifestError, IngestLockedError) as error:
            log.warning("answering from the index as it is: %s", error)
            return
        if report.changed:
            log.warning("the corpus folder changed; %s", report.summary())

    def reload(self) -> None:
        """Forget the chain so the next question sees a re-ingested index."""
        with self._lock:
            self._chain = None

    def chain(self) -> Runnable:
        """The answer chain over the current index, built once."""
        with self._lock:
            if self._chain is None:
                self.ensure_index()
                chunks = self.index.load_chunks()
                lexical = LexicalIndex(chunks, cache_dir=self.settings.lexical_cache)
                retriever = GuidanceRetriever(
                    index=self.index,
                    lexical=lexical,
                    embeddings=self.embeddings,
                    k=self.settings.top_k,
                    mode=self.mode,
                )
                self._retriever = retriever
                self._chain = build_answer_chain(
                    retriever, self.index, lexical, self.settings, self.topics(chunks)
                )
            return self._chain

    def topics(self, chunks: Sequence[Any]) -> list[str]:
        """Titles of the indexed documents, for the refusal hint."""
        return list(dict.fromkeys(chunk.title for chunk in chunks))

    def retrieve(self, query: str) -> list[Any]:
        """The ranked passages (LangChain ``Document`` objects) the answer path would use for a query."""
        self.chain()
        assert self._retriever is not None
        return self._retriever.invoke(query)

    def chunks(self) -> dict[str, StoredChunk]:
        """Every indexed chunk by id (titles, sections, text), loaded with the chain."""
        self.chain()
        assert self._retriever is not None
        return self._retriever.lexical.chunks

    def cite(self, doc: str, quote: str, n: int = 1, score: float = 1.0) -> Citation | None:
        """A citation of ``quote`` in document ``doc`` of the corpus (same object as answers carry).

        Returns None when the quote is not in the document.
        """
        path = self.settings.corpus_dir / doc
        if doc not in self._raw:
            from ingest.loaders import DocumentError, load_text

            try:
                self._raw[doc] = load_text(path)
            except DocumentError:
                self._raw[doc] = ""
        span = locate_quote(self._raw[doc], quote)
        if span is None:
            return None
        chunk = section_at(self.chunks().values(), doc, span[0])
        title = chunk.title if chunk else doc
        section = chunk.section if chunk else None
        text = " ".join(self._raw[doc][span[0] : span[1]].split())
        return Citation(n, doc, title, section, text, span[0], span[1], round(score, 4))

    def chat_model(self) -> Any:
        """The model that writes answers (``settings.llm_provider``), made on first use; None: extractive."""
        if self._chat_model is None and self.settings.llm_provider != "none":
            from assistant.llm import make_chat_model

            self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    def ask(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer one question; ``history`` holds the standalone queries of earlier turns.

        With a language model configured, it writes the answer and every sentence is verified;
        otherwise (or when it fails) the answer is the grounded extract.

        Raises:
            InputError: for an empty or over-long question.
        """
        if self.settings.llm_provider != "none":
            from assistant.generate import generate_answer

            return generate_answer(self, question, history, self.chat_model(), self.settings)
        text = clean_question(question, self.settings.max_question_chars)
        return self.chain().invoke({"question": text, "history": list(history)})

    def ask_stream(self, question: str, history: Sequence[str] = ()) -> Iterator[Any]:
        """Verified text as it grows, then the final ``Answer`` (only the Answer without a model)."""
        from assistant.generate import stream_answer

        return stream_answer(self, question, history, self.chat_model(), self.settings)

    def standalone_query(self, question: str, history: Sequence[str]) -> str:
        """The query a question stands for in its conversation (stored as the next turn's history)."""
        return condense_question(clean_question(question, self.settings.max_question_chars), history)
