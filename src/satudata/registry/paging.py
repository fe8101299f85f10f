"""Pages of a search without COUNT(*): fetch one row more than a page to know if one follows.

Django's Paginator counts every match to number the pages; a name prefix over a regency
matches tens of thousands of residents, and that count was most of the search's time.
The registry's pages only link to the previous and next page, so they need no count.
"""

from __future__ import annotations

MAX_PAGE = 1_000_000  # far past any village's last page


class WindowPage:
    """What the templates use of a Django Page: iteration and previous/next links."""

    def __init__(self, queryset, number, per_page: int):
        try:
            self.number = max(1, int(number or 1))
        except (TypeError, ValueError):
            self.number = 1
        if self.number > MAX_PAGE:
            # An offset past SQLite's 64-bit integers is a server error, not an empty page.
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        if not rows and self.number > 1:  # past the end: show the first page, as Paginator does
            self.number = 1
            rows = list(queryset[: per_page + 1])
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
