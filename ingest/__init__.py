"""Turns guidance documents into quotable, offset-tracked chunks: load, normalise, chunk."""
