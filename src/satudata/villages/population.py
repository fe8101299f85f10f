"""Population figures for public pages: aggregates only, with cells under 3 shown as '<3'."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from satudata.registry.models import Resident
from satudata.villages.regionq import within

SMALL = 3
# Education in the family card (Dukcapil codes 1–10).
EDUCATION = {
    1: _("No schooling yet"),
    2: _("Primary school not finished"),
    3: _("Primary school"),
    4: _("Junior secondary school"),
    5: _("Senior secondary school"),
    6: _("Diploma I/II"),
    7: _("Academy/Diploma III"),
    8: _("Diploma IV/Bachelor"),
    9: _("Master"),
    10: _("Doctorate"),
}


def shown(count: int) -> str | int:
    """A count as the public may see it: small cells could identify a person."""
    return f"<{SMALL}" if 0 < count < SMALL else count


def _residents(code: str):
    return Resident.objects.filter(within("village_id", code), status=Resident.Status.ALIVE)


def summary(code: str) -> dict:
    """Living residents of a region by sex and by education, as public aggregates."""
    residents = _residents(code)
    # One grouped query gives both breakdowns.
    by_sex: dict[int, int] = {}
    by_edu: dict[int | None, int] = {}
    for sex, education, n in (
        residents.values_list("sex", "education_kk").annotate(n=Count("id")).order_by()
    ):
        by_sex[sex] = by_sex.get(sex, 0) + n
        by_edu[education] = by_edu.get(education, 0) + n
    total = sum(by_sex.values())
    largest = max(by_edu.values(), default=0) or 1

    def bar(n: int) -> int:
        # No bar for a small cell: its length would give the hidden number away.
        return round(100 * n / largest) if n >= SMALL else 0

    labels = [*EDUCATION.items(), (None, _("Not recorded"))]
    education = [
        (label, shown(by_edu[key]), bar(by_edu[key])) for key, label in labels if by_edu.get(key)
    ]
    return {
        "total": shown(total),
        "male": shown(by_sex.get(Resident.Sex.MALE, 0)),
        "female": shown(by_sex.get(Resident.Sex.FEMALE, 0)),
        "male_pct": round(100 * by_sex.get(Resident.Sex.MALE, 0) / total) if total >= SMALL else 0,
        "education": education,
    }


def _bar(count, largest: int) -> int:
    return round(100 * count / largest) if isinstance(count, int) and count >= SMALL else 0


def from_registry(summary: dict) -> dict:
    """The registry's `population_summary` in the shape the profile page shows."""
    by_sex = {row["code"]: row["count"] for row in summary.get("sex", [])}
    male, female = by_sex.get(1, 0), by_sex.get(2, 0)
    both = male + female if isinstance(male, int) and isinstance(female, int) else 0
    education = summary.get("education", [])
    largest = max((r["count"] for r in education if isinstance(r["count"], int)), default=1) or 1
    ages = summary.get("age_groups", [])
    largest_age = max(
        (n for g in ages for n in (g["male"], g["female"]) if isinstance(n, int)), default=1
    )
    return {
        "total": summary.get("total", 0),
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
