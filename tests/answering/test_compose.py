"""The extractive answer: grounded sentences, numbered citations, refusals."""

from __future__ import annotations

import numpy as np

from assistant.answering.compose import asks_for_list, compose_answer, relevance
from assistant.answering.tuning import LIST_PASSAGES
from assistant.index.lexical import LexicalIndex
from assistant.records import Chunk, Sentence
from assistant.text.phrases import REFUSAL, refusal
from assistant.text.quotes import with_context
from tests.conftest import FakeEmbeddings

RAW = (
    "Why things fail\n\n"
    "Of the many challenges, common problems include:\n"
    "01\tUnclear business cases, creating mismanagement of expectations later\n"
    "02\tWeak communications resulting in staff worries\n\n"
    "1+1=3 collaborations are about transformational public purpose. They are about innovation."
)


def stored_sentences(
    raw: str, spans: list[tuple[str, str, str, int]], embeddings: FakeEmbeddings
) -> list[Sentence]:
    """The sentences of a document, from (chunk id, text, kind, block) spans in document order."""
    sentences = []
    for position, (chunk_id, text, kind, block) in enumerate(spans):
        start = raw.index(text)
        vector = embeddings.query_vector(text)
        sentences.append(
            Sentence(
                f"{chunk_id}:{position}",
                chunk_id,
                "doc.txt",
                text,
                start,
                start + len(text),
                position,
                kind,
                block,
                vector,
            )
        )
    return sentences


def compose(question: str, chunks: dict[str, Chunk], spans, raw: str, ranks: dict[str, int], **options):
    """``compose_answer`` over a small hand-made index, with fake embeddings."""
    embeddings = FakeEmbeddings()
    return compose_answer(
        question,
        question,
        embeddings.query_vector(question),
        stored_sentences(raw, spans, embeddings),
        chunks,
        ranks,
        LexicalIndex(list(chunks.values())),
        topics=["A Guide"],
        **{"threshold": 0.1, "max_points": 4, "max_chars": 1000, **options},
    )


SPANS = [
    ("c1", "Of the many challenges, common problems include:", "paragraph", 0),
    ("c1", "Unclear business cases, creating mismanagement of expectations later", "list_item", 1),
    ("c1", "Weak communications resulting in staff worries", "list_item", 2),
    ("c1", "1+1=3 collaborations are about transformational public purpose.", "paragraph", 3),
    ("c1", "They are about innovation.", "paragraph", 3),
]
CHUNKS = {"c1": Chunk("c1", "doc.txt", "A Guide", "Why things fail", RAW[17:], 17, len(RAW), 0)}


def ask(question: str, threshold: float = 0.1):
    return compose(question, CHUNKS, SPANS, RAW, {"c1": 0}, threshold=threshold)


def test_every_line_cites_its_verbatim_quote() -> None:
    composition = ask("what are the common problems with business cases and staff communications?")
    assert not composition.abstained
    assert [citation.n for citation in composition.citations] == list(
        range(1, len(composition.citations) + 1)
    )
    for citation in composition.citations:
        assert " ".join(RAW[citation.start : citation.end].split()) == citation.quote
        assert f"[{citation.n}]" in composition.text
        assert citation.quote.rstrip(":") in composition.text


def test_list_questions_get_a_lead_and_bullets() -> None:
    composition = ask(
        "which common problems include unclear business cases or weak communications and staff worries?"
    )
    lead, _, bullets = composition.text.partition("\n\n")
    assert lead and bullets.startswith("- ")


def test_unrelated_question_is_refused_with_the_fixed_sentence() -> None:
    composition = ask("recipe for shepherd's pie", threshold=0.3)
    assert composition.abstained and composition.citations == []
    assert composition.text.startswith(REFUSAL) and "A Guide" in composition.text


def test_pronoun_sentence_is_quoted_with_the_one_before() -> None:
    sentences = stored_sentences(RAW, SPANS, FakeEmbeddings())
    by_position = {(s.chunk_id, s.position): s for s in sentences}
    merged = with_context(sentences[4], by_position)
    assert merged.text.startswith("1+1=3 collaborations") and merged.text.endswith("innovation.")
    assert " ".join(RAW[merged.start : merged.end].split()) == merged.text
    assert with_context(sentences[1], by_position) is sentences[1]


def test_list_question_detection() -> None:
    assert asks_for_list("Why do shared services fail?")
    assert asks_for_list("What are the barriers to collaboration?")
    assert not asks_for_list("What does 1+1=3 mean?")


def test_relevance_drops_with_words_the_corpus_never_uses() -> None:
    assert relevance(0.6, 0.0) == np.float64(0.6)
    assert relevance(0.6, 1.0) < relevance(0.6, 0.5) < 0.6
    assert refusal([]) == REFUSAL


WORK_POINTS = [
    f"Shared services work with {topic}"
    for topic in (
        "clear governance by senior leaders",
        "strong leadership commitment",
        "piloting before scaling",
        "defined standards for performance",
        "plausible threats to withdraw",
        "budgets held by customers",
        "a right for customers to leave",
        "honest business cases",
        "regular staff communication",
        "shared risk appetite",
        "measured benefits",
        "patience with slower partners",
    )
]
WORK_RAW = (
    "Ways of working\n\n"
    "Partners meet monthly to review the shared budget and the service plan.\n\n"
    "How to make shared services work\n\n" + "".join(f"  • {point}\n" for point in WORK_POINTS)
)
QUESTION = "What makes shared services work: governance, leadership, standards, budgets and staff?"


def ask_work_list(max_chars: int, ranks: dict[str, int] | None = None):
    """A list straight under its heading (no introduction), and an unrelated paragraph elsewhere; the
    list's passage retrieved first unless ``ranks`` say otherwise."""
    heading = WORK_RAW.index("How to make")
    chunks = {
        "c1": Chunk("c1", "doc.txt", "A Guide", "Ways of working", WORK_RAW[:heading], 0, heading, 0),
        "c2": Chunk(
            "c2",
            "doc.txt",
            "A Guide",
            "How to make shared services work",
            WORK_RAW[heading:],
            heading,
            len(WORK_RAW),
            1,
        ),
    }
    spans = [
        ("c1", "Partners meet monthly to review the shared budget and the service plan.", "paragraph", 0)
    ]
    spans += [("c2", point, "list_item", 1 + n) for n, point in enumerate(WORK_POINTS)]
    ranks = ranks or {"c2": 0, "c1": 1}
    return compose(QUESTION, chunks, spans, WORK_RAW, ranks, max_chars=max_chars, max_items=20)


def test_a_list_under_its_heading_is_not_introduced_by_a_sentence_from_elsewhere() -> None:
    composition = ask_work_list(max_chars=2000)
    assert composition.text.startswith("- Shared services work with clear governance")
    assert "Partners meet monthly" not in composition.text
    assert len(composition.citations) == len(WORK_POINTS)


def test_only_a_list_of_the_best_passages_makes_the_answer() -> None:
    behind = ask_work_list(max_chars=2000, ranks={"c1": 0, "c2": LIST_PASSAGES})
    assert "Partners meet monthly" in behind.text
    assert "Partners meet monthly" not in ask_work_list(max_chars=2000, ranks={"c1": 0, "c2": 1}).text


def test_a_list_a_little_longer_than_the_budget_is_quoted_whole() -> None:
    whole = sum(len(point) for point in WORK_POINTS)
    assert len(ask_work_list(max_chars=whole).citations) == len(WORK_POINTS)
    assert len(ask_work_list(max_chars=whole // 2).citations) < len(WORK_POINTS)


TWO_LISTS_RAW = (
    "Customers first\n\n"
    "The theme was the need to be customer-driven, with two particular principles:\n\n"
    "  • budgets stay with the customer\n"
    "  • customers always have a right to leave\n\n"
    "Consequences of applying those principles include:\n\n"
    "  • providers compete on service quality\n"
    "  • standards are published\n"
    "  • prices are agreed every year\n"
)
TWO_LISTS_SPANS = [
    ("c1", "The theme was the need to be customer-driven, with two particular principles:", "paragraph", 0),
    ("c1", "budgets stay with the customer", "list_item", 1),
    ("c1", "customers always have a right to leave", "list_item", 2),
    ("c1", "Consequences of applying those principles include:", "paragraph", 3),
    ("c1", "providers compete on service quality", "list_item", 4),
    ("c1", "standards are published", "list_item", 5),
    ("c1", "prices are agreed every year", "list_item", 6),
]


def test_a_two_item_list_answers_on_its_own_after_its_introduction() -> None:
    chunks = {
        "c1": Chunk("c1", "doc.txt", "A Guide", "Customers first", TWO_LISTS_RAW, 0, len(TWO_LISTS_RAW), 0)
    }
    composition = compose(
        "What are the two principles: budgets stay with the customer, customers have a right to leave?",
        chunks,
        TWO_LISTS_SPANS,
        TWO_LISTS_RAW,
        {"c1": 0},
    )
    quotes = [citation.quote for citation in composition.citations]
    assert quotes == [
        "The theme was the need to be customer-driven, with two particular principles:",
        "budgets stay with the customer",
        "customers always have a right to leave",
    ]


def test_a_sentence_sending_the_reader_elsewhere_is_never_quoted() -> None:
    raw = (
        "Diversity of perspective helps a collaboration serve a diverse population. "
        "For more on diversity of perspective, here is an article published by the firm."
    )
    spans = [
        ("c1", "Diversity of perspective helps a collaboration serve a diverse population.", "paragraph", 0),
        (
            "c1",
            "For more on diversity of perspective, here is an article published by the firm.",
            "paragraph",
            0,
        ),
    ]
    chunks = {"c1": Chunk("c1", "doc.txt", "A Guide", "Diversity", raw, 0, len(raw), 0)}
    composition = compose("for more on diversity of perspective article", chunks, spans, raw, {"c1": 0})
    assert not composition.abstained
    assert [citation.quote for citation in composition.citations] == [spans[0][1]]


def test_what_was_just_said_is_not_quoted_again_except_the_best_sentence() -> None:
    question = "what are the common problems with business cases and staff communications?"
    first = ask(question)
    again = compose(question, CHUNKS, SPANS, RAW, {"c1": 0}, said=first.citations)
    said = {(c.start, c.end) for c in first.citations}
    repeated = [c for c in again.citations if (c.start, c.end) in said]
    assert len(first.citations) > 1 and len(repeated) == 1
    best = compose(question, CHUNKS, SPANS, RAW, {"c1": 0}, max_points=1).citations[0]
    assert (repeated[0].start, repeated[0].end) == (best.start, best.end)
