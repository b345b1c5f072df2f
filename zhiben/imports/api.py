"""``/api/v1/imports``: templates, upload (validated in the background), the report, confirmation."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.pagination import LimitOffset
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from .ledgers import ledger_get
from .models import ImportJob
from .selectors import import_get, import_jobs
from .services import import_confirm, import_create
from .workbook import template

router = Router(tags=["imports"])
# Order matters: GET /{uuid} is declared before POST /{kind}, whose pattern would otherwise take the path.
LedgerKind = Literal["enterprises", "hazards", "inspections", "penalties", "risks"]


class ImportJobOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    status_label: str
    file_name: str
    size: int
    progress: int
    total: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    report: dict[str, Any]
    errors_url: str | None

    @staticmethod
    def resolve_status_label(obj: ImportJob) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_file_name(obj: ImportJob) -> str:
        return obj.original_name

    @staticmethod
    def resolve_errors_url(obj: ImportJob) -> str | None:
        return f"/api/v1/imports/{obj.pk}/errors" if obj.error_file else None


def _job(request: HttpRequest, job_id: uuid.UUID) -> ImportJob:
    job = import_get(actor=request_actor(request), job_id=str(job_id))
    if job is None:
        raise NotFound("导入任务不存在")
    return job


@router.get("/templates/{kind}", openapi_extra=xlsx_openapi("导入模板（.xlsx）"))
def import_template(request: HttpRequest, kind: LedgerKind) -> HttpResponse:
    """The import template of a ledger: Chinese headers, drop-downs, date formats, instructions."""
    ledger = ledger_get(kind)
    if ledger is None:
        raise NotFound("没有这种台账")
    return xlsx_response(template(ledger), f"{ledger.title}导入模板.xlsx", fallback=f"{kind}-template.xlsx")


@router.get("", response=list[ImportJobOut])
@paginate(LimitOffset)
def list_imports(request: HttpRequest) -> object:
    """Your imports, newest first (an admin sees everyone's)."""
    return import_jobs(actor=request_actor(request))


@router.get("/{uuid:job_id}", response=ImportJobOut)
def get_import(request: HttpRequest, job_id: uuid.UUID) -> ImportJob:
    """The job: status, progress, and the report (every problem with its sheet, row, column and message;
    what would be created, updated and left unchanged)."""
    return _job(request, job_id)


@router.post("/{kind}", response={202: ImportJobOut})
def upload(request: HttpRequest, kind: LedgerKind, file: File[UploadedFile]) -> Status[ImportJob]:
    """Upload a filled workbook (multipart ``file``). It is checked at once (not a workbook, too big,
    password-protected, an old .xls: 422 naming ``file``) and validated in the background; poll
    ``GET /imports/{id}`` until ``status`` is ``validated`` (then confirm) or ``invalid`` (see the report
    and the error workbook). Nothing is written before confirmation."""
    job = import_create(actor=request_actor(request), kind=kind, stream=file, name=file.name or "")
    job.refresh_from_db()
    return Status(202, job)


@router.get("/{uuid:job_id}/errors", openapi_extra=xlsx_openapi("标注了错误的工作簿（.xlsx）"))
def error_workbook(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The uploaded rows with an 错误信息 column and the bad cells highlighted."""
    job = _job(request, job_id)
    if not job.error_file:
        raise NotFound("该导入没有错误")
    with job.error_file.open("rb") as f:
        data = f.read()
    stem = job.original_name.rsplit(".", 1)[0]
    return xlsx_response(data, f"{stem}-错误标注.xlsx", fallback="import-errors.xlsx")


@router.post("/{uuid:job_id}/confirm", response={202: ImportJobOut})
def confirm(request: HttpRequest, job_id: uuid.UUID) -> Status[ImportJob]:
    """Import a validated workbook: validated again and written in one transaction, all or nothing
    (409 unless ``status`` is ``validated``). Poll the job until ``done`` or ``failed``."""
    job = _job(request, job_id)
    return Status(202, import_confirm(actor=request_actor(request), job_id=str(job.pk)))
