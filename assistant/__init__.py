"""Guidance Assistant: answers questions from public-sector guidance with verified, quoted citations."""

__version__ = "0.1.0"
