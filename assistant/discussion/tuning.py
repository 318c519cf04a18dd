"""The tuned numbers of discussion prompts: how distinct the prompts of a set must be, how the pick is
spread over the theme, and which other sentences a facilitator note quotes."""

MAX_PROMPT_SIMILARITY = 0.8
"""Highest embedding cosine allowed between two prompts of a set (and no two rest on the same sentence).
With all-MiniLM-L6-v2, one template filled with two items of the same list scores about 0.8-0.85, so at
0.8 such look-alike pairs are kept apart, and every listed theme still yields 10 prompts (seeds 0-4)."""

RELEVANCE_JITTER = 0.15
"""Sentences are taken in order of similarity to the theme plus a seeded random amount up to this, so
each seed gives another selection that still leans towards the theme's core."""

GROUP_REPEAT = 0.06
"""Priority lost by a candidate for each prompt already taken of its group (role, or scenario example)."""

SECTION_REPEAT = 0.04
"""Priority lost by a candidate for each prompt already taken from its section: spreads the sources."""

ANCHOR_OVERLAP = 0.6
"""Word overlap (Jaccard, content words) from which two anchor sentences count as the same sentence: the
guidance repeats some lines ("1+1=2 is more of a collaboration and valuable...", "...is also valuable...")."""

RELATED_MIN = 0.55
"""Least cosine for another sentence of the theme to be quoted in a note as what the guidance "also says"."""

RELATED_MAX = 0.9
"""Above this cosine, the other sentence only repeats the anchor and is not worth quoting."""

RESTATED_SHARE = 0.8
"""Share of a quote's words found in a prompt's text from which the prompt counts as quoting it: its
facilitator note then cites the quote by number instead of repeating it."""

MAX_MOTION_WORDS = 30
"""Longest claim made into a debate motion: the guidance's longer sentences (40-60 words) read as
paragraphs, not motions a room can vote on."""

MIN_PROMPTS = 1
MAX_PROMPTS = 20
"""How many prompts a trainer may ask for at once (command line, web app and API alike)."""
