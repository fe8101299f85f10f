"""Candidate duplicate pairs, merges (with what they moved, for an exact undo) and aid lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from satudata.audit.models import AliveManager, SoftDeleteModel
from satudata.audit.services import Note

# The linkage model's comparison names (linkage.FIELDS) as the custodian reads them.
AGREEING_LABELS = {
    "nik": _("NIK"),
    "name": _("name"),
    "birth_date": _("date of birth"),
    "sex": _("sex"),
    "mother": _("mother's name"),
    "father": _("father's name"),
    "birth_place": _("place of birth"),
}


class CandidatePair(models.Model):
    """Two residents the linkage model thinks may be one person, and the custodian's verdict."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        MERGED = "merged", _("merged")
        DIFFERENT = "different", _("different people")

    resident_a = models.ForeignKey(
        "registry.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("record A")
    )
    resident_b = models.ForeignKey(
        "registry.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("record B")
    )
    match_probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    agreeing = models.JSONField(_("fields that agree"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        ordering = ["-match_weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resident_a", "resident_b"], name="pair_unique"),
            models.CheckConstraint(
                condition=models.Q(resident_a__lt=models.F("resident_b")), name="pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="pair_status_idx")]

    def __str__(self) -> str:
        return f"{self.resident_a_id} ~ {self.resident_b_id}"

    @property
    def agreeing_labels(self) -> list[str]:
        return [str(AGREEING_LABELS.get(key, key)) for key in self.agreeing]

    def audit_region_code(self) -> str:
        return ""


class Merge(models.Model):
    """One merge: the kept and the removed record, and every link it moved (for undo)."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.PROTECT, related_name="merges")
    kept = models.ForeignKey("registry.Resident", on_delete=models.PROTECT, related_name="+")
    removed = models.ForeignKey("registry.Resident", on_delete=models.PROTECT, related_name="+")
    # {"kept": {"family_id": [before, after], ...}: the kept record's fields the merge set,
    #  "links": {"app.model.field": [pks]}: rows that pointed at the removed record}.
    # Merges made before "kept" was recorded hold {"kept_family": id-or-null, "links": ...}.
    moved = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.removed_id} → {self.kept_id}"

    def audit_region_code(self) -> str:
        return self.kept.village_id

    @classmethod
    def audit_notes(cls, instance) -> list[Note]:
        """A resident's merges, for its page in the change history. A record removed by a
        merge that still stands comes back only through "Undo merge": restoring it alone would
        leave both records alive and the merge impossible to undo."""
        if instance._meta.label_lower != "registry.resident":
            return []
        merges = cls.objects.filter(models.Q(kept=instance.pk) | models.Q(removed=instance.pk))
        notes = []
        for m in merges.select_related("kept", "removed", "actor"):
            values = {
                "kept": m.kept.name,
                "kept_pk": m.kept_id,
                "removed": m.removed.name,
                "removed_pk": m.removed_id,
                "at": f"{timezone.localtime(m.at):%d-%m-%Y %H:%M}",
                "actor": m.actor.get_username() if m.actor else "",
            }
            if m.removed_id == instance.pk:
                text = gettext(
                    "Removed by a merge into %(kept)s (#%(kept_pk)s) on %(at)s by %(actor)s."
                )
            else:
                text = gettext(
                    "%(removed)s (#%(removed_pk)s) was merged into this record on %(at)s by "
                    "%(actor)s."
                )
            text %= values
            if m.undone_at:
                text += " " + gettext("The merge was undone on %(at)s.") % {
                    "at": f"{timezone.localtime(m.undone_at):%d-%m-%Y %H:%M}"
                }
            notes.append(
                Note(
                    text=text,
                    link_text=gettext("Undo merge") if not m.undone_at else gettext("Merges"),
                    url=reverse("quality:merges"),
                    blocks_restore=m.removed_id == instance.pk and m.undone_at is None,
                )
            )
        return notes


class BeneficiaryList(SoftDeleteModel):
    """One uploaded list of aid recipients (penerima bantuan) and its verification summary."""

    program = models.CharField(_("program"), max_length=100)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    summary = models.JSONField(_("summary"), default=dict)

    objects = AliveManager()
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        verbose_name = _("beneficiary list")
        verbose_name_plural = _("beneficiary lists")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.program} ({self.file_name})"


class Beneficiary(models.Model):
    """One row of an aid list and what verification found for it."""

    class Result(models.TextChoices):
        ELIGIBLE = "eligible", _("found and eligible")
        NOT_FOUND = "not_found", _("NIK not found")
        INVALID = "invalid", _("NIK invalid")
        DEAD = "dead", _("dead")
        MOVED = "moved", _("moved out of the regency")
        NAME_MISMATCH = "name_mismatch", _("name does not match the registry")
        DUPLICATE = "duplicate", _("listed twice in this list")
        KK_MISMATCH = "kk_mismatch", _("KK number does not match the registry")

    beneficiary_list = models.ForeignKey(
        BeneficiaryList, on_delete=models.CASCADE, related_name="beneficiaries"
    )
    row = models.PositiveIntegerField(_("row"))
    nik = models.CharField(_("NIK"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    family_number = models.CharField(_("No. KK"), max_length=40, blank=True)
    program = models.CharField(_("program"), max_length=100, blank=True)
    result = models.CharField(_("result"), max_length=14, choices=Result.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    other_programs = models.CharField(_("also in"), max_length=300, blank=True)
    # The resident the row matched, set in the same transaction from the registry itself. No
    # index: nothing looks rows up by resident (residents are never hard-deleted), and each
    # index costs about a fifth of storing a 100,000-row report. No database constraint: on
    # PostgreSQL its check takes a row lock on every matched resident at commit (4 s of the
    # 100,000-row report); Django still applies on_delete.
    resident = models.ForeignKey(
        "registry.Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["beneficiary_list", "row"]
        indexes = [models.Index(fields=["nik"], name="beneficiary_nik_idx")]

    def __str__(self) -> str:
        return f"{self.row}: {self.result}"


class DedupRun(models.Model):
    """One search for duplicates asked for on the duplicates page and run by `satudata worker`."""

    class Status(models.TextChoices):
        DUE = "due", _("waiting for the worker")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("done")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        QUEUED = "", _("queued")
        READING = "reading", _("reading the residents")
        COMPARING = "comparing", _("comparing records")
        SAVING = "saving", _("saving candidate pairs")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE, db_index=True
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    threshold = models.FloatField(_("threshold"), default=0.95)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("residents compared"), default=0)
    pairs = models.PositiveIntegerField(_("candidate pairs"), default=0)
    created = models.PositiveIntegerField(_("new pairs"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("duplicate search")
        verbose_name_plural = _("duplicate searches")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"dedup #{self.pk} ({self.status})"

    def audit_region_code(self) -> str:
        return ""

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None
