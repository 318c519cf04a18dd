"""What the assistant learns from written examples (``assistant/data/training/``), reproducibly:
``assistant train`` rebuilds every learned artefact from the data with a fixed seed."""
