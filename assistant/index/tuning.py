"""The index's tuned sizes and times: how much Chroma is asked for at once, and what is remembered."""

WRITE_BATCH = 5000
"""Records per write: Chroma writes big batches about twice as fast as batches of 500."""

DOCUMENT_LOOKUP_BATCH = 500
"""Documents named in one metadata lookup (a ``$in`` filter) when their records are deleted or replaced."""

READ_PAGE = 5000
"""Records per read of a whole collection: one unpaged read of ~50,000 records or more fails in Chroma's
SQLite ("too many SQL variables")."""

NEAREST_MEMO_SECONDS = 2.0
"""How long the nearest sentences of a query vector are remembered: the retriever and the answer step
ask for them within milliseconds of each other, so one search serves both."""

NEAREST_FETCH = 40
"""A sentence search fetches at least this many, the answer step's ``NEAREST_SENTENCES``, so that the
retriever's search (fewer) and the answer step's are one."""

SENTENCE_CACHE_SIZE = 20_000
"""Most sentences (with their vectors, ~1.6 KB each) kept in memory once fetched for an answer."""

MARGIN_NEIGHBOURS = 3
"""The scope model's neighbour margin compares the mean cosine of this many nearest answerable and
out-of-scope training questions: one lone near-miss written beside an answerable question ("when was the
guide published?") no longer outweighs it. Chosen by the scope model's cross-validated Youden's J on
the training questions (1: 0.839, 3: 0.869, 8: 0.865)."""

VOTE_NEIGHBOURS = 10
VOTE_TEMPERATURE = 0.05
"""The ranker's vote signal: the written training questions nearest a question, each voting for the passages
that answer it, weighted by softmax(cosine / temperature). Chosen by the ranker's cross-validated hits@1/2
on the training questions (the folds of ``assistant train``): 0.644/0.780 without the vote, 0.656/0.786 with
10 neighbours at 0.05 (20 neighbours, or 0.02: no better; votes of the passages' own sentences too: no
better). For a document nobody wrote questions for, hits@1 drops from 0.628 to 0.619 (@2 unchanged)."""
