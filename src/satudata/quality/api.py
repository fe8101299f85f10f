"""REST routes of the quality app (mounted under /api/v1/)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from satudata.api.auth import signed_in
from satudata.quality.services import verify

router = Router(tags=["quality"])

PAGE = 1000
MAX_PAGE = 10_000


class BeneficiaryOut(Schema):
    """One verified row: only what the sender sent, plus the result (no registry data)."""

    row: int
    nik: str
    name: str
    family_number: str = Field(description="The KK number as sent (empty when not sent).")
    program: str
    result: str = Field(description=f"One of: {', '.join(verify.RESULTS)}.")
    detail: str
    other_programs: str


class ListOut(Schema):
    id: int
    program: str
    file_name: str
    rows: int
    summary: dict[str, int]


class RowsFilter(Schema):
    result: str = Field("", description="Only the rows with this result, e.g. dead.")
    limit: int = Field(PAGE, ge=1, le=MAX_PAGE, description="Rows per page.")
    offset: int = Field(0, ge=0, le=verify.MAX_ROWS, description="Rows skipped.")


class ReportOut(ListOut):
    count: int = Field(description="Rows of the report (with `result`: rows with that result).")
    limit: int
    offset: int
    beneficiaries: list[BeneficiaryOut] = Field(description="One page of rows, in row order.")


def _report(blist, page: RowsFilter) -> dict:
    rows = blist.beneficiaries.all()
    count = blist.rows
    if page.result:
        rows = rows.filter(result=page.result)
        # The summary holds each result's count: no COUNT(*) over up to 500,000 rows.
        count = blist.summary.get(page.result, 0)
    return {
        "id": blist.pk,
        "program": blist.program,
        "file_name": blist.file_name,
        "rows": blist.rows,
        "summary": blist.summary,
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "beneficiaries": list(rows[page.offset : page.offset + page.limit]),
    }


@router.post("/beneficiary-lists", response={201: ReportOut}, auth=signed_in)
def upload_list(request, program: Form[str], file: File[UploadedFile], page: Query[RowsFilter]):
    """Verify an aid-recipient list (CSV/XLSX: NIK, nama, optional no_kk, program). The answer
    holds the first page of the report; GET /beneficiary-lists/{id} gives the others."""
    try:
        blist, _rep = verify.upload(request.user, file.read(), file.name or "", program)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("Not allowed.")) from exc
    except verify.ListError as exc:
        raise HttpError(400, str(exc)) from exc
    return 201, _report(blist, page)


@router.get("/beneficiary-lists", response=list[ListOut], auth=signed_in)
def list_lists(request):
    """The lists this account may read (custodian: all; agency: its own)."""
    return list(verify.lists_visible_to(request.user)[:200])


@router.get("/beneficiary-lists/{list_id}", response=ReportOut, auth=signed_in)
def get_list(request, list_id: int, page: Query[RowsFilter]):
    """One list's verification report, a page of rows at a time (`limit`, `offset`)."""
    blist = get_object_or_404(verify.lists_visible_to(request.user), pk=list_id)
    return _report(blist, page)
