"""Review a proposal for sharing services against the guidance's factor catalogue, offline.

For every factor the review decides whether the proposal addresses it, shows it as a risk or is silent
on it, quoting the proposal's sentences and citing the guidance passage that explains the factor. It
also places the proposal's ambition among the three sums and lists the questions to put to its authors.

How a sentence is judged against a factor:

* relevance — embedding similarity to the factor's cue phrases, combined with stemmed word overlap,
  less what the sentence shares with every factor alike (a generic "the councils will share the
  service" is near everything and evidence of nothing);
* polarity — which cue set (risk or addressed) it matches, where a negated or deferred clause flips
  the polarity of the cue it matches ("there will be no pilot" is a risk against the cue "pilot phase";
  "there is no risk of disruption because we have a phased transition" is addressed), plus the tone of
  the sentence (concern, deferral or assumption against agreement, completion or mitigation).

The proposal's text is never logged or written to disk; only counts and timings are logged.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from assistant.records import Citation
from assistant.review.catalogue import Catalogue, load_catalogue
from assistant.text.injection import is_directed_at_model
from assistant.text.terms import WORD, content_terms
from assistant.text.normalise import split_blocks, split_sentences

logger = logging.getLogger(__name__)

Status = Literal["risk", "addressed", "not_covered"]
STATUSES: tuple[Status, ...] = ("risk", "addressed", "not_covered")

Cite = Callable[[str, str, int, float], Citation | None]
"""``cite(doc, quote, n, score)``: a guidance citation, as ``Assistant.cite`` returns."""

# ------------------------------------------------------------------------------------------------
# Thresholds and weights, calibrated on the eval proposals (eval/cases/reviews.yaml, not heldout).
# ------------------------------------------------------------------------------------------------

SEMANTIC_TOP_CUES = 2
"""A sentence's similarity to a factor is the mean of its similarities to this many closest cues."""

LEXICAL_BONUS = 1.0
"""Relevance added (in standard deviations) by a sentence that contains all the words of a cue."""

FACTORS_PER_SENTENCE = 4
"""A sentence is evidence for at most this many factors, those it is most about (factors compete)."""

RELEVANCE_MIN = 1.0
"""Least relevance for a sentence to count as evidence about a factor.

Relevance is the sentence's similarity to the factor in standard deviations above its mean similarity
to all factors (so generic sentences, near everything, stand out for nothing), plus the lexical bonus.
"""

ADDRESSED_MIN = 2.0
"""Least relevance of the best sentence for a factor to count as addressed (below: not covered)."""

RISK_MIN = 1.0
"""Least risk weight (relevance x negative polarity, summed over the evidence) for a risk."""

RISK_OVER_ADDRESSED = 1.5
"""A factor is a risk when its risk weight exceeds its addressed weight times this."""

LEXICAL_POLARITY_WEIGHT = 0.5
SEMANTIC_POLARITY_WEIGHT = 0.25
TONE_WEIGHT = 0.35
"""Weights of the three polarity signals (cue words with negation, cue embeddings, sentence tone)."""

SEMANTIC_POLARITY_SPAN = 0.15
"""A difference in similarity to the addressed and the risk cues this large is full polarity."""

CUE_MIN_TERMS = 2
"""A cue needs this many of its specific (not generic) words in a sentence, or all if it has fewer."""

CUE_MIN_SHARE = 0.6
"""Least share of a cue's content words a sentence must contain for a lexical match."""

GENERIC_TERM_FACTORS = 6
"""A word found in the cues of this many factors or more ("council", "agree") is generic: it counts towards
a cue's share but not towards its specific words."""

EVIDENCE_PER_FACTOR = 2
"""Sentences quoted as evidence for a factor."""

SUM_TOP_SENTENCES = 3
"""A sum's score is the mean relevance of this many best-matching sentences."""

SUM_LEXICAL_BONUS = 0.2
"""Score added to a sentence's similarity to a sum by containing all the words of one of its cues."""

SUM_EVIDENCE = 2
"""Sentences quoted as evidence for the sum."""

MIN_PASSAGE_WORDS = 4
"""Shorter passages (headings, labels, table fragments) are not judged."""

SEMANTIC_MIN = 0.3
"""Least cosine similarity (the mean of its closest cues) for a sentence to be about a factor, unless it
has a cue's words. Standard deviations alone make the least unrelated factor of any sentence look
relevant, even for "Ignore all previous instructions." (no change on the eval proposals)."""

# ------------------------------------------------------------------------------------------------
# Words that change what a sentence means for a factor.
# ------------------------------------------------------------------------------------------------

NEGATION = re.compile(
    r"\b(?:no|not|never|without|none|nobody|neither|nor|cannot|unable|lacks?|lacking|absence|"
    r"rather than|instead of)\b|n['’]t\b",
    re.IGNORECASE,
)
"""Words that deny what their clause says: a cue matched inside such a clause has its polarity flipped."""

DEFERRAL = re.compile(
    r"\bto be (?:confirmed|determined|agreed|decided|developed|identified|defined|worked out|quantified|"
    r"finalised|considered|explored|established|discussed|prepared|negotiated|clarified|resolved)\b|"
    r"\bto follow\b|\bwill follow\b(?=\s*(?:[.,;:)]|$))|\blater\b|\bin due course\b|\byet\b|\bawaiting\b|"
    r"\bpending\b|\bdeferred\b|\bonce (?:the|its|their|it|they|we|this|that|all|both|each|our)\b|"
    r"\buntil\b|\bon hold\b|\bwill emerge\b|\bstill being\b|"
    r"\bprovisional\b|\bindicative\b|\bafter (?:approval|the decision|incorporation)\b",
    re.IGNORECASE,
)
"""Words that put off what their clause says ("business case to follow"): treated like a negation."""

CONCERN = re.compile(
    r"\b(?:concern\w*|worr\w*|frustrat\w*|fear\w*|oppos\w*|reluctan\w*|unwilling\w*|refus\w*|insist\w*|"
    r"disput\w*|tension\w*|conflict\w*|rumou?rs?|critical|backlog\w*|limited assurance|behind|lags?|"
    r"lagging|swallow\w*|takeover|take over|compet\w*|differ\w*|delay\w*|slipp\w*|retir\w*|"
    r"step(?:s|ping)? down|leaving|obvious\w*|self-evident|assum\w*|hoped|confidential|in principle|"
    r"depends on|dependent on|relies on|rests on|entirely|at once|immediately|as soon as possible|"
    r"as is|informal\w*|unclear|uncertain\w*|unknown|only|(?:has|have|had) (?:not|no)|nobody|no one)\b",
    re.IGNORECASE,
)
"""Words of a sentence that sounds a warning: concern, conflict, assumption, haste, absence of action."""

ASSURANCE = re.compile(
    r"\b(?:agreed|approved|completed|signed|quantified|tested|in place|sets? out|mitigat\w*|so that|"
    r"ensur\w*|protect\w*|covers?|independent\w*|funded|funds|every (?:week|fortnight|month|quarter|year)|"
    r"quarterly|monthly|fortnightly|annual(?:ly)?|regular(?:ly)?|equal(?:ly)?|has been|have been|"
    r"already|alongside|before (?:transfer|migration|any|going|full|the decision)|published|named)\b",
    re.IGNORECASE,
)
"""Words of a sentence that reassures: agreement, completion, mitigation, routine and independence."""

CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]–—]|\s-\s|"
    r"\b(?:but|because|although|though|however|whereas|while|and so|so that|as a result)\b",
    re.IGNORECASE,
)
"""Where one clause ends and the next begins (a negation reaches to the end of its clause only)."""

MARKDOWN_NOISE = re.compile(r"^(?:#+\s|\|?\s*-{3,}|\*\*[^*]{1,40}:\*\*)")
"""Markdown headings, table rules and ``**Label:**`` lines (report metadata): not sentences to judge."""


# ------------------------------------------------------------------------------------------------
# What a review is.
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A sentence of the proposal: ``text`` is ``raw[start:end]`` with whitespace collapsed."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    """A quote from the proposal and its span in the proposal's extracted text."""

    quote: str
    start: int
    end: int


@dataclass
class FactorFinding:
    """What the proposal says about one factor of the catalogue."""

    id: str
    title: str
    status: Status
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    question: str = ""
    group: str = ""

    def to_json(self) -> dict[str, Any]:
        """The factor object of the review JSON."""
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "confidence": round(self.confidence, 3),
            "evidence": [asdict(item) for item in self.evidence],
            "citations": [asdict(citation) for citation in self.citations],
        }


@dataclass
class SumFinding:
    """The proposal's ambition: one of the three sums, with the sentences that show it."""

    label: str
    evidence: list[Evidence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The sum object of the review JSON (evidence as quote strings)."""
        return {
            "label": self.label,
            "evidence": [item.quote for item in self.evidence],
            "citations": [asdict(citation) for citation in self.citations],
        }


@dataclass
class Review:
    """The review of one proposal (the stable JSON contract of ``assistant review --json``)."""

    name: str
    chars: int
    sum: SumFinding
    factors: list[FactorFinding]
    questions: list[str]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def by_status(self, status: Status) -> list[FactorFinding]:
        """Findings of one status, most confident first."""
        found = [finding for finding in self.factors if finding.status == status]
        return sorted(found, key=lambda finding: -finding.confidence)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``assistant review --json``."""
        return {
            "proposal": {"name": self.name, "chars": self.chars},
            "sum": self.sum.to_json(),
            "factors": [finding.to_json() for finding in self.factors],
            "questions": list(self.questions),
        }


# ------------------------------------------------------------------------------------------------
# Reading and splitting the proposal.
# ------------------------------------------------------------------------------------------------


PROPOSAL_SUFFIXES = ("txt", "md", "pdf", "docx")
"""File types a proposal may come in."""

MAX_PROPOSAL_CHARS = 500_000
"""Longest proposal text reviewed (about 160 pages): embedding its sentences takes about a minute on a
laptop, where the longest upload accepted (10 MB of text) would take twenty."""


def read_proposal(data: bytes, name: str, max_bytes: int) -> str:
    """The extracted text of a proposal file (.txt, .md, .pdf or .docx).

    Raises:
        DocumentError: with a one-line message for an empty, binary, encrypted, corrupt, oversized,
            undecodable, unsupported or too long file.
    """
    from assistant.text.loaders import DocumentError, load_text_from_bytes

    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in PROPOSAL_SUFFIXES:
        shown = f".{suffix}" if suffix else "(none)"
        supported = ", ".join(f".{known}" for known in PROPOSAL_SUFFIXES)
        raise DocumentError(f"{name}: unsupported file type {shown}; use one of {supported}")
    text = load_text_from_bytes(data, name, max_bytes)
    if len(text) > MAX_PROPOSAL_CHARS:
        raise DocumentError(
            f"{name}: the proposal is too long to review ({len(text):,} characters; at most "
            f"{MAX_PROPOSAL_CHARS:,}): leave out the appendices"
        )
    return text


def split_passages(text: str) -> list[Passage]:
    """The proposal's sentences that can carry evidence, with their spans in ``text``.

    Headings, Markdown rules, fragments shorter than ``MIN_PASSAGE_WORDS`` words and sentences written to
    a language model (``assistant.text.injection``) are left out.
    """
    passages: list[Passage] = []
    for block in split_blocks(text):
        if block.kind == "heading" or MARKDOWN_NOISE.match(block.text):
            continue
        for start, end in split_sentences(text, block.start, block.end):
            sentence = " ".join(text[start:end].split())
            if (
                len(WORD.findall(sentence)) >= MIN_PASSAGE_WORDS
                and not MARKDOWN_NOISE.match(sentence)
                and not is_directed_at_model(sentence)
            ):
                passages.append(Passage(sentence, start, end))
    return passages


# ------------------------------------------------------------------------------------------------
# Words: stems, and which of them a negation or deferral undermines.
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """A sentence as word stems, the stems in negated or deferred clauses, and its tone (-1..1)."""

    stems: frozenset[str]
    undermined: frozenset[str]
    affirmed: frozenset[str]
    tone: float


def read_wording(text: str) -> Wording:
    """Stems of a sentence, split by whether their clause is negated or deferred, and its tone."""
    undermined: set[str] = set()
    affirmed: set[str] = set()
    for clause in CLAUSE_BREAK.split(text):
        stems = set(content_terms(_strip_markers(clause)))
        if NEGATION.search(clause) or DEFERRAL.search(clause):
            undermined |= stems
        else:
            affirmed |= stems
    warnings = len(CONCERN.findall(text)) + len(DEFERRAL.findall(text))
    assurances = len(ASSURANCE.findall(text))
    tone = (assurances - warnings) / (assurances + warnings) if assurances + warnings else 0.0
    return Wording(frozenset(undermined | affirmed), frozenset(undermined), frozenset(affirmed), tone)


def _strip_markers(text: str) -> str:
    """A text without its negation and deferral words (what is left is what the clause is about)."""
    return DEFERRAL.sub(" ", NEGATION.sub(" ", text))


@dataclass(frozen=True)
class Cue:
    """A cue phrase: the stems it is about, whether it is itself negated, and its polarity (+1, -1)."""

    text: str
    polarity: int
    concept: frozenset[str]
    negated: bool

    @classmethod
    def read(cls, text: str, polarity: int) -> Cue:
        """A cue of the catalogue: ``polarity`` +1 for an addressed cue, -1 for a risk cue."""
        negated = bool(NEGATION.search(text) or DEFERRAL.search(text))
        return cls(text, polarity, frozenset(content_terms(_strip_markers(text))), negated)

    def match(self, wording: Wording, generic: frozenset[str] = frozenset()) -> tuple[float, int]:
        """How much of the cue the sentence contains (0-1) and the polarity it then has there.

        A cue matched in a negated clause, or a negated cue matched in a plain one, flips polarity.
        Words in ``generic`` count towards the share but cannot make a match on their own.
        """
        if not self.concept:
            return 0.0, 0
        found = self.concept & wording.stems
        specific = self.concept - generic or self.concept
        if len(found & specific) < min(CUE_MIN_TERMS, len(specific)):
            return 0.0, 0
        if len(found) < CUE_MIN_SHARE * len(self.concept):
            return 0.0, 0
        undermined = len(found & wording.undermined) >= len(found & wording.affirmed)
        polarity = -self.polarity if undermined != self.negated else self.polarity
        return len(found) / len(self.concept), polarity


# ------------------------------------------------------------------------------------------------
# The catalogue's cues, embedded once per process.
# ------------------------------------------------------------------------------------------------


@dataclass
class CueBook:
    """Every cue of the catalogue with its embedding; rows of ``vectors`` follow ``cues``."""

    catalogue: Catalogue
    cues: list[Cue]
    owners: list[str]
    """Factor id or sum label of each cue."""
    vectors: np.ndarray
    generic: frozenset[str]
    """Words found in the cues of ``GENERIC_TERM_FACTORS`` factors or more."""

    def rows(self, owner: str, polarity: int | None = None) -> list[int]:
        """Rows of one factor's (or sum's) cues, optionally of one polarity."""
        return [
            row
            for row, (cue, cue_owner) in enumerate(zip(self.cues, self.owners, strict=True))
            if cue_owner == owner and (polarity is None or cue.polarity == polarity)
        ]


_CUE_BOOKS: dict[tuple[str, int, tuple[str, ...]], CueBook] = {}
_CUE_BOOKS_LOCK = threading.Lock()


def cue_book(catalogue: Catalogue, embeddings: Any) -> CueBook:
    """The catalogue's cues and their embeddings, computed once per process and embedding model."""
    cues: list[Cue] = []
    owners: list[str] = []
    for factor in catalogue.factors:
        for text in factor.risk_cues:
            cues.append(Cue.read(text, -1))
            owners.append(factor.id)
        for text in factor.addressed_cues:
            cues.append(Cue.read(text, +1))
            owners.append(factor.id)
    for total in catalogue.sums:
        for text in total.cues:
            cues.append(Cue.read(text, +1))
            owners.append(total.label)
    texts = tuple(cue.text for cue in cues)
    key = (str(getattr(embeddings, "model_name", type(embeddings).__name__)), id(embeddings), texts)
    with _CUE_BOOKS_LOCK:
        book = _CUE_BOOKS.get(key)
        if book is None:
            vectors = np.asarray(embeddings.encode(list(texts)), dtype=np.float32)
            book = CueBook(catalogue, cues, owners, vectors, _generic_terms(cues, owners, catalogue))
            _CUE_BOOKS.clear()
            _CUE_BOOKS[key] = book
    return book


def _generic_terms(cues: Sequence[Cue], owners: Sequence[str], catalogue: Catalogue) -> frozenset[str]:
    factor_ids = {factor.id for factor in catalogue.factors}
    holders: dict[str, set[str]] = {}
    for cue, owner in zip(cues, owners, strict=True):
        if owner in factor_ids:
            for term in cue.concept:
                holders.setdefault(term, set()).add(owner)
    return frozenset(term for term, found in holders.items() if len(found) >= GENERIC_TERM_FACTORS)


# ------------------------------------------------------------------------------------------------
# Judging sentences against factors.
# ------------------------------------------------------------------------------------------------


@dataclass
class Judgement:
    """The signals of every sentence (rows) for every factor (columns), and what they add up to.

    ``semantic`` is the similarity in standard deviations above the sentence's mean over all factors;
    ``lexical`` the share of the best cue's words found; the polarities are -1 (risk) .. +1 (addressed).
    """

    semantic: np.ndarray
    lexical: np.ndarray
    lexical_polarity: np.ndarray
    semantic_polarity: np.ndarray
    tone: np.ndarray

    @property
    def relevance(self) -> np.ndarray:
        """How much each sentence is about each factor; zero beyond its ``FACTORS_PER_SENTENCE`` best."""
        relevance = self.semantic + LEXICAL_BONUS * self.lexical
        if relevance.shape[1] > FACTORS_PER_SENTENCE:
            cut = np.sort(relevance, axis=1)[:, -FACTORS_PER_SENTENCE][:, None]
            relevance = np.where(relevance >= cut, relevance, 0.0)
        return relevance

    @property
    def polarity(self) -> np.ndarray:
        """Whether each sentence shows each factor as a risk (-1) or addressed (+1)."""
        polarity = (
            LEXICAL_POLARITY_WEIGHT * self.lexical_polarity
            + SEMANTIC_POLARITY_WEIGHT * np.clip(self.semantic_polarity / SEMANTIC_POLARITY_SPAN, -1, 1)
            + TONE_WEIGHT * self.tone[:, None]
        )
        # Embeddings cannot tell "a pilot" from "no pilot": only words can make a sentence a risk.
        worded_risk = (self.lexical_polarity < 0) | (self.tone[:, None] < 0)
        return np.clip(np.where(worded_risk, polarity, np.maximum(polarity, 0)), -1, 1)


def judge_passages(passages: Sequence[Passage], vectors: np.ndarray, book: CueBook) -> Judgement:
    """The signals of every sentence for every factor of the catalogue."""
    factors = book.catalogue.factors
    shape = (len(passages), len(factors))
    semantic, lexical, lexical_polarity, semantic_polarity = (np.zeros(shape, np.float32) for _ in range(4))
    wordings = [read_wording(passage.text) for passage in passages]
    similarity = vectors @ book.vectors.T if len(passages) else np.zeros((0, len(book.cues)))
    for column, factor in enumerate(factors):
        risk_rows, addressed_rows = book.rows(factor.id, -1), book.rows(factor.id, +1)
        closest = np.sort(similarity[:, risk_rows + addressed_rows], axis=1)[:, -SEMANTIC_TOP_CUES:]
        semantic[:, column] = closest.mean(axis=1)
        semantic_polarity[:, column] = similarity[:, addressed_rows].max(axis=1) - similarity[
            :, risk_rows
        ].max(axis=1)
        for row, wording in enumerate(wordings):
            lexical[row, column], lexical_polarity[row, column] = _lexical_match(
                book, risk_rows + addressed_rows, wording
            )
    if len(passages):
        unrelated = (semantic < SEMANTIC_MIN) & (lexical == 0)
        spread = semantic.std(axis=1, keepdims=True)
        semantic = (semantic - semantic.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1)
        semantic = np.where(unrelated, 0.0, semantic).astype(np.float32)
    tone = np.array([wording.tone for wording in wordings], dtype=np.float32)
    return Judgement(semantic, lexical, lexical_polarity, semantic_polarity, tone)


def _lexical_match(book: CueBook, rows: Sequence[int], wording: Wording) -> tuple[float, float]:
    """Best word overlap with the cues (0-1) and the lexical polarity (-1..1) it points to."""
    best = {+1: 0.0, -1: 0.0}
    for row in rows:
        overlap, polarity = book.cues[row].match(wording, book.generic)
        if overlap:
            best[polarity] = max(best[polarity], overlap)
    return max(best.values()), best[+1] - best[-1]


def decide_factor(
    column: int, judgement: Judgement, passages: Sequence[Passage]
) -> tuple[Status, float, list[Evidence]]:
    """The status of one factor (a column of the judgement), its confidence (0-1) and its evidence."""
    relevance = judgement.relevance[:, column]
    polarity = judgement.polarity[:, column]
    relevant = [int(row) for row in np.argsort(-relevance) if relevance[row] >= RELEVANCE_MIN]
    best = float(relevance.max()) if len(relevance) else 0.0
    if not relevant:
        return "not_covered", _confidence(RELEVANCE_MIN - best, 1.0), []
    risk_weight = sum(float(relevance[row]) * max(0.0, -float(polarity[row])) for row in relevant)
    addressed_weight = sum(float(relevance[row]) * max(0.0, float(polarity[row])) for row in relevant)
    if risk_weight >= RISK_MIN and risk_weight > addressed_weight * RISK_OVER_ADDRESSED:
        margin = risk_weight - max(RISK_MIN, addressed_weight * RISK_OVER_ADDRESSED)
        rows = sorted(
            (row for row in relevant if polarity[row] < 0), key=lambda row: relevance[row] * polarity[row]
        )
        return (
            "risk",
            _confidence(margin, 1.0),
            [_evidence(passages[row]) for row in rows[:EVIDENCE_PER_FACTOR]],
        )
    if best >= ADDRESSED_MIN:
        rows = sorted(relevant, key=lambda row: -relevance[row] * (1 + polarity[row]))
        margin = best - ADDRESSED_MIN + addressed_weight - risk_weight
        return (
            "addressed",
            _confidence(margin, 1.0),
            [_evidence(passages[row]) for row in rows[:EVIDENCE_PER_FACTOR]],
        )
    return "not_covered", _confidence(ADDRESSED_MIN - best, 1.0), []


def _confidence(margin: float, scale: float) -> float:
    """A confidence in 0.5-1 from how far a score lies past the threshold it was judged against."""
    return 0.5 + 0.5 * math.tanh(max(margin, 0.0) / scale)


def _evidence(passage: Passage) -> Evidence:
    return Evidence(passage.text, passage.start, passage.end)


def classify_sum(
    passages: Sequence[Passage], vectors: np.ndarray, book: CueBook
) -> tuple[str, dict[str, float], list[Evidence]]:
    """The sum the proposal's ambition matches best, every sum's score and the sentences that show it.

    A sentence's score for a sum is its mean similarity to the sum's closest cues plus a bonus for the
    share of a cue's words it contains; a sum's score is the mean of its best sentences' scores.
    """
    wordings = [read_wording(passage.text) for passage in passages]
    scores: dict[str, float] = {}
    best_rows: dict[str, list[int]] = {}
    for total in book.catalogue.sums:
        rows = book.rows(total.label)
        if not passages:
            scores[total.label], best_rows[total.label] = 0.0, []
            continue
        closest = np.sort(vectors @ book.vectors[rows].T, axis=1)[:, -SEMANTIC_TOP_CUES:].mean(axis=1)
        lexical = np.array([_lexical_match(book, rows, wording)[0] for wording in wordings])
        relevance = closest + SUM_LEXICAL_BONUS * lexical
        order = [int(row) for row in np.argsort(-relevance)[:SUM_TOP_SENTENCES]]
        scores[total.label] = round(float(np.mean(relevance[order])), 4)
        best_rows[total.label] = order
    label = max(scores, key=lambda key: scores[key])
    evidence = [_evidence(passages[row]) for row in best_rows[label][:SUM_EVIDENCE]]
    return label, scores, evidence


def list_questions(findings: Sequence[FactorFinding]) -> list[str]:
    """Questions for the proposal's authors: risks first (most confident first), then silences."""
    risks = sorted((f for f in findings if f.status == "risk"), key=lambda finding: -finding.confidence)
    silent = [finding for finding in findings if finding.status == "not_covered"]
    return [finding.question for finding in [*risks, *silent] if finding.question]


# ------------------------------------------------------------------------------------------------
# The review.
# ------------------------------------------------------------------------------------------------


def review_text(
    text: str,
    name: str,
    embeddings: Any,
    catalogue: Catalogue | None = None,
    cite: Cite | None = None,
) -> Review:
    """Review a proposal's extracted text against every factor of the catalogue.

    Args:
        text: The proposal's text, as ``read_proposal`` returns it.
        name: The proposal's file name (shown in reports).
        embeddings: Anything with ``encode(list[str]) -> np.ndarray`` of normalised rows.
        catalogue: The factor catalogue (default: the one shipped with the assistant).
        cite: Makes guidance citations (``Assistant.cite``); without it findings carry none.

    Returns:
        The review: every factor's status, confidence, evidence and citations, the sum and questions.
    """
    started = time.perf_counter()
    catalogue = catalogue or load_catalogue()
    book = cue_book(catalogue, embeddings)
    passages = split_passages(text)
    vectors = (
        np.asarray(embeddings.encode([passage.text for passage in passages]), dtype=np.float32)
        if passages
        else np.zeros((0, book.vectors.shape[1]), dtype=np.float32)
    )
    embedded = time.perf_counter()
    judgement = judge_passages(passages, vectors, book)
    numbers: dict[tuple[str, str], int] = {}

    def citations_for(doc: str, quote: str) -> list[Citation]:
        if cite is None:
            return []
        number = numbers.setdefault((doc, quote), len(numbers) + 1)
        citation = cite(doc, quote, number, 1.0)
        return [citation] if citation is not None else []

    label, scores, sum_evidence = classify_sum(passages, vectors, book)
    anchor = next(total.anchor for total in catalogue.sums if total.label == label)
    sum_finding = SumFinding(label, sum_evidence, citations_for(anchor.doc, anchor.quote), scores)
    findings = []
    for column, factor in enumerate(catalogue.factors):
        status, confidence, evidence = decide_factor(column, judgement, passages)
        findings.append(
            FactorFinding(
                id=factor.id,
                title=factor.title,
                status=status,
                confidence=confidence,
                evidence=evidence,
                citations=citations_for(factor.anchor.doc, factor.anchor.quote),
                question=factor.question,
                group=factor.group,
            )
        )
    done = time.perf_counter()
    timings = {"embed": (embedded - started) * 1000, "judge": (done - embedded) * 1000}
    logger.info(
        "reviewed a proposal: %d characters, %d sentences, %d risks, %d addressed in %.0f ms",
        len(text),
        len(passages),
        sum(finding.status == "risk" for finding in findings),
        sum(finding.status == "addressed" for finding in findings),
        (done - started) * 1000,
    )
    return Review(name, len(text), sum_finding, findings, list_questions(findings), timings)


def review_document(assistant: Any, data: bytes, name: str) -> Review:
    """Read a proposal file's bytes and review it with the assistant's embeddings and citations.

    Raises:
        DocumentError: when the file cannot be read as a proposal (one-line message).
    """
    max_bytes = int(assistant.settings.max_upload_mb * 1_000_000)
    text = read_proposal(data, name, max_bytes)
    return review_text(text, name, assistant.index.embeddings, cite=assistant.cite)
