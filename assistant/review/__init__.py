"""Proposal review: check a council's shared-services proposal against the guidance's failure factors.

The public API:

* ``review_text(text, name, embeddings, catalogue=None, cite=None, model=None)`` and
  ``review_document(assistant, data, name)`` review a proposal (``judge``);
* ``read_proposal(data, name, max_bytes)`` and ``split_passages(text)`` read one (``reading``);
* ``Review``, ``FactorFinding``, ``SumFinding``, ``Evidence``, ``Passage``, ``Status`` and ``STATUSES``
  describe the result (``records``);
* ``load_catalogue(path)``, ``Catalogue`` and ``CatalogueError``: the factor catalogue (``catalogue``).

``render`` writes a review as text, JSON, Markdown or CSV; ``model`` is the learned judgement that
``assistant train`` writes and ``decide`` turns into statuses; ``tuning`` holds the word lists and the
decision probability. Importing the package loads numpy but no embedding model.
"""

from assistant.review.catalogue import Catalogue, CatalogueError, load_catalogue
from assistant.review.judge import review_document, review_text
from assistant.review.reading import MAX_PROPOSAL_CHARS, read_proposal, split_passages
from assistant.review.records import STATUSES, Evidence, FactorFinding, Passage, Review, Status, SumFinding

__all__ = [
    "MAX_PROPOSAL_CHARS",
    "STATUSES",
    "Catalogue",
    "CatalogueError",
    "Evidence",
    "FactorFinding",
    "Passage",
    "Review",
    "Status",
    "SumFinding",
    "load_catalogue",
    "read_proposal",
    "review_document",
    "review_text",
    "split_passages",
]
