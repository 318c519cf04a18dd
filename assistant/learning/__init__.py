"""What the assistant learns from written examples (``assistant/data/training/``), reproducibly:
``assistant train`` rebuilds every learned artefact from the data with a fixed seed.

The public API: ``load_training_set`` (``data``: the questions, out-of-scope questions and labelled
proposal sentences as records); ``train_retrieval`` and ``train_refusal`` (``train``: the query adapter,
the ranker and the scope model, written to ``assistant/data/models/``). Inside: ``retriever`` fits the
adapter, ``ranking`` the ranker, ``scope`` the scope model and its threshold; ``tuning`` holds their
fixed settings. Importing the package loads nothing: each name is imported from its module.
"""
