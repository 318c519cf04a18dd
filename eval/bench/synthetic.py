"""A deterministic synthetic corpus for scale tests, written in the seed corpus's words and shapes.

A word-bigram model learnt from the seed corpus's paragraphs, list items and headings writes new
prose; documents are laid out like the guidance (a title line, headed sections, numbered lists,
bullets, "Key learning:" paragraphs), and each one names its own partnership and reference ids, so
no two documents, and no document and the seed corpus, repeat each other. The same seed always
gives the same files.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.text.loaders import DocumentError, load_text
from assistant.text.normalise import KEY_LEARNING_PREFIX, split_blocks, split_sentences
from ingest.pipeline import find_documents

END = "\0"
"""The bigram model's end-of-sentence token."""

PLACES = (
    "North", "South", "East", "West", "Upper", "Lower", "Mid", "Greater", "Vale", "Coastal", "Forest",
    "River", "Moor", "Downs", "Weald", "Fen", "Peak", "Bay", "Marsh", "Heath",
)  # fmt: skip
"""Name parts of the fictional partnerships each synthetic document is about."""

SERVICES = (
    "ICT", "revenues and benefits", "legal", "procurement", "HR", "payroll", "waste", "planning",
    "building control", "audit", "customer services", "finance", "estates", "licensing",
)  # fmt: skip
"""Services the fictional partnerships share."""


@dataclass
class CorpusModel:
    """What the generator learnt from the seed corpus: word bigrams per kind of text, and seed sizes.

    Attributes:
        prose: Bigram successors of paragraph sentences (``""`` starts a sentence, ``END`` ends one).
        items: Bigram successors of list items.
        headings: Bigram successors of headings.
        seed_chars: Characters of the seed corpus (the unit of scale).
        seed_documents: Number of seed documents.
    """

    prose: dict[str, list[str]] = field(default_factory=dict)
    items: dict[str, list[str]] = field(default_factory=dict)
    headings: dict[str, list[str]] = field(default_factory=dict)
    seed_chars: int = 0
    seed_documents: int = 0


def learn_corpus(corpus_dir: Path) -> CorpusModel:
    """Learn the bigram models and the seed corpus's size from every readable document in a folder.

    Raises:
        ValueError: when the folder holds no readable text.
    """
    prose: dict[str, list[str]] = defaultdict(list)
    items: dict[str, list[str]] = defaultdict(list)
    headings: dict[str, list[str]] = defaultdict(list)
    chars = documents = 0
    for path in find_documents(corpus_dir):
        try:
            raw = load_text(path)
        except DocumentError:
            continue
        chars += len(raw)
        documents += 1
        for block in split_blocks(raw):
            if block.kind == "heading":
                _learn(headings, block.text)
            elif block.kind == "list_item":
                _learn(items, block.text)
            elif block.kind == "paragraph":
                for start, end in split_sentences(raw, block.start, block.end):
                    sentence = " ".join(raw[start:end].split())
                    if sentence.startswith(KEY_LEARNING_PREFIX):
                        sentence = sentence[len(KEY_LEARNING_PREFIX) :].strip()
                    if len(sentence.split()) >= 4:
                        _learn(prose, sentence)
    if not prose:
        raise ValueError(f"no readable prose in {corpus_dir} to learn a synthetic corpus from")
    return CorpusModel(dict(prose), dict(items or prose), dict(headings or prose), chars, documents)


def _learn(model: dict[str, list[str]], text: str) -> None:
    words = text.split()
    for previous, word in zip(["", *words], [*words, END], strict=True):
        model[previous].append(word)


def _walk(model: dict[str, list[str]], rng: random.Random, min_words: int, max_words: int) -> str:
    """One sequence from a bigram model, retried until its length is within bounds."""
    for _ in range(20):
        words: list[str] = []
        word = ""
        while len(words) < max_words:
            successors = model.get(word) or model[""]
            word = rng.choice(successors)
            if word == END:
                break
            words.append(word)
        if len(words) >= min_words:
            break
    return " ".join(words)


def make_sentence(model: CorpusModel, rng: random.Random) -> str:
    """A prose sentence in the corpus's words, starting with a capital and ending with a full stop."""
    text = _walk(model.prose, rng, 6, 40).rstrip(",;:–-")
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def make_heading(model: CorpusModel, rng: random.Random) -> str:
    """A heading: short, capitalised, without closing punctuation (so the ingest reads it as one)."""
    text = _walk(model.headings, rng, 2, 8).rstrip(".,;:?!–- ")
    return (text[:1].upper() + text[1:]) or "Overview"


def make_item(model: CorpusModel, rng: random.Random) -> str:
    """A list item, one line."""
    text = _walk(model.items, rng, 3, 18).rstrip(":")
    return text[:1].upper() + text[1:]


def partnership_name(rng: random.Random, number: int) -> str:
    """The fictional partnership a document is about, such as ``the Vale-Moor 0042 partnership``."""
    return f"the {rng.choice(PLACES)}-{rng.choice(PLACES)} {number:04d} partnership"


def make_document(model: CorpusModel, seed: int, number: int) -> str:
    """The raw text of synthetic document ``number``: the same for the same seed and number.

    Sections of a few paragraphs, some with a numbered or bulleted list introduced by a sentence
    ending in a colon, some followed by a "Key learning:" paragraph; about the seed corpus's
    average document size.
    """
    rng = random.Random(f"{seed}:{number}")
    partner = partnership_name(rng, number)
    reference = f"SYN-{seed}-{number:05d}"
    service = rng.choice(SERVICES)
    lines = [f"{make_heading(model, rng)}: {service} in {partner[4:]}", ""]
    lines += [f"Reference {reference}. " + " ".join(make_sentence(model, rng) for _ in range(3)), ""]
    for section in range(rng.randint(4, 8)):
        lines += [make_heading(model, rng), ""]
        for _ in range(rng.randint(1, 3)):
            sentences = [make_sentence(model, rng) for _ in range(rng.randint(2, 5))]
            if rng.random() < 0.3:
                sentences.insert(rng.randrange(len(sentences) + 1), f"This was the case for {partner}.")
            lines += [" ".join(sentences), ""]
        if rng.random() < 0.45:
            lines += [f"In {partner}, the {service} issues ({reference}-{section + 1}) include:", ""]
            numbered = rng.random() < 0.5
            for position in range(rng.randint(4, 10)):
                item = make_item(model, rng)
                lines.append(f"{position + 1:02d}\t{item}" if numbered else f"  • {item}")
            lines.append("")
        if rng.random() < 0.3:
            lines += [f"{KEY_LEARNING_PREFIX} " + " ".join(make_sentence(model, rng) for _ in range(2)), ""]
    return "\n".join(lines)


def document_count(model: CorpusModel, scale: float) -> int:
    """How many synthetic documents make ``scale`` times the seed corpus (in characters), at least 1."""
    probe = [len(make_document(model, 0, number)) for number in range(8)]
    average = sum(probe) / len(probe)
    return max(1, round(scale * model.seed_chars / average))


def generate_documents(model: CorpusModel, scale: float, seed: int = 0) -> Iterator[tuple[str, str]]:
    """``(file name, raw text)`` of every document of a synthetic corpus ``scale`` times the seed's size."""
    for number in range(document_count(model, scale)):
        yield f"syn_{seed}_{number:05d}.txt", make_document(model, seed, number)


def write_corpus(model: CorpusModel, folder: Path, scale: float, seed: int = 0) -> list[Path]:
    """Write a synthetic corpus into ``folder`` (created; files of another size or seed are removed).

    Returns:
        The files written, in order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate_documents(model, scale, seed):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    keep = {path.name for path in written}
    for stale in folder.glob("syn_*.txt"):
        if stale.name not in keep:
            stale.unlink()
    return written


def corpus_size(paths: Sequence[Path]) -> int:
    """Total characters of the given files."""
    return sum(len(path.read_text(encoding="utf-8")) for path in paths)
