"""Normalised Indonesian names: the spelling variants that mean the same person compare equal.

Shared by record linkage (blocking keys and comparisons) and beneficiary verification (does the
name on an aid list match the registry), so both decide "same name" the same way.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from difflib import SequenceMatcher

import polars as pl

# Old (pre-1972 Ejaan) spellings and common transliterations, mapped to today's spelling.
_SPELLING = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "kh"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("q", "k"),
    ("z", "s"),
    ("v", "f"),
    ("j", "y"),
    ("y", "i"),
    ("w", "u"),
    ("e", "a"),
)
_NOT_LETTER = re.compile(r"[^a-z ]+")
_DOUBLE = re.compile(r"(.)\1+")
# Titles and honorifics that are not part of the name on an identity card.
_TITLES = frozenset("h hj haji hajjah ir dr drs dra st sh se spd mpd amd skm sp ssos".split())


@functools.lru_cache(maxsize=200_000)
def normalise(name: str) -> str:
    """Lower case, letters only, single spaces, titles dropped: the registry's comparable form."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = _NOT_LETTER.sub(" ", text.replace("'", "").replace(".", ""))
    words = [w for w in text.split() if w not in _TITLES]
    return " ".join(words)


def normalise_column(name: pl.Expr) -> pl.Expr:
    """`normalise` for a whole polars column at once (the same value for every name)."""
    text = (
        name.str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7F]", "")
        .str.to_lowercase()
        .str.replace_all(r"['.]", "")
        .str.replace_all(r"[^a-z ]+", " ")
    )
    word = pl.element()
    kept = word.filter((word != "") & ~word.is_in(sorted(_TITLES)))
    return text.str.split(" ").list.eval(kept).list.join(" ")


@functools.lru_cache(maxsize=200_000)
def sound_key(name: str) -> str:
    """A spelling-insensitive key: old spellings modernised, vowels e/a and y/i merged,
    doubled letters collapsed, so that Noerul/Nurul and Djoko/Joko share a key."""
    text = normalise(name)
    for old, new in _SPELLING:
        text = text.replace(old, new)
    return _DOUBLE.sub(r"\1", text)


@functools.lru_cache(maxsize=200_000)
def first_key(name: str) -> str:
    """The sound key of the first word of the name (the given name)."""
    key = sound_key(name)
    return key.split(" ", 1)[0] if key else ""


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0–1, after normalisation; word order does not matter."""
    ka, kb = sound_key(a), sound_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    direct = SequenceMatcher(None, ka, kb).ratio()
    ordered = SequenceMatcher(None, " ".join(sorted(ka.split())), " ".join(sorted(kb.split())))
    return max(direct, ordered.ratio())


def similar(a: str, b: str, threshold: float) -> bool:
    """similarity(a, b) >= threshold, decided without the full comparison when an upper
    bound (difflib's quick ratios) already falls short: most differing names do."""
    ka, kb = sound_key(a), sound_key(b)
    if not ka or not kb:
        return threshold <= 0
    if ka == kb:
        return True
    direct = SequenceMatcher(None, ka, kb)
    # Both orders share the letters, so one quick bound serves both.
    if direct.real_quick_ratio() < threshold or direct.quick_ratio() < threshold:
        return False
    if direct.ratio() >= threshold:
        return True
    ordered = SequenceMatcher(None, " ".join(sorted(ka.split())), " ".join(sorted(kb.split())))
    return ordered.ratio() >= threshold
