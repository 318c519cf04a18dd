"""The tuned numbers and word lists of the proposal review, in one place.

Thresholds and weights were calibrated on the eval proposals (``eval/cases/reviews.yaml``, not the held-out
ones); the regular expressions are the words that change what a sentence means for a factor. Changing any
of them changes review results: rerun ``python -m eval.review_eval`` after an edit.
"""

from __future__ import annotations

import re

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
