"""The ``Assistant``: answers questions from the indexed guidance, opening the index, the lexical index
and the embedding model once. How the index is built or brought in line with the corpus is not its
business: the entry points pass ``prepare`` (``assistant.service``), which runs before the first answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable

from assistant.answering.chain import build_answer_chain
from assistant.answering.conversation import already_said, condense_question, conversation_context
from assistant.answering.followup import answer_follow_up
from assistant.answering.ranking import Ranker
from assistant.answering.retrieve import GuidanceRetriever, Mode
from assistant.answering.scope import ScopeModel
from assistant.answering.selection import SentenceSelector
from assistant.index import embeddings as embedding_models
from assistant.index.adapter import AdaptedEmbeddings, with_adapter
from assistant.index.lexical import LexicalIndex
from assistant.index.protocols import Embedder, Index
from assistant.index.store import GuidanceIndex, open_client
from assistant.records import Answer, Chunk, Citation, Turn
from assistant.settings import Settings
from assistant.text.question import clean_question
from assistant.text.quotes import locate_quote, section_at


class Assistant:
    """Answers questions from the indexed guidance; every backend can be injected (tests pass fakes)."""

    def __init__(
        self,
        settings: Settings | None = None,
        embeddings: Embedder | None = None,
        index: Index | None = None,
        mode: Mode = "hybrid",
        chat_model: Any = None,
        prepare: Callable[[Assistant], None] | None = None,
        described: Callable[[], Collection[str]] | None = None,
    ) -> None:
        """Remember the backends; nothing is opened or loaded until the first question.

        ``prepare(assistant)`` runs before the first answer (and after ``reload``): the entry points
        build or update the index there (``assistant.service.sync_index``). ``described()`` gives the
        words the documents' descriptions use besides their text (titles, publishers, authors), which
        a question may name without leaving the guidance; read with the index.
        """
        self.settings = settings or Settings()
        self.embeddings = with_adapter(
            embeddings
            or embedding_models.SentenceEmbeddings(
                self.settings.embedding_model, batch_size=self.settings.embedding_batch_size
            ),
            self.settings.query_adapter_path,
        )
        self._index = index
        self._chat_model = chat_model
        self.mode = mode
        self._chain: Runnable | None = None
        self._retriever: GuidanceRetriever | None = None
        self._raw: dict[str, str] = {}
        self._lock = threading.Lock()
        self._prepare = prepare
        self._described = described

    @property
    def index(self) -> Any:
        """The Chroma index, opened on first use."""
        if self._index is None:
            self._index = GuidanceIndex(
                open_client(self.settings), self.settings.collection, self.settings.embedding_model
            )
        return self._index

    def ensure_index(self) -> None:
        """Run ``prepare`` (build or update the index), when the entry point gave one."""
        if self._prepare is not None:
            self._prepare(self)

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
                    hubs=self.hubs(),
                    ranker=self.ranker(),
                )
                self._retriever = retriever
                self._chain = build_answer_chain(
                    retriever,
                    self.index,
                    lexical,
                    self.settings,
                    self.topics(chunks),
                    self.scope(),
                    self._described() if self._described else frozenset(),
                    SentenceSelector.load(self.learned_file("selector.json")),
                )
            return self._chain

    def learned_file(self, name: str) -> Path | None:
        """A learned model saved beside the query adapter in use (None without an adapter)."""
        path = self.settings.query_adapter_path
        return path.with_name(name) if path and isinstance(self.embeddings, AdaptedEmbeddings) else None

    def ranker(self) -> Ranker | None:
        """The learned ranker that goes with the query adapter (None without one: rank fusion)."""
        return Ranker.load(self.learned_file("ranker.json"))

    def scope(self) -> ScopeModel | None:
        """The learned judge of whether the guidance covers a question (None: the similarity rule)."""
        return ScopeModel.load(self.learned_file("scope.json"))

    def hubs(self) -> dict[str, float]:
        """Per chunk, the hubness the learned query adapter measures (empty without an adapter)."""
        if not isinstance(self.embeddings, AdaptedEmbeddings):
            return {}
        ids, vectors = self.index.chunk_vectors()
        return dict(zip(ids, self.embeddings.adapter.hubness(vectors).tolist(), strict=True))

    def topics(self, chunks: Sequence[Any]) -> list[str]:
        """Titles of the indexed documents, for the refusal hint."""
        return list(dict.fromkeys(chunk.title for chunk in chunks))

    def retrieve(self, query: str, k: int | None = None) -> list[Any]:
        """The ranked passages (LangChain ``Document`` objects) the answer path would use for a query
        (``k`` of them; default ``settings.top_k``)."""
        self.chain()
        assert self._retriever is not None
        return self._retriever.invoke(query, k=k)

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index over the passages, loaded with the chain."""
        self.chain()
        assert self._retriever is not None
        return self._retriever.lexical

    def chunks(self) -> dict[str, Chunk]:
        """Every indexed chunk by id (titles, sections, text), loaded with the chain."""
        self.chain()
        assert self._retriever is not None
        return self._retriever.lexical.chunks

    def cite(self, doc: str, quote: str, n: int = 1, score: float = 1.0, start: int = 0) -> Citation | None:
        """A citation of ``quote`` in document ``doc`` of the corpus (same object as answers carry), the
        first occurrence from raw offset ``start`` on.

        Returns None when the quote is not in the document.
        """
        path = self.settings.corpus_dir / doc
        if doc not in self._raw:
            from assistant.text.loaders import DocumentError, load_text

            try:
                self._raw[doc] = load_text(path)
            except DocumentError:
                self._raw[doc] = ""
        span = locate_quote(self._raw[doc], quote, start)
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
            from assistant.generation.providers import make_chat_model

            self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    def ask(self, question: str, history: Sequence[Turn | str] = ()) -> Answer:
        """Answer one question; ``history`` holds the earlier turns, oldest first (a bare string is a
        turn's standalone query, its answer unknown).

        A follow-up about the previous answer ("which of those…", "the second one", "tell me more") is
        answered from that answer's own items; with a language model configured, it writes the answer
        and every sentence is verified; otherwise (or when it fails) the answer is the grounded extract.

        Raises:
            InputError: for an empty or over-long question.
        """
        if self.settings.llm_provider != "none":  # follow-ups about the answer too: ``stream_answer``
            from assistant.generation.generate import generate_answer

            return generate_answer(self, question, history, self.chat_model(), self.settings)
        text = clean_question(question, self.settings.max_question_chars)
        follow_up = self.answer_follow_up(text, history)
        if follow_up is not None:
            return follow_up
        return self.chain().invoke(
            {"question": text, "history": conversation_context(history), "said": already_said(text, history)}
        )

    def ask_stream(self, question: str, history: Sequence[Turn | str] = ()) -> Iterator[Any]:
        """Verified text as it grows, then the final ``Answer`` (only the Answer without a model)."""
        from assistant.generation.generate import stream_answer

        return stream_answer(self, question, history, self.chat_model(), self.settings)

    def answer_follow_up(self, question: str, history: Sequence[Turn | str]) -> Answer | None:
        """The answer to a follow-up about the previous answer from its own items (select, filter,
        expand: ``assistant.answering.followup``), or None when the question should be searched."""
        previous = Turn.of(history[-1]).answer if history else None
        return answer_follow_up(question, previous, self, self.settings.max_answer_chars)

    def standalone_query(self, question: str, history: Sequence[Turn | str]) -> str:
        """The query a question stands for in its conversation (stored as the next turn's query)."""
        text = clean_question(question, self.settings.max_question_chars)
        return condense_question(text, conversation_context(history))
