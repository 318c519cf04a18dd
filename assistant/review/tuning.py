"""The fixed numbers and word lists of the proposal review, in one place.

The judgement itself is learned (``assistant.review.model``); the word lists are signals the stance model
reads (it learns how much each counts). Changing them changes the model: rerun ``assistant train``.
"""

from __future__ import annotations

import re

DECISION_PROBABILITY = 0.5
"""A factor is at risk (or addressed) when its strongest sentence more likely than not shows it as a
risk (handles it). The strongest sentence rather than one minus the product over all sentences of the
chance that each does not: one writer's sentences are not independent chances, and the product made
many weak hints in a long proposal a risk. On the project's own proposals (10) the strongest sentence
found the same risks (main 0.95, held out 0.706) with 15 false risks instead of 26, and fewer
handled factors shown as risks (11 instead of 16; addressed recall on the main proposals 0.586 ->
0.724), and no risk shown as addressed either way. Dev set, measured once after: planted risks 12 ->
11 of 16, risks flagged 23 -> 19 (on its sound proposal 6 -> 5), handled points 6 of 14 either way."""

EVIDENCE_PER_FACTOR = 2
"""Sentences quoted as evidence for a factor."""

SUM_EVIDENCE = 2
"""Sentences quoted as evidence for the sum."""

MIN_JUDGED_SENTENCES = 3
"""With fewer judged sentences the review says plainly that the text is too short to review."""

MIN_PASSAGE_WORDS = 4
"""Shorter passages (headings, labels, table fragments) are not judged."""

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

CONDITION = re.compile(
    r"\b(?:subject to|if|unless|provided that|assuming|in principle|intends?|intended|intention|aims? to|"
    r"hopes?|hoped|hopefully|expects? to|expected to|would|could|may|might|should|plans? to|planning to|"
    r"proposes? to|envisag\w*|anticipat\w*|aspir\w*|ideally|where possible|as far as possible)\b",
    re.IGNORECASE,
)
"""Words that make a clause conditional or a mere intention ("subject to approval", "we hope to")."""

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
