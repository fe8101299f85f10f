"""Public population statistics as releases: one protected snapshot a period, stored.

Live figures change with every registration, so two answers a minute apart differ by whoever
was registered in between, and the difference shows that person's sex, age group, religion,
education, occupation and marital status. Hiding small cells cannot prevent that; statistical
offices publish releases instead, and so do we. With `SATUDATA_STATISTICS_RELEASE=monthly`
(the default; also `weekly`, `daily`) the first public request of a period publishes its
release from the data at that moment, protected as one tree (`statistics.published`), and
stores it: every process serves the same figures until the next period. The custodian can
publish one at once (`satudata statistics publish`), e.g. after a village's first import.
`live` keeps the figures following every write (`statistics._current`).

What remains: two releases still differ by every change between them; a period batches
many changes in a village, but a village with a single change in a period shows it.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.registry.models import StatisticsRelease

PERIODS = ("monthly", "weekly", "daily")
log = logging.getLogger("satudata.registry")

_held: dict = {}  # this process's copy of the release in force
_publishing = threading.Lock()
RELEASE_LABEL = StatisticsRelease._meta.label_lower
# PostgreSQL's advisory lock taken by publishers in turn ("SDSTATS" in ASCII).
_TURN_KEY = 0x53_44_53_54_41_54_53
# Figures read again when releases by others keep coming out first (`publish`).
ATTEMPTS = 5


def mode() -> str:
    return getattr(settings, "SATUDATA_STATISTICS_RELEASE", "monthly")


def period_start(day: datetime.date, period: str) -> datetime.date:
    if period == "daily":
        return day
    if period == "weekly":
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(day: datetime.date, period: str) -> datetime.date:
    """The first day of the period after the one holding `day`."""
    start = period_start(day, period)
    if period == "daily":
        return start + datetime.timedelta(days=1)
    if period == "weekly":
        return start + datetime.timedelta(days=7)
    return (start + datetime.timedelta(days=32)).replace(day=1)


def next_release(as_of: datetime.date) -> datetime.date | None:
    """When figures as of `as_of` give way to the next release (None: they are live)."""
    return None if mode() not in PERIODS else next_period(as_of, mode())


def in_force() -> dict:
    """The release the public sees now: {"number", "as_of", "summaries"}.

    When the period has no release yet, the first request publishes it: in a thread of its
    own while the previous release answers (reading every resident takes seconds for a whole
    regency), or at once when there is none to show or no refresh delay is wanted (tests).
    """
    latest = _latest()
    due = period_start(timezone.localdate(), mode())
    if latest is not None and latest[1] >= due:
        return _load(latest[0])
    if latest is None or settings.SATUDATA_STATISTICS_REFRESH_SECONDS <= 0:
        with _publishing:
            return _publish_due(latest)
    refused = _held.get("not_published")
    if (
        refused is not None
        and time.monotonic() - refused < settings.SATUDATA_STATISTICS_REFRESH_SECONDS
    ):
        return _load(latest[0])  # tried a moment ago: not a full read at every request
    if _publishing.acquire(blocking=False):
        threading.Thread(target=_publish_apart, args=(latest,), daemon=True).start()
    return _load(latest[0])


def _latest() -> tuple[int, datetime.date] | None:
    """(number, period) of the newest release, or None before the first."""
    return StatisticsRelease.objects.order_by("-number").values_list("number", "period").first()


def _load(number: int) -> dict:
    held = _held.get("release")
    if held is None or held["number"] != number:
        row = StatisticsRelease.objects.values("number", "as_of", "summaries").get(number=number)
        _held["release"] = held = row
    return held


def _publish_due(latest: tuple | None) -> dict:
    """This period's release, unless another process published it meanwhile."""
    now = _latest()
    if now != latest:
        return _load(now[0])
    try:
        release = publish(None, number=(latest[0] + 1) if latest else 1)
    except IntegrityError:
        # Another process stored the same number first: everyone serves that one.
        return _load(_latest()[0])
    if getattr(release, "not_published", False):
        # The previous release stays in force (logged by `statistics._protected`).
        _held["not_published"] = time.monotonic()
    return _load(release.number)


def _publish_apart(latest: tuple) -> None:
    try:
        _publish_due(latest)
    except Exception:
        log.exception("publishing the population statistics failed; the last release stays")
    finally:
        connections.close_all()
        _publishing.release()


def publish(actor, number: int | None = None) -> StatisticsRelease:
    """Publish a release of every region's statistics now, as the next number (or `number`,
    refused with IntegrityError if another process took it), with an audit entry.

    Publishers take turns to store theirs (`_take_turn`), so two at once never take the same
    next number. As the next number, when nothing has changed since today's latest release
    read its figures (a double click, two custodians or the command and the button at once),
    that release is returned instead of an identical new one. The returned release's
    `published_now` says which. When the new figures cannot be protected, no release is
    made: the one in force is returned with `not_published` set (`outcome` says so). `actor`
    None is the system (the period's own release).
    """
    from satudata.registry.statistics import NotProtected, _writes, release_figures

    if actor is not None and not actor.is_custodian:
        raise PermissionDenied(_("Only the custodian may publish the public statistics."))
    today = timezone.localdate()
    period = period_start(today, mode() if mode() in PERIODS else "daily")
    # Read before the figures: whatever they saw, the figures hold (or something newer).
    seen = {"writes": _writes(), "audit_id": _newest_audit_id()}
    if number is None and (current := _unchanged_since(today, period, seen)) is not None:
        return current
    for _attempt in range(ATTEMPTS):
        try:
            # Read in a snapshot of their own (`release_snapshot`), before the publishing
            # transaction: that one's first statement takes the turn, after which its
            # isolation cannot be changed.
            summaries, hidden, follows = release_figures(today)
        except NotProtected:
            return _not_published()
        with transaction.atomic():
            _take_turn()
            wanted = number
            if wanted is None:
                if (current := _unchanged_since(today, period, seen)) is not None:
                    return current  # another publisher stored these figures meanwhile
                last = _latest()
                wanted = (last[0] if last else 0) + 1
            if (follows or 0) < wanted - 1:
                # A release came out meanwhile: protect figures together with that one (read
                # again, outside this transaction, which stores nothing).
                continue
            release = StatisticsRelease(
                number=wanted,
                period=period,
                as_of=today,
                summaries=summaries,
                hidden_counts=hidden,
                **seen,
            )
            release.save(force_insert=True)
            # The new audit entry also moves the public cache's data version on, so no answer
            # from the previous release is kept as current beside this one's.
            audit.record(actor, AuditEntry.Action.CREATE, release, after=audit.snapshot(release))
        log.info("population statistics release %s published (figures as of %s)", wanted, today)
        release.published_now = True
        return release
    return _not_published()  # other publishers kept coming first: this one can try again


def _not_published() -> StatisticsRelease:
    """The release in force, marked as not made now: the new figures could not be protected
    (or kept being overtaken). The custodian is told that nothing was published."""
    latest = StatisticsRelease.objects.defer("summaries").order_by("-number").first()
    latest.published_now = False
    latest.not_published = True
    return latest


def _newest_audit_id() -> int:
    """The newest audit entry of a change: releases and exports change no figure."""
    newest = (
        AuditEntry.objects.exclude(model_label=RELEASE_LABEL)
        .exclude(action=AuditEntry.Action.EXPORT)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return newest or 0


def _unchanged_since(
    today: datetime.date, period: datetime.date, seen: dict
) -> StatisticsRelease | None:
    """The latest release, if it is today's and its figures were read after all that `seen`
    counted (so a new one would show the same)."""
    last = StatisticsRelease.objects.defer("summaries").order_by("-number").first()
    if last is None or last.as_of != today or last.period != period:
        return None
    if last.writes is None or last.audit_id is None:
        return None  # published before its versions were kept
    if last.writes < seen["writes"] or last.audit_id < seen["audit_id"]:
        return None
    last.published_now = False
    return last


def _take_turn() -> None:
    """Inside the publishing transaction: one publisher at a time reads the latest number
    and stores the next. SQLite's transactions already take the one write lock at BEGIN
    (IMMEDIATE); PostgreSQL's wait for this advisory lock, released at commit."""
    connection = connections[StatisticsRelease.objects.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TURN_KEY])


def outcome(release: StatisticsRelease) -> str:
    """What the custodian is told after publishing, by the button and by the command."""
    values = {"number": release.number, "day": date_format(release.as_of, "j F Y")}
    if getattr(release, "not_published", False):
        return (
            _(
                "No new statistics release was published: today's figures could not be "
                "protected this time. Release %(number)s, with figures as of %(day)s, stays "
                "in force. Please try again in a few minutes."
            )
            % values
        )
    if getattr(release, "published_now", True):
        return _("Statistics release %(number)s published, with figures as of %(day)s.") % values
    return (
        _(
            "Statistics release %(number)s, with figures as of %(day)s, already holds the "
            "current data: nothing has changed since it was published, so no new release "
            "was made."
        )
        % values
    )


def forget() -> None:
    """Drop this process's copy (tests, whose database rolls back under it)."""
    _held.clear()
