"""The index of the guidance: passages (chunks) and their sentences with vectors in Chroma, BM25 beside it.

The public API:

* ``open_client(settings)`` opens Chroma, embedded or a server (``client``); ``IndexMismatchError`` and
  ``IndexUnreadableError`` say why an index cannot be used as it is;
* ``GuidanceIndex(client, prefix, embedding_model)``: the chunk and sentence collections of one corpus,
  read and written (``store``, over ``reads`` and ``writes``);
* ``LexicalIndex``: BM25 and term statistics over the chunks (``lexical``);
* ``Embedder`` and ``Index``: what answering needs of an embedding model and an index (``protocols``).

The embedding models are in ``assistant.index.embeddings`` (``SentenceEmbeddings``, ``EmbeddingCache``),
not imported here: it loads LangChain. ``tuning`` holds the batch sizes and memory limits. Importing the
package loads numpy, but neither Chroma nor an embedding model.
"""

from assistant.index.client import IndexMismatchError, IndexUnreadableError, open_client
from assistant.index.lexical import LexicalIndex
from assistant.index.protocols import Embedder, Index
from assistant.index.store import GuidanceIndex

__all__ = [
    "Embedder",
    "GuidanceIndex",
    "Index",
    "IndexMismatchError",
    "IndexUnreadableError",
    "LexicalIndex",
    "open_client",
]
