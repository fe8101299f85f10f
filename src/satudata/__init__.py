"""Satu Data: one valid database for a regency's agencies and villages."""

__version__ = "0.1.0"
