"""Dates and times as pages and messages show them: dd-mm-yyyy, the year with four digits.

strftime's %Y writes the year 1 as "1" on Linux, so "0001-01-01" was shown as "01-01-1"
(QA, seventh session); every app formats its dates here instead.
"""

from __future__ import annotations

import datetime


def shown_date(value: datetime.date) -> str:
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def shown_moment(value: datetime.datetime) -> str:
    """dd-mm-yyyy hh:mm:ss, of the time as given (make it local first)."""
    return f"{shown_date(value)} {value:%H:%M:%S}"
