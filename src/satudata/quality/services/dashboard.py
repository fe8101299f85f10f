"""Data-quality figures for whatever part of the registry an account may read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from satudata.accounts.scope import read_scope
from satudata.quality.models import CandidatePair
from satudata.regions.models import Region, RolloutPhase
from satudata.registry.models import Family, NikConflict, Resident
from satudata.registry.validation import nik_problem

REQUIRED_FILLED = ~Q(birth_place="") & ~Q(mother_name="") & ~Q(father_name="") & ~Q(name="")


@dataclass
class Dashboard:
    residents: int = 0
    with_family: int = 0
    complete: int = 0
    temporary_nik: int = 0
    invalid_nik: int = 0
    conflicts: int = 0
    pending_pairs: int = 0
    headless: list = field(default_factory=list)
    headless_count: int = 0
    villages: list[dict] = field(default_factory=list)
    rollout: list[dict] = field(default_factory=list)
    rollout_target: int = 0
    lists: list = field(default_factory=list)
    freshness: list[dict] = field(default_factory=list)

    def overdue(self) -> int:
        return sum(1 for f in self.freshness if f["state"] != "fresh")

    def pct(self, part: int) -> float:
        return round(100 * part / self.residents, 1) if self.residents else 0.0


def build(user, lists=None) -> Dashboard:
    """Completeness, validity, pending duplicates and rollout within the account's scope."""
    scope = read_scope(user)
    residents = Resident.objects.visible_to(user)
    d = Dashboard()
    per_village = (
        residents.order_by()
        .values("village_id", "village__name")
        .annotate(
            total=Count("id"),
            with_family=Count("id", filter=Q(family__isnull=False)),
            complete=Count("id", filter=REQUIRED_FILLED),
            temporary=Count("id", filter=Q(nik_is_temporary=True)),
        )
        .order_by("village_id")
    )
    for row in per_village:
        d.residents += row["total"]
        d.with_family += row["with_family"]
        d.complete += row["complete"]
        d.temporary_nik += row["temporary"]
        d.villages.append(row)
    # Checked in Python with the registry's own rule, reading only the NIK column.
    for nik in (
        residents.filter(nik_is_temporary=False)
        .values_list("nik", flat=True)
        .iterator(chunk_size=20_000)
    ):
        if nik_problem(nik):
            d.invalid_nik += 1
    d.conflicts = (
        NikConflict.objects.filter(resolved=False).filter(scope.q("village__code")).count()
    )
    # A pair concerns this scope when either record is in it; a pair with a removed record
    # is not pending work (the duplicates page leaves it out too).
    d.pending_pairs = (
        CandidatePair.objects.filter(status=CandidatePair.Status.PENDING)
        .filter(Q(resident_a__in=residents) | Q(resident_b__in=residents))
        .filter(resident_a__deleted_at__isnull=True, resident_b__deleted_at__isnull=True)
        .count()
    )
    _headless_families(d, user)
    _rollout(d, scope)
    d.lists = list(lists[:20]) if lists is not None else []
    d.freshness = freshness(user)
    return d


# Living members, and living heads, of a family card.
_LIVING = Q(members__status=Resident.Status.ALIVE, members__deleted_at__isnull=True)
_LIVING_HEAD = _LIVING & Q(members__relationship=1)


def _headless_families(d: Dashboard, user) -> None:
    """Family cards with living members but no living head: left so by a death, move out or
    move in of the head (the events allow it, as life does), to be settled with "change of
    head" before the card is used for a letter or an aid list."""
    families = (
        Family.objects.visible_to(user)
        .annotate(living=Count("members", filter=_LIVING))
        .annotate(heads=Count("members", filter=_LIVING_HEAD))
        .filter(living__gt=0, heads=0)
        .order_by("village_id", "family_number")
    )
    d.headless_count = families.count()
    d.headless = list(families.select_related("village")[:20]) if d.headless_count else []


# How long after the end of a release's period the next one is due.
_INTERVAL = {"yearly": 365, "quarterly": 92, "monthly": 31}


def _period_end(year: int, kind: str, period: int) -> datetime.date:
    if kind == "quarter" and 1 <= period <= 4:
        month = period * 3
    elif kind == "month" and 1 <= period <= 12:
        month = period
    else:
        month = 12
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def freshness(user, today: datetime.date | None = None) -> list[dict]:
    """Each regularly released dataset of the custodian (all) or a producer's agency: its
    newest valid release's period and whether the next one is overdue."""
    from satudata.datasets.models import Dataset, Release

    if getattr(user, "is_custodian", False):
        datasets = Dataset.objects.all()
    elif getattr(user, "role", None) == "producer" and user.agency_id:
        datasets = Dataset.objects.visible_to(user).filter(agency_id=user.agency_id)
    else:
        return []
    today = today or datetime.date.today()
    datasets = datasets.exclude(frequency=Dataset.Frequency.IRREGULAR).select_related("agency")
    rows = {ds.pk: ds for ds in datasets[:500]}
    newest: dict[int, datetime.date] = {}
    labels: dict[int, str] = {}
    releases = Release.objects.filter(
        dataset_id__in=list(rows), status__in=[Release.Status.VALID, Release.Status.PUBLISHED]
    ).values_list("dataset_id", "year", "period_type", "period")
    for dataset_id, year, kind, period in releases:
        end = _period_end(year, kind, period)
        if dataset_id not in newest or end > newest[dataset_id]:
            newest[dataset_id] = end
            labels[dataset_id] = (
                f"{year} Q{period}"
                if kind == "quarter"
                else f"{year}-{period:02d}"
                if kind == "month"
                else str(year)
            )
    out = []
    for pk, ds in rows.items():
        end = newest.get(pk)
        due = end + datetime.timedelta(days=_INTERVAL[ds.frequency]) if end else None
        state = "none" if end is None else ("overdue" if today > due else "fresh")
        out.append(
            {
                "dataset": ds,
                "frequency": ds.get_frequency_display(),
                "latest": labels.get(pk, ""),
                "due": due,
                "state": state,
            }
        )
    out.sort(key=lambda f: (f["state"] == "fresh", f["dataset"].title))
    return out


def _rollout(d: Dashboard, scope) -> None:
    """Villages that started entering data, month by month, against all villages in scope."""
    if not (scope.everything or scope.code):
        return
    from django.conf import settings

    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    if scope.everything:
        regencies = getattr(settings, "SATUDATA_REGENCIES", None) or []
        q = Q()
        for code in regencies:
            q |= Q(code__startswith=code + ".")
        villages = villages.filter(q) if regencies else villages.none()
    else:
        villages = villages.filter(scope.q("code"))
    d.rollout_target = villages.count()
    started = (
        RolloutPhase.objects.filter(village__in=villages, started_on__isnull=False)
        .order_by("started_on")
        .values_list("started_on", "phase")
    )
    months: dict[datetime.date, int] = {}
    for day, _phase in started:
        month = day.replace(day=1)
        months[month] = months.get(month, 0) + 1
    total = 0
    for month in sorted(months):
        total += months[month]
        d.rollout.append({"month": month, "new": months[month], "total": total})


def svg_bars(points: list[dict], target: int, width: int = 320, height: int = 140) -> list[dict]:
    """Bar geometry (server-rendered SVG, no script) for villages onboarded against target."""
    if not points:
        return []
    top = max(target, max(p["total"] for p in points), 1)
    step = width / len(points)
    bars = []
    for i, p in enumerate(points):
        h = round(height * p["total"] / top, 1)
        bars.append(
            {
                "x": round(i * step + 2, 1),
                "y": round(height - h, 1),
                "w": round(step - 4, 1),
                "h": h,
                **p,
            }
        )
    return bars
