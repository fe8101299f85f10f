"""The registry's public population summary in the shape region pages show it.

The counts arrive already protected by `registry.statistics` ("<3" and "*"); this module only
draws bars, and never a bar for a protected cell: its length would give the number away.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

SMALL = 3


def _bar(count, largest: int) -> int:
    return round(100 * count / largest) if isinstance(count, int) and count >= SMALL else 0


def from_registry(summary: dict) -> dict:
    """The registry's `population_summary` in the shape the profile page shows."""
    total = summary.get("total", 0)
    # A withheld region (its total a mark) publishes no breakdown at all: a sex it does not
    # list is hidden like the total, not absent. Shown as 0 it would read "nobody", and
    # could give away the very count the mark protects.
    withheld = isinstance(total, str)
    by_sex = {row["code"]: row["count"] for row in summary.get("sex", [])}
    absent = total if withheld else 0
    male, female = by_sex.get(1, absent), by_sex.get(2, absent)
    both = male + female if isinstance(male, int) and isinstance(female, int) else 0
    education = summary.get("education", [])
    largest = max((r["count"] for r in education if isinstance(r["count"], int)), default=1) or 1
    ages = summary.get("age_groups", [])
    largest_age = max(
        (n for g in ages for n in (g["male"], g["female"]) if isinstance(n, int)), default=1
    )
    as_of = summary.get("as_of")
    return {
        "total": total,
        "as_of": datetime.date.fromisoformat(as_of) if as_of else None,
        "withheld": withheld,
        "male": male,
        "female": female,
        "male_pct": round(100 * male / both) if both and male >= SMALL and female >= SMALL else 0,
        "education": [
            (
                row["label"] if row["code"] is not None else _("Not recorded"),
                row["count"],
                _bar(row["count"], largest),
            )
            for row in education
            if row["count"]
        ],
        "age_groups": [
            (
                g["group"],
                g["male"],
                g["female"],
                _bar(g["male"], largest_age or 1),
                _bar(g["female"], largest_age or 1),
            )
            for g in reversed(ages)
        ],
    }
