"""The real embedding model on the real corpus: verbatim citations for every eval question, refusals."""

from __future__ import annotations

import statistics

import pytest
import yaml

from assistant.records import Turn
from assistant.text.loaders import load_text
from assistant.text.normalise import split_blocks
from assistant.text.tables import column_headings
from tests.conftest import CORPUS, ROOT

CASES = yaml.safe_load((ROOT / "eval" / "cases" / "questions.yaml").read_text(encoding="utf-8"))


def all_answers(assistant):
    for case in CASES["cases"]:
        yield case, assistant.ask(case["question"])
    for conversation in CASES["conversations"]:
        history: list[Turn] = []
        for turn in conversation["turns"]:
            answer = assistant.ask(turn["question"], history)
            history.append(Turn(assistant.standalone_query(turn["question"], history), answer))
        yield conversation["turns"][-1] | {"kind": "in_scope"}, answer


@pytest.mark.model
def test_every_citation_is_verbatim_with_its_span(real_assistant) -> None:
    raw = {path.name: load_text(path) for path in CORPUS.glob("*.txt")}
    checked = 0
    for _, answer in all_answers(real_assistant):
        for citation in answer.citations:
            assert " ".join(raw[citation.doc][citation.start : citation.end].split()) == citation.quote
            assert " ".join(citation.quote.split()) in " ".join(raw[citation.doc].split())
            checked += 1
    assert checked > 100


@pytest.mark.model
def test_refusals_and_answer_lengths(real_assistant) -> None:
    results = list(all_answers(real_assistant))
    out_of_scope = [answer for case, answer in results if case["kind"] == "out_of_scope"]
    in_scope = [answer for case, answer in results if case["kind"] == "in_scope"]
    assert sum(answer.abstained for answer in out_of_scope) / len(out_of_scope) >= 0.8
    assert sum(answer.abstained for answer in in_scope) / len(in_scope) <= 0.15
    assert statistics.median(len(answer.answer) for answer in in_scope if not answer.abstained) < 1200


@pytest.mark.model
@pytest.mark.parametrize(
    "question,expected",
    [
        ("Why do shared services fail?", "Unhinging issues"),
        ("How do we sustain shared services?", "How to sustain shared services"),
        ("What went wrong with the marketing rebrand?", "07: A marketing mistake"),
    ],
)
def test_answers_cite_the_right_section(real_assistant, question: str, expected: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained
    assert expected in {citation.section for citation in answer.citations}


@pytest.mark.model
def test_a_what_two_question_gets_the_two_item_list(real_assistant) -> None:
    question = "What two principles kept British Columbia's shared services customer-driven?"
    answer = real_assistant.ask(question)
    bullets = [line for line in answer.answer.splitlines() if line.startswith("- ")]
    assert len(bullets) == 2
    assert "budgets stay with the customer" in bullets[0] and "right to leave" in bullets[1]


def table_cells() -> dict[str, str]:
    """The column heading of every cell of the three-sums table, by the cell's text."""
    (path,) = CORPUS.glob("000_*.txt")
    raw = load_text(path)
    blocks = split_blocks(raw)
    return {
        blocks[index].text: heading
        for index, heading in column_headings(blocks, raw).items()
        if blocks[index].kind == "list_item"
    }


@pytest.mark.model
def test_a_question_naming_a_table_column_quotes_only_that_columns_cells(real_assistant) -> None:
    cells = table_cells()
    assert len(set(cells.values())) == 3
    answer = real_assistant.ask("What does 1+1=3 mean?")
    quoted = [citation.quote for citation in answer.citations if citation.quote in cells]
    assert quoted and all(cells[quote] == "1+1=3" for quote in quoted)


@pytest.mark.model
def test_the_third_one_after_a_table_is_its_third_column(real_assistant) -> None:
    cells = table_cells()
    first = "Which three sums describe collaboration?"
    answer = real_assistant.ask(first)
    assert sum(citation.quote in cells for citation in answer.citations) >= 6
    history = [Turn(real_assistant.standalone_query(first, []), answer)]
    third = real_assistant.ask("And the third one?", history)
    quoted = [citation.quote for citation in third.citations]
    assert {quote for quote in quoted if quote in cells} == {
        cell for cell, heading in cells.items() if heading == "1+1=3"
    }
    assert any(quote.startswith("1+1=3 collaborations are") for quote in quoted)  # the prose about it
