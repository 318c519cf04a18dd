"""Leave one document out: a council's own documents must not get worse. For each document, the query
adapter is trained without that document's questions (its text still gives its self-supervised pairs,
as a council's new document would after ``assistant train``, and its passages get the votes their other
signals predict: ``Ranker.score``), and its questions are retrieved with the learned models and without
them (the untuned model, rank fusion)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answering.conversation import condense_question
from assistant.answering.ranking import Ranker
from assistant.answering.retrieve import GuidanceRetriever
from assistant.index.adapter import AdaptedEmbeddings
from assistant.learning.data import TrainingSet
from assistant.learning.retriever import Example, read_material, train_adapter

KS = (1, 2, 4, 8)


@dataclass(frozen=True)
class DocumentResult:
    """One held-out document: its questions' hits@k untuned and learned."""

    doc: str
    questions: int
    untuned: dict[int, float]
    learned: dict[int, float]

    @property
    def no_worse(self) -> bool:
        return all(self.learned[k] >= self.untuned[k] - 1e-9 for k in KS)


def _hits(
    retriever: GuidanceRetriever, held: Sequence[Example], position: dict[str, int]
) -> dict[int, float]:
    found = {k: 0 for k in KS}
    for example in held:
        ranked = [position[doc.metadata["id"]] for doc in retriever.invoke(example.text, k=max(KS))]
        for k in KS:
            found[k] += any(index in example.passages for index in ranked[:k])
    return {k: round(found[k] / len(held), 3) for k in KS}


def leave_one_document_out(untuned: Any, data: TrainingSet, ranker: Ranker | None) -> list[DocumentResult]:
    """Per document prefix, hits@k of its questions untuned and with an adapter trained without them.

    Args:
        untuned: An ``Assistant`` without the learned models (``query_adapter="none"``).
        data: The training set.
        ranker: The shipped ranker's weights (fitted on every document's cross-fitted signals).
    """
    untuned.chain()
    material = read_material(untuned.index, data.questions, condense_question)
    found, position = material.found, material.position
    base = GuidanceRetriever(
        index=untuned.index, lexical=untuned.lexical, embeddings=untuned.embeddings, k=untuned.settings.top_k
    )
    results = []
    for doc in sorted({example.doc for example in found}):
        held = [example for example in found if example.doc == doc]
        others = [example for example in found if example.doc != doc]
        adapter = train_adapter(others, material, untuned.embeddings)
        learned = GuidanceRetriever(
            index=untuned.index,
            lexical=untuned.lexical,
            embeddings=AdaptedEmbeddings(untuned.embeddings, adapter),
            k=untuned.settings.top_k,
            hubs=material.hubs(adapter),
            ranker=ranker,
        )
        results.append(
            DocumentResult(doc, len(held), _hits(base, held, position), _hits(learned, held, position))
        )
    return results


def render_lodo(results: Sequence[DocumentResult]) -> str:
    """One row per held-out document."""
    head = "leave one document out   questions  " + "  ".join(f"@{k} untuned → learned" for k in KS)
    lines = [head]
    for r in results:
        cells = "  ".join(f"{r.untuned[k]:>10.3f} → {r.learned[k]:<7.3f}" for k in KS)
        lines.append(f"{r.doc:<24} {r.questions:>9}  {cells}  {'ok' if r.no_worse else 'WORSE'}")
    return "\n".join(lines)
