"""Citizens' suggestions, input and complaints, routed to a village or an agency, with replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.scope import RegionScopedQuerySet, read_scope, write_scope
from satudata.audit.models import AliveManager, SoftDeleteModel


class FeedbackQuerySet(RegionScopedQuerySet):
    """Operators see their village's messages, producers their agency's, the custodian all."""

    region_field = "village__code"

    def _agency_q(self, user) -> Q:
        signed_in = getattr(user, "is_authenticated", False) and user.is_active
        if signed_in and user.agency_id and user.role == user.Role.PRODUCER:
            return Q(agency_id=user.agency_id)
        return Q(pk__in=[])

    def visible_to(self, user):
        scope = read_scope(user)
        if scope.everything:
            return self
        region_q = scope.q(self.region_field) if scope.code else Q(pk__in=[])
        return self.filter(region_q | self._agency_q(user))

    def editable_by(self, user):
        scope = write_scope(user)
        if scope.everything:
            return self
        region_q = scope.q(self.region_field) if scope.code else Q(pk__in=[])
        return self.filter(region_q | self._agency_q(user))

    def public(self):
        """What the public may see on village pages: answered, not hidden."""
        return self.filter(
            is_hidden=False, status__in=[Feedback.Status.ANSWERED, Feedback.Status.CLOSED]
        )


class Feedback(SoftDeleteModel):
    """One suggestion or complaint; its contact is for the handler only, never public."""

    class Category(models.TextChoices):
        SUGGESTION = "suggestion", _("Suggestion")
        INPUT = "input", _("Input")
        COMPLAINT = "complaint", _("Complaint")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("message"), max_length=4000)
    contact = models.CharField(_("contact"), max_length=150, blank=True)
    # The stored file's name in the default storage (a plain string, so the audit can snapshot it).
    photo = models.CharField(_("photo"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = AliveManager.from_queryset(FeedbackQuerySet)()
    all_objects = models.Manager.from_queryset(FeedbackQuerySet)()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(village__isnull=False) | Q(agency__isnull=False),
                name="feedback_has_target",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def audit_region_code(self) -> str:
        return self.village_id or ""

    def target_label(self) -> str:
        if self.village_id:
            return self.village.name
        return self.agency.name if self.agency_id else ""


class Reply(SoftDeleteModel):
    """A handler's answer, shown on the tracking page (the author's account is not)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("reply"), max_length=4000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.text[:40]}"

    def audit_region_code(self) -> str:
        return self.feedback.village_id or ""


class AddressAttempt(models.Model):
    """One stored message or honeypot hit from an address, counted for the per-address limit.

    Kept in the database so that every app process counts against the same limit. The address
    is a keyed digest (never the address itself) and rows are deleted once the window ends.
    """

    address = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "created_at"], name="feedback_attempt_addr")]

    def __str__(self) -> str:
        return f"{self.address[:8]} {self.created_at:%Y-%m-%d %H:%M}"
