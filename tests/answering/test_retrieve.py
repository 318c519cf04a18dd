"""Rank fusion, diversity and the hybrid retriever."""

from __future__ import annotations

import pytest

from assistant.answering.ranking import FEATURES, Ranker
from assistant.answering.retrieve import RRF_K, GuidanceRetriever, diversify, fuse_rankings
from assistant.index.adapter import AdaptedEmbeddings
from assistant.service import open_assistant
from assistant.settings import Settings
from tests.conftest import identity_adapter


def test_reciprocal_rank_fusion_adds_reciprocal_ranks() -> None:
    scores = fuse_rankings([["a", "b"], ["b", "c"]])
    assert scores["a"] == pytest.approx(1 / (RRF_K + 1))
    assert scores["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert scores["c"] == pytest.approx(1 / (RRF_K + 2))
    assert max(scores, key=scores.get) == "b"


def test_diversify_skips_near_duplicates_and_damps_one_document() -> None:
    texts = {
        "a1": "applying them as discussion tools is an excellent way",
        "a2": "applying them as discussion tools is an excellent way",
        "a3": "a different passage from the same document",
        "b1": "something else entirely from another document",
    }
    docs = {"a1": "A", "a2": "A", "a3": "A", "b1": "B"}
    picked = diversify([("a1", 1.0), ("a2", 0.99), ("a3", 0.9), ("b1", 0.8)], texts, docs, k=3)
    assert [chunk_id for chunk_id, _ in picked] == ["a1", "b1", "a3"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_retriever_finds_the_section_in_every_mode(settings: Settings, fake_embeddings, mode: str) -> None:
    assistant = open_assistant(settings, embeddings=fake_embeddings, mode=mode)
    documents = assistant.retrieve("how to sustain shared services: defined standards and measuring success")
    assert documents and len(documents) <= settings.top_k
    assert any(document.metadata["section"] == "How to sustain shared services" for document in documents[:3])
    assert [document.metadata["rank"] for document in documents] == list(range(len(documents)))


def test_the_ranker_imputes_votes_for_passages_of_documents_no_written_question_is_about(
    settings: Settings, fake_embeddings
) -> None:
    assistant = open_assistant(settings, embeddings=fake_embeddings, mode="hybrid")
    assistant.chain()
    question = "how to sustain shared services: defined standards and measuring success"
    chunks = assistant.lexical.chunks
    asked = next(iter(chunks.values()))
    adapter = identity_adapter(fake_embeddings.encode([question]), answers=((asked.id,),))
    votes_only = tuple(float(name == "votes") for name in FEATURES)
    imputed = (0.0,) * (len(FEATURES) - 1) + (0.5,)  # every unasked passage: half the votes
    retriever = GuidanceRetriever(
        index=assistant.index,
        lexical=assistant.lexical,
        embeddings=AdaptedEmbeddings(fake_embeddings, adapter),
        ranker=Ranker(votes_only, imputed),
    )
    scores = {d.metadata["id"]: d.metadata["score"] for d in retriever.invoke(question, k=len(chunks))}
    others = {chunk_id: score for chunk_id, score in scores.items() if chunks[chunk_id].doc != asked.doc}
    assert others and all(score == pytest.approx(0.5) for score in others.values())
    same = {chunk_id: score for chunk_id, score in scores.items() if chunks[chunk_id].doc == asked.doc}
    assert all(score == 0.0 for chunk_id, score in same.items() if chunk_id != asked.id), "its real votes"
