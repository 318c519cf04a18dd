"""The tuned numbers of generated answers: how much the prompt holds and how hard each citation is tried.

The calibrated support thresholds are not here: they are fitted, and loaded from their file by
``assistant.generation.verify.load_support_thresholds``.
"""

SOURCE_BUDGET_CHARS = 6000
"""Most characters of passage text in a prompt (about 1,500 tokens): the best-ranked passages that fit."""

CONDENSE_MAX_CHARS = 400
"""A standalone question longer than this is not one: the condense step stops reading there."""

QUOTES_TRIED = 3
"""Best-ranked sentences of a cited passage put to the support test before the citation fails."""

PREFILTER_MARGIN = 0.1
"""A sentence whose stored vector is further than this below ``embedding_min`` from the statement is
not embedded again for the exact test: it is most unlikely to pass, and skipping it can only remove a
sentence from the answer, never let one through."""
