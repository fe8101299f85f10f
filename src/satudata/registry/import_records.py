"""What an import leaves behind besides the residents: its job, its audit entries, the
messages of rows the database's rules refuse, and the NIK conflicts for the custodian.

A mixin of `importer.Importer`, which holds the report, the error file and the actor.
"""

from __future__ import annotations

import getpass

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from satudata.audit import services as audit
from satudata.audit.models import AuditEntry
from satudata.regions.models import Region
from satudata.registry.models import ImportJob, NikConflict, Resident
from satudata.registry.validation import kk_problem, named, temporary_nik_problem


class ImportRecords:
    """The audit trail, job and refusals of `importer.Importer`."""

    def _reject_rows(self, rejected: pl.DataFrame) -> None:
        """Messages for rows the database rules refuse (few), and the conflicts to log."""
        conflicts = []
        kk_column = "no_kk" if "nama" in self.positions_header else "family_number"
        holders = (
            set(rejected["held_village"].drop_nulls())
            | set(rejected["family_village"].drop_nulls())
            | set(rejected["former_village"].drop_nulls())
        )
        # The message names the village as the form does, not only by its code.
        names = dict(Region.objects.filter(code__in=holders).values_list("code", "name"))
        for row in rejected.iter_rows(named=True):
            line, number = row["_line"], row["family_number"]
            if row["_conflict"]:
                code = row["held_village"]
                message = _(
                    "already registered in the village of %(village)s (%(code)s); "
                    "record a move in instead."
                ) % {"village": names.get(code, code), "code": code}
                self._reject(line, "nik", row["nik"], named("nik", message))
                conflicts.append((row["nik"], row["village"], row["held_village"]))
            elif row["_former_temporary"]:
                code = row["former_village"]
                message = _(
                    "was a temporary NIK, replaced by the real NIK of the person it was given "
                    "to, whose record is in the village of %(village)s (%(code)s); a temporary "
                    "NIK is never given twice. Import that person with the real NIK."
                ) % {"village": names.get(code, code), "code": code}
                self._reject(line, "nik", row["nik"], named("nik", message))
            elif row["_foreign_temporary"]:
                problem = temporary_nik_problem(row["nik"], row["village"])
                self._reject(line, "nik", row["nik"], named("nik", problem))
            elif row["_no_card"]:
                self._reject(line, kk_column, "", named("family_number", kk_problem("")))
            elif row["_revived"]:
                column = "status_dasar" if kk_column == "no_kk" else "status"
                message = _(
                    "the registry records this person as %(status)s; a status recorded by "
                    "mistake is corrected on the resident's page, with its reason."
                ) % {"status": Resident.status_name(row["old_status"]).lower()}
                self._reject(line, column, row["status"], named("status", message))
            elif row["_not_living_moved"]:
                message = self._not_living_moved_message(row)
                self._reject(line, kk_column, number, message)
            elif row["_wrong_family"]:
                code = row["family_village"]
                message = _("already registered in the village of %(village)s (%(code)s).") % {
                    "village": names.get(code, code),
                    "code": code,
                }
                self._reject(line, kk_column, number, named("family_number", message))
            else:
                message = _("is used for two villages in the file.")
                self._reject(line, kk_column, number, named("family_number", message))
        self._record_conflicts(conflicts)

    def _record_conflicts(self, conflicts) -> None:
        if not conflicts:
            return
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        # Conflicts are kept even when the import rolls back: the custodian must see them.
        self.conflicts = getattr(self, "conflicts", []) + [
            NikConflict(nik=n, village_id=v, holder_village_id=h, source="import", actor=actor)
            for n, v, h in conflicts
        ]

    def _audit(self) -> None:
        if self.job is not None:
            job = self.job
            job.rows, job.added, job.updated = (
                self.report.rows,
                self.report.added,
                self.report.updated,
            )
            job.unchanged = self.report.unchanged
            job.rejected, job.committed = self.report.rejected, True
            job.save(
                update_fields=["rows", "added", "updated", "unchanged", "rejected", "committed"]
            )
        else:
            job = self._new_job()
        self.audit_job = job
        self._record_status_events(job)
        audit.record(
            self.actor,
            AuditEntry.Action.CREATE,
            job,
            after={
                "file": self.file_name,
                "rows": self.report.rows,
                "added": self.report.added,
                "updated": self.report.updated,
                "unchanged": self.report.unchanged,
                "rejected": self.report.rejected,
                "mode": self.mode,
                **self._command_line_user(),
            },
        )

    def _audit_attempt(self) -> None:
        """A web import that saved nothing (a dry run, or rows refused in all-or-nothing
        mode) still read the registry: its report says which NIKs other villages hold. So
        it is in the audit trail too, written after the rollback."""
        audit.record(
            self.actor,
            AuditEntry.Action.CREATE,
            self.job,
            after={
                "file": self.file_name,
                "rows": self.report.rows,
                "rejected": self.report.rejected,
                "mode": self.mode,
                "dry_run": self.dry_run,
                "committed": False,
            },
        )

    def _command_line_user(self) -> dict:
        """Who ran a `satudata import` without --user: the operating system's account, so the
        audit trail names a person, not just "system"."""
        if getattr(self.actor, "is_authenticated", False):
            return {}
        try:
            return {"os_user": getpass.getuser()}
        except (KeyError, OSError):  # no login name and no password entry (some containers)
            return {"os_user": "?"}

    def _new_job(self) -> ImportJob:
        return ImportJob.objects.create(
            file_name=self.file_name[:200],
            path=str(self.path)[:500],
            village_id=self.village,
            mode=self.mode,
            state=ImportJob.State.DONE,
            rows=self.report.rows,
            added=self.report.added,
            updated=self.report.updated,
            unchanged=self.report.unchanged,
            rejected=self.report.rejected,
            committed=True,
            actor=self.actor if getattr(self.actor, "is_authenticated", False) else None,
            finished_at=timezone.now(),
        )
