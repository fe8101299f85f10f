"""Bookkeeping of the site itself (no domain data)."""

from __future__ import annotations

from django.db import models


class SentForm(models.Model):
    """A form's one-time token, claimed when the form is sent: a second send of the same
    page (a double tap, or Back and Save again) finds it and is not saved twice (`once`)."""

    token = models.CharField(max_length=32, unique=True)
    # Where the first send led (the record it made); empty while it is being saved.
    result_url = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.token[:8]}… → {self.result_url or '…'}"
