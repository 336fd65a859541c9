"""Scores the normaliser against the gold corpora (`make eval`); each area reports in its own module."""
