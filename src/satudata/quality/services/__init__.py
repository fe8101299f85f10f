"""Writes of the quality app: linkage runs, merges, aid-list verification (each audited)."""
