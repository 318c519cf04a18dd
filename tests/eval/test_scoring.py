"""Tests for eval.scoring and eval.runner: one answer scored by hand, batching, conversations."""

from pathlib import Path

import pytest

from assistant.index.embeddings import EmbeddingCache
from assistant.records import Turn
from eval.cases import ExpectedSection, GoldCase, Nugget
from eval.gate import load_thresholds
from eval.results import PipelineOutput
from eval.runner import AssistantPipeline, PipelineEmbeddings
from eval.scoring import score_outputs

DOC = "doc.txt"
RAW = "Heading\n\nBudgets stay with the customer. Customers may always leave.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / DOC).write_text(RAW, encoding="utf-8")
    return tmp_path


def quote(text: str) -> tuple[str, str, int, int]:
    start = RAW.index(text)
    return (DOC, text, start, start + len(text))


CASE = GoldCase(
    id="budgets",
    kind="in_scope",
    questions=("Where do budgets sit?",),
    expected=(ExpectedSection(doc=DOC, section="Heading"),),
    nuggets=(
        Nugget(label="budgets stay with the customer", phrasings=["stay with the customer"]),
        Nugget(label="payroll", phrasings=["shared payroll"]),
    ),
)


def test_one_answer_scored_by_hand(corpus, fake_embeddings, make_answer):
    answer = make_answer(
        CASE.question, [quote("Budgets stay with the customer."), (DOC, "Not in the text.", 0, 7)]
    )
    output = PipelineOutput(answer, [("other.txt", None), (DOC, "Heading")])
    (result,) = score_outputs([CASE], [output], EmbeddingCache(fake_embeddings), corpus, load_thresholds())
    assert result.recall_at_5 == 1.0
    assert result.reciprocal_rank_at_10 == 0.5
    assert result.nuggets_found_phrase == [True, False]
    assert result.nugget_recall_phrase == 0.5
    assert result.missing_nuggets == ["payroll"]
    assert result.citations_valid == [True, False]
    assert result.statements == 2
    assert result.citation_recall == 1.0  # each statement is its own quote
    assert result.latency_ms == 10.0


def test_a_refusal_finds_no_nuggets_and_has_no_statements(corpus, fake_embeddings, make_answer):
    output = PipelineOutput(make_answer(CASE.question, [], abstained=True), [])
    (result,) = score_outputs([CASE], [output], EmbeddingCache(fake_embeddings), corpus, load_thresholds())
    assert result.abstained
    assert result.nuggets_found_phrase == [False, False]
    assert result.nuggets_found_embedding == [False, False]
    assert result.citation_recall is None and result.recall_at_5 == 0.0


def test_the_cache_embeds_each_text_once(fake_embeddings):
    cache = EmbeddingCache(fake_embeddings)
    first = cache.encode(["a b", "c", "a b"])
    assert first.shape == (3, fake_embeddings.dimensions)
    cache.encode(["c", "a b"])
    assert fake_embeddings.embedded == 2


class FakeAssistant:
    """Records what the eval asks; condenses a follow-up by prefixing the previous query."""

    def __init__(self, make_answer):
        self.make_answer = make_answer
        self.asked = []

    def standalone_query(self, question, history):
        return f"{Turn.of(history[-1]).query} {question}" if history else question

    def ask(self, question, history):
        self.asked.append((question, list(history)))
        return self.make_answer(question, [])

    def retrieve(self, query):
        from langchain_core.documents import Document

        return [Document(page_content=query, metadata={"doc": DOC, "section": None})]


def test_a_conversation_is_asked_with_the_earlier_turns_and_their_answers(make_answer):
    assistant = FakeAssistant(make_answer)
    output = AssistantPipeline(assistant, "hybrid", "").answer(
        ("Why do they fail?", "And how to avoid that?")
    )
    first, follow_up = assistant.asked
    assert first == ("Why do they fail?", [])
    assert follow_up[0] == "And how to avoid that?"
    [turn] = follow_up[1]
    assert turn.query == "Why do they fail?" and turn.answer.question == "Why do they fail?"
    assert output.retrieved == [(DOC, None)]


def test_each_pipeline_has_its_own_question_cache(fake_embeddings):
    first, second = PipelineEmbeddings(fake_embeddings), PipelineEmbeddings(fake_embeddings)
    first.query_vector("q")
    first.query_vector("q")
    second.query_vector("q")
    assert fake_embeddings.embedded == 2


def test_model_written_answers_and_kept_sentences_are_summarised(corpus, fake_embeddings, make_answer):
    from dataclasses import replace

    from eval.results import summarise

    written = replace(
        make_answer(CASE.question, [quote("Budgets stay with the customer.")]),
        generator="openai:test",
        verification={"sentences": 4, "kept": 1},
    )
    fallback = replace(
        make_answer(CASE.question, [quote("Budgets stay with the customer.")]),
        verification={"sentences": 2, "kept": 0},
    )
    timeout = make_answer(CASE.question, [quote("Budgets stay with the customer.")])
    outputs = [PipelineOutput(answer, []) for answer in (written, fallback, timeout)]
    results = score_outputs([CASE] * 3, outputs, EmbeddingCache(fake_embeddings), corpus, load_thresholds())
    assert [result.generator for result in results] == ["openai:test", "extractive", "extractive"]
    summary = summarise(results, writes_with_model=True)
    assert summary.model_written == pytest.approx(1 / 3)
    assert summary.sentences_kept == pytest.approx(1 / 6)
    plain = summarise(results)
    assert plain.model_written is None and plain.sentences_kept is None


def test_equal_length_recall_only_reads_the_first_characters(corpus, fake_embeddings, make_answer):
    from dataclasses import replace

    from eval.metrics import EQUAL_LENGTH

    answer = make_answer(CASE.question, [quote("Budgets stay with the customer.")])
    padding = " ".join(["Filler words here."] * (EQUAL_LENGTH // 18 + 1))
    long = replace(answer, answer=f"{answer.answer} {padding} They use a shared payroll.")
    (result,) = score_outputs(
        [CASE], [PipelineOutput(long, [])], EmbeddingCache(fake_embeddings), corpus, load_thresholds()
    )
    assert result.nuggets_found_phrase == [True, True]
    assert result.nuggets_found_phrase_equal == [True, False]
    assert result.nugget_recall_phrase_equal == 0.5
    assert len(result.nuggets_found_embedding_equal) == 2
