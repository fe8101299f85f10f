"""Reading a page number from a query string, bounded so no input can overflow OFFSET."""

from __future__ import annotations

MAX_PAGE = 100_000


def page_number(request, name: str = "page") -> int:
    """The requested page, 1 for anything that is not a positive whole number."""
    try:
        return min(max(1, int(request.GET.get(name, 1))), MAX_PAGE)
    except (TypeError, ValueError):
        return 1
