"""Residents and families of every village (the population registry)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satudata.accounts.scope import RegionScopedQuerySet, read_scope, write_scope
from satudata.audit.models import AliveManager, SoftDeleteModel
from satudata.registry import codes


class VillageScopedQuerySet(RegionScopedQuerySet):
    """Scope (decided by accounts.scope) applied as index ranges on the village code.

    `code = X OR code LIKE 'X.%'` cannot use an index on SQLite; the same set is
    `code = X` for a village and `'X.' < code < 'X/'` for a larger region ('/' follows '.').
    """

    region_field = "village__code"

    def _scoped(self, scope):
        if scope.everything:
            return self.all()
        if not scope.code:
            return self.none()
        if scope.village:
            return self.filter(village_id=scope.village)
        return self.filter(village_id__gt=scope.code + ".", village_id__lt=scope.code + "/")

    def visible_to(self, user):
        return self._scoped(read_scope(user))

    def editable_by(self, user):
        return self._scoped(write_scope(user))


class ResidentQuerySet(VillageScopedQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(); the search key must still be filled (the demo uses it).
        from satudata.registry import cells

        objs = list(objs)
        for obj in objs:
            obj.name_key = name_key(obj.name)
        created = super().bulk_create(objs, *args, **kwargs)
        cells.refresh({obj.village_id for obj in objs})
        return created


class Family(SoftDeleteModel):
    """A family card (Kartu Keluarga)."""

    family_number = models.CharField(_("family card number (No. KK)"), max_length=16)
    # The (village, family_number) index serves village filters: no separate FK index (on
    # PostgreSQL it was two, with the LIKE one), which the 600k-row import had to build.
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        "regions.LocalUnit",
        verbose_name=_("RT"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="families",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Raised by every change of the card's own fields (RT, address), so an edit based on an
    # older read is refused instead of overwriting someone else's. A database default too:
    # the importer inserts cards with raw SQL that does not name this column.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AliveManager.from_queryset(VillageScopedQuerySet)()
    all_objects = models.Manager.from_queryset(VillageScopedQuerySet)()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["family_number"],
                condition=Q(deleted_at__isnull=True),
                name="family_number_unique_alive",
            )
        ]
        indexes = [models.Index(fields=["village", "family_number"], name="family_village_idx")]

    def __str__(self) -> str:
        return _("Family %(number)s") % {"number": self.family_number}

    def audit_region_code(self) -> str:
        return self.village_id


# The key of the audit entry a merge of duplicates writes on the record it keeps ({"merged_with":
# the removed record's id}; None after it once the merge is undone): the resident's page
# names the other record by id, never by NIK (quality.services.merge writes it).
MERGED_WITH = "merged_with"


class Resident(SoftDeleteModel):
    """One person in the registry; codes follow the civil registry's (Dukcapil/OpenSID) lists."""

    class Sex(models.IntegerChoices):
        MALE = 1, _("male")
        FEMALE = 2, _("female")

    class Status(models.IntegerChoices):
        ALIVE = 1, _("alive")
        DEAD = 2, _("dead")
        MOVED = 3, _("moved out")
        MISSING = 4, _("missing")
        GONE = 6, _("gone")

    nik = models.CharField(_("NIK"), max_length=16)
    nik_is_temporary = models.BooleanField(_("temporary NIK"), default=False)
    name = models.CharField(_("name"), max_length=100)
    sex = models.PositiveSmallIntegerField(_("sex"), choices=Sex.choices)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    religion = models.PositiveSmallIntegerField(_("religion"), null=True, blank=True)
    education_kk = models.PositiveSmallIntegerField(_("education (KK)"), null=True, blank=True)
    education_current = models.PositiveSmallIntegerField(
        _("education in progress"), null=True, blank=True
    )
    occupation = models.PositiveSmallIntegerField(_("occupation"), null=True, blank=True)
    marital_status = models.PositiveSmallIntegerField(_("marital status"), null=True, blank=True)
    relationship = models.PositiveSmallIntegerField(
        _("relationship in family"), null=True, blank=True
    )
    citizenship = models.PositiveSmallIntegerField(_("citizenship"), default=1)
    blood_type = models.PositiveSmallIntegerField(_("blood type"), null=True, blank=True)
    disability = models.PositiveSmallIntegerField(_("disability"), null=True, blank=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=100, blank=True)
    status = models.PositiveSmallIntegerField(
        _("basic status"), choices=Status.choices, default=Status.ALIVE
    )
    # The (village, name_key) index serves village filters, so no separate FK indexes here:
    # every index slows the 600k-row import. The lists by hamlet/RW/RT read that index too,
    # checking each row's unit (measured in bench/registry_units.py; docs/decisions.md).
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    unit = models.ForeignKey(
        "regions.LocalUnit",
        verbose_name=_("RT"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,
    )
    family = models.ForeignKey(
        Family,
        verbose_name=_("family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # Lower-cased name: prefix search is an index range (name_key >= 'sit' AND < 'siu').
    name_key = models.CharField(_("search key"), max_length=100, editable=False, default="")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped on every save; a save based on an older version is refused (no silent overwrite).
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AliveManager.from_queryset(ResidentQuerySet)()
    all_objects = models.Manager.from_queryset(ResidentQuerySet)()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], condition=Q(deleted_at__isnull=True), name="nik_unique_alive"
            )
        ]
        indexes = [
            models.Index(fields=["village", "name_key"], name="resident_village_key_idx"),
            models.Index(fields=["name_key"], name="resident_name_key_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def label(self, field: str) -> str:
        return codes.label(field, getattr(self, field))

    @classmethod
    def status_name(cls, code: int) -> str:
        """A basic status in the UI's language (the code list's label is Indonesian in any
        language), for messages that name it."""
        return str(cls.Status(code).label) if code in cls.Status.values else str(code)

    @property
    def label_relationship(self) -> str:
        return self.label("relationship")

    @classmethod
    def audit_value_label(cls, attname: str, value: object) -> str | None:
        """A code of the civil registry's lists as the history page shows it ("2 – Kristen");
        None for a field without such a list (sex has Django choices, named in the UI's
        language)."""
        if attname not in codes.CODE_LISTS or attname == "sex":
            return None
        return f"{value} – {codes.label(attname, value)}"

    def audit_region_code(self) -> str:
        return self.village_id


def name_key(name: str) -> str:
    """The search form of a name: lower case, single spaces."""
    return " ".join((name or "").lower().split())[:100]


class LifeEvent(models.Model):
    """A population event (birth, death, move…) in a resident's history; never deleted."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("registered")
        BIRTH = "birth", _("birth")
        DEATH = "death", _("death")
        MOVE_OUT = "move_out", _("moved out")
        MOVE_IN = "move_in", _("moved in")
        FAMILY_SPLIT = "family_split", _("family split")
        HEAD_CHANGE = "head_change", _("change of head of family")
        FAMILY_JOIN = "family_join", _("moved onto another family card")
        CORRECTION = "correction", _("recorded as living again (correction)")
        IMPORTED = "imported", _("imported")

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="events"
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("event"), max_length=14, choices=Kind.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Where the person went or came from (a village code or free text), for moves.
    other_place = models.CharField(_("from/to"), max_length=100, blank=True)
    # For a move out to another village of this database: only that village may take the
    # record in, and it finds the person waiting in its list of arrivals.
    to_village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("destination village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    family_before = models.CharField(max_length=16, blank=True)
    family_after = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VillageScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    def audit_region_code(self) -> str:
        return self.village_id


class NikConflictQuerySet(models.QuerySet):
    def add_new(self, conflicts: list[NikConflict]) -> None:
        """Store the conflicts not already open: one open conflict per NIK and village that
        tried (the pair a move in closes), however often the form is sent or the file is
        imported; a second attempt adds nothing for the custodian to settle."""
        found: dict[tuple[str, str], NikConflict] = {}
        for conflict in conflicts:
            found.setdefault((conflict.nik, conflict.village_id), conflict)
        # The open pair is unique in the database (nik_conflict_open_unique), and a conflict
        # already open is skipped by the insert itself: a look first, then an insert, let two
        # requests at once both find none and both add one (QA, PostgreSQL).
        self.bulk_create(found.values(), batch_size=500, ignore_conflicts=True)


class NikConflict(models.Model):
    """A NIK that one village tried to register while another village holds it."""

    nik = models.CharField(_("NIK"), max_length=16)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village that tried"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder_village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village that holds the NIK"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, default="form")
    # None for an import run from the command line without --user, or an account since
    # removed: blank too, or closing such a conflict failed the record's own check (a 500).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    objects = NikConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("NIK conflict")
        verbose_name_plural = _("NIK conflicts")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nik", "village"],
                condition=Q(resolved=False),
                name="nik_conflict_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} / {self.holder_village_id}"


class FormerTemporaryNik(models.Model):
    """A temporary NIK that a real one replaced. Its serial is never given again: the old
    number stays in the person's history and in every list made before (QA: the next baby
    of the village got it, as the next serial was counted from the NIKs in use)."""

    nik = models.CharField(_("NIK"), max_length=16, primary_key=True)
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("former temporary NIK")
        verbose_name_plural = _("former temporary NIKs")

    def __str__(self) -> str:
        return self.nik


class ImportJob(models.Model):
    """One resident import (CLI or web): its options, progress and result."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all-or-nothing", _("all or nothing")
        VALID_ONLY = "valid-only", _("valid rows only")

    file_name = models.CharField(_("file"), max_length=200)
    path = models.CharField(max_length=500)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(
        _("mode"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="queued")
    size = models.BigIntegerField(default=0)
    done_bytes = models.BigIntegerField(default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    committed = models.BooleanField(_("saved"), default=False)
    message = models.TextField(_("message"), blank=True)
    warnings = models.TextField(_("warnings"), blank=True)
    error_path = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resident import")
        verbose_name_plural = _("resident imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.file_name

    def audit_region_code(self) -> str:
        return self.village_id or ""

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done_bytes / self.size)) if self.size else 0


class PopulationCell(models.Model):
    """Living residents per village, sex and birth year, counted per birth month (m1…m12).

    The maintained pyramid aggregate: rebuilt for a village by every registry write
    (`cells.refresh`), so a regency's pyramid sums ~25k rows instead of 600k residents.
    """

    village = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sex = models.PositiveSmallIntegerField()
    birth_year = models.PositiveSmallIntegerField()
    m1 = models.PositiveIntegerField(default=0)
    m2 = models.PositiveIntegerField(default=0)
    m3 = models.PositiveIntegerField(default=0)
    m4 = models.PositiveIntegerField(default=0)
    m5 = models.PositiveIntegerField(default=0)
    m6 = models.PositiveIntegerField(default=0)
    m7 = models.PositiveIntegerField(default=0)
    m8 = models.PositiveIntegerField(default=0)
    m9 = models.PositiveIntegerField(default=0)
    m10 = models.PositiveIntegerField(default=0)
    m11 = models.PositiveIntegerField(default=0)
    m12 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["village", "sex", "birth_year"], name="population_cell_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.sex} {self.birth_year}"


class StatisticsVersion(models.Model):
    """One row counting committed registry writes, which every process reads.

    A process learns of its own writes from its cache, but without Redis each process has a
    cache of its own: a web worker would not see an import committed by `satudata worker`,
    and would serve (and cache as current) its old statistics snapshot. This counter, bumped
    after each write commits, tells it (`statistics._current`).
    """

    writes = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.writes)


class StatisticsRelease(models.Model):
    """One release of the public population statistics: every region's protected summary.

    Public figures change only from one release to the next (`registry.releases`), so two
    answers can no longer be subtracted to single out whoever was registered between them.
    Stored, not kept in memory, so that every process serves the same release.
    """

    number = models.PositiveIntegerField(_("release number"), unique=True)
    period = models.DateField(_("period"), help_text=_("The first day of its period."))
    as_of = models.DateField(_("figures as of"))
    made_at = models.DateTimeField(_("published at"), auto_now_add=True)
    summaries = models.JSONField(_("summaries"), default=dict)
    # What the data had seen when its figures were read (`releases.publish`): a publish that
    # finds nothing newer since returns this release instead of an identical next one. Both,
    # as registry writes are counted only after they commit (not in tests' transactions),
    # and audit ids are handed out before the commit, not in its order.
    writes = models.PositiveBigIntegerField(_("registry writes counted"), null=True)
    audit_id = models.PositiveBigIntegerField(_("newest audit entry"), null=True)
    # The true counts of the cells the summaries hide: never served. The next release is
    # protected together with this one (`registry.release_protection`) and needs to know which
    # of its cells are the same. None in releases published before they were kept.
    hidden_counts = models.JSONField(_("hidden counts"), null=True, editable=False)
    # The summaries are the release; the audit entry says who published which, not what.
    audit_exclude = ("summaries", "hidden_counts")

    class Meta:
        verbose_name = _("population statistics release")
        verbose_name_plural = _("population statistics releases")

    def __str__(self) -> str:
        return f"{self.number} ({self.as_of.isoformat()})"
