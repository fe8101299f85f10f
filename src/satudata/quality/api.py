"""REST routes of the quality app (mounted under /api/v1/)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from satudata.api.auth import signed_in
from satudata.quality.services import verify

router = Router(tags=["quality"])


class BeneficiaryOut(Schema):
    """One verified row: only what the sender sent, plus the result (no registry data)."""

    row: int
    nik: str
    name: str
    program: str
    result: str
    detail: str
    other_programs: str


class ListOut(Schema):
    id: int
    program: str
    file_name: str
    rows: int
    summary: dict[str, int]


class ReportOut(ListOut):
    beneficiaries: list[BeneficiaryOut]


def _report(blist) -> dict:
    return {
        "id": blist.pk,
        "program": blist.program,
        "file_name": blist.file_name,
        "rows": blist.rows,
        "summary": blist.summary,
        "beneficiaries": list(blist.beneficiaries.all()),
    }


@router.post("/beneficiary-lists", response={201: ReportOut}, auth=signed_in)
def upload_list(request, program: Form[str], file: File[UploadedFile]):
    """Verify an aid-recipient list (CSV/XLSX: NIK, nama, optional no_kk, program)."""
    try:
        blist, _rep = verify.upload(request.user, file.read(), file.name or "", program)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("Not allowed.")) from exc
    except verify.ListError as exc:
        raise HttpError(400, str(exc)) from exc
    return 201, _report(blist)


@router.get("/beneficiary-lists", response=list[ListOut], auth=signed_in)
def list_lists(request):
    """The lists this account may read (custodian: all; agency: its own)."""
    return list(verify.lists_visible_to(request.user)[:200])


@router.get("/beneficiary-lists/{list_id}", response=ReportOut, auth=signed_in)
def get_list(request, list_id: int):
    """One list's verification report, row by row."""
    blist = get_object_or_404(verify.lists_visible_to(request.user), pk=list_id)
    return _report(blist)
