"""Word-level text handling shared by the lexical index, sentence scoring and follow-up detection."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

WORD = re.compile(r"\d+\s*\+\s*\d+\s*=\s*[\d½¼¾]+|[A-Za-z0-9][A-Za-z0-9'’½]*")
"""A word, or a sum such as ``1 + 1 = 1½`` (kept whole, spaces removed, so "1+1=3" is one term)."""

STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
    down during each few for from further had hadn't has hasn't have haven't having he her here hers
    herself him himself his how i if in into is isn't it it's its itself just let's me more most mustn't
    my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't
    she should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they this those through to too under until up very was wasn't we were weren't what
    what's when where which while who whom why will with won't would wouldn't you your yours yourself
    yourselves also get got tell know really us may might must shall does say says said mean means
    please thing things way ways one lot lots every everyone anything something else ever even still
    just much many actually really kind sort bit like well quite rather""".split()
)
"""English function and filler words that carry no topic; question words (why, how, what) are among them."""


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters, digits, apostrophes) of a text."""
    return ["".join(match.group(0).lower().replace("’", "'").split()) for match in WORD.finditer(text)]


NAMED = re.compile(r"\b(?:[A-Z]{2,}[a-z]?|\d{2,}|[A-Z][a-z]+)\b")
"""Acronyms (VAT, TUPE), numbers (113, 2023) and capitalised words: the names of specific things."""

CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
"""Capitalised words that date something rather than name it ("go live in April")."""

NOT_NAMES = STOPWORDS | CALENDAR

SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+)$")


def named_terms(text: str) -> list[str]:
    """Stemmed names of specific things in a text: acronyms, numbers, and capitalised words that do
    not open a sentence ("What is the VAT treatment…" → ["vat"])."""
    found = [
        match.group(0).lower()
        for match in NAMED.finditer(text)
        if not SENTENCE_START.search(text[: match.start()]) and match.group(0).lower() not in NOT_NAMES
    ]
    return list(_stemmer().stemWords(found))


def content_terms(text: str) -> list[str]:
    """Stemmed words of a text without stopwords: what lexical search and overlap compare."""
    kept = [word for word in words(text) if word not in STOPWORDS and "'" not in word]
    return list(_stemmer().stemWords(kept))


def stemmed_words(text: str) -> list[str]:
    """The words of a text stemmed, function words ("not", "once", "will") kept but names left out
    (capitalised words after the first): how a sentence says something, whoever it is about."""
    tokens = [match.group(0) for match in WORD.finditer(text)]
    kept = [token for index, token in enumerate(tokens) if index == 0 or not token[:1].isupper()]
    return list(_stemmer().stemWords(["".join(token.lower().replace("’", "'").split()) for token in kept]))
