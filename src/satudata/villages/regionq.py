"""A region and everything inside it as an index range on a code column."""

from __future__ import annotations

from django.db.models import Q


def within(field: str, code: str) -> Q:
    """`field` equals `code` or lies under it: `62.01` → codes from '62.01.' up to '62.01/'.

    An OR with LIKE 'x.%' makes both databases scan the whole table; a range on the same
    column is one index range ('/' is the character after '.').
    """
    if code.count(".") >= 3:  # a village has nothing below it in these tables
        return Q(**{field: code})
    return Q(**{f"{field}__gte": code + "."}) & Q(**{f"{field}__lt": code + "/"})
