"""Numbers in command output as the active language writes them: "91.599" and "32,7" in
Indonesian, "91,599" and "32.7" in English (the import's progress line already did)."""

from __future__ import annotations

from django.utils.formats import number_format


def whole(value: int) -> str:
    return number_format(value, force_grouping=True)


def tenths(value: float) -> str:
    return number_format(value, decimal_pos=1, force_grouping=True)
