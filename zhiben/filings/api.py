"""/api/v1/filings and /api/v1/enterprises/{credit_code}/statistics — 16号令 第十四条 statistics and their filing.
Every read goes through a scoped selector: out of scope answers 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.filters import YesNoField
from zhiben.common.inputs import json_body, json_content
from zhiben.common.xlsx import xlsx_openapi, xlsx_response
from zhiben.enterprises.models import Enterprise

from . import exports
from .models import Filing
from .periods import NotAPeriod, Period, last_ended, parse_period
from .selectors import enterprise_get, filing_get, filing_of, filing_status, rollup, statistics, subtree
from .services import filing_create

router = Router(tags=["filings"])
statistics_router = Router(tags=["filings"])


class FilingOut(Schema):
    id: int
    enterprise: str
    period: str
    due_on: datetime.date
    filed_on: datetime.date
    late: bool
    figures: dict[str, Any]
    scan_url: str | None
    filed_by: str
    filed_at: datetime.datetime

    @staticmethod
    def resolve_enterprise(obj: Filing) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_scan_url(obj: Filing) -> str | None:
        return f"/api/v1/filings/{obj.pk}/scan" if obj.scan else None

    @staticmethod
    def resolve_filed_by(obj: Filing) -> str:
        return obj.filed_by.full_name or obj.filed_by.username


class StatusOut(Schema):
    enterprise: str
    enterprise_name: str
    region: str
    sector: str
    period: str
    due_on: datetime.date
    filed: bool
    filed_on: datetime.date | None
    late: bool
    overdue: bool
    filing: int | None


def _period(raw: str | None) -> Period:
    """The period asked for; without one, the latest quarter that has ended (Beijing)."""
    if raw is None or not raw.strip():
        return last_ended(dates.today())
    try:
        return parse_period(raw)
    except NotAPeriod as exc:
        raise FieldErrors({"period": str(exc)}) from None


def _yes_no(name: str, raw: str | None) -> bool | None:
    try:
        return YesNoField(required=False).clean(raw)
    except Exception:  # a form field's ValidationError: named in the answer
        raise FieldErrors({name: "应为 true 或 false"}) from None


def _status_row(e: Enterprise, period: Period, today: datetime.date) -> dict[str, Any]:
    return {
        "enterprise": e.credit_code,
        "enterprise_name": e.name,
        "region": e.region_id,
        "sector": e.sector_id,
        "period": period.key,
        "due_on": period.due,
        "filed": e.filed_on is not None,  # type: ignore[attr-defined]  # annotated by the selector
        "filed_on": e.filed_on,  # type: ignore[attr-defined]
        "late": bool(e.filed_late),  # type: ignore[attr-defined]
        "overdue": e.filed_on is None and today > period.due,  # type: ignore[attr-defined]
        "filing": e.filing_id,  # type: ignore[attr-defined]
    }


def _paging(raw: str | None, name: str, default: int, most: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise FieldErrors({name: "应为整数"}) from None
    if not 0 <= value <= most:
        raise FieldErrors({name: f"应在 0–{most} 之间"})
    return value


class StatusList(Schema):
    items: list[StatusOut]
    count: int


@router.get("", response=StatusList)
def list_filings(
    request: HttpRequest,
    period: str = "",
    region: str = "",
    sector: str = "",
    filed: str = "",
    overdue: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """Each enterprise in scope that owes ``period``'s statistics (``2026Q3`` or ``2026``; default: the latest
    ended quarter) with its
    filing: ``filed``, ``filed_on``, ``late`` (filed after ``due_on``), ``overdue`` (not filed and the due day
    past). Filters: ``region`` (subtree), ``sector``, ``filed``, ``overdue`` (true/false). Paged by
    ``limit``/``offset``."""
    when = _period(period)
    actor = request_actor(request)
    qs = filing_status(
        actor=actor,
        period=when,
        region=subtree(actor=actor, region=region),
        sector=sector.strip() or None,
        filed=_yes_no("filed", filed),
        overdue=_yes_no("overdue", overdue),
    )
    start = _paging(offset, "offset", 0, 10**9)
    size = _paging(limit, "limit", 50, 500)
    today = dates.today()
    return {"items": [_status_row(e, when, today) for e in qs[start : start + size]], "count": qs.count()}


@router.post("", response={201: FilingOut})
def file_statistics(request: HttpRequest) -> Status[Filing]:
    """Mark a period as filed (报送): ``{"enterprise": credit_code, "period": "2026Q3"}`` as JSON, or the same
    fields as a multipart form with the signed scan in ``scan`` (JPEG, PNG, WebP or PDF, size-capped). Only
    the enterprise's own users (and admins); a period not yet ended answers 422 naming ``period``; a period
    already filed 409."""
    if json_content(request.content_type or ""):
        body = json_body(request)
        scan = None
    else:
        body = request.POST
        upload = request.FILES.get("scan")
        scan = (upload, upload.name or "", upload.size) if upload is not None else None
    filing = filing_create(
        actor=request_actor(request),
        enterprise=str(body.get("enterprise") or ""),
        period=str(body.get("period") or ""),
        scan=scan,
    )
    return Status(201, filing_get(actor=request_actor(request), filing_id=filing.pk) or filing)


@router.get("/summary", response=dict[str, Any])
def summary(request: HttpRequest, period: str = "", region: str = "") -> dict[str, Any]:
    """The roll-up for ``period``: per child region and per sector, enterprises ``due``, ``filed``,
    ``filed_late``, ``not_filed`` and ``overdue`` (not filed past the due day), and the ``totals``."""
    actor = request_actor(request)
    return rollup(actor=actor, period=_period(period), region=subtree(actor=actor, region=region))


@router.get("/summary.xlsx", openapi_extra=xlsx_openapi("报送情况汇总 (.xlsx)"))
def summary_xlsx(request: HttpRequest, period: str = "", region: str = "") -> HttpResponse:
    """The roll-up as a workbook."""
    actor = request_actor(request)
    data = rollup(actor=actor, period=_period(period), region=subtree(actor=actor, region=region))
    return xlsx_response(exports.rollup_xlsx(data), f"{data['label']}统计分析表报送情况.xlsx", fallback="filings.xlsx")


@router.get("/{int:filing_id}", response=FilingOut)
def get_filing(request: HttpRequest, filing_id: int) -> Filing:
    filing = filing_get(actor=request_actor(request), filing_id=filing_id)
    if filing is None:
        raise NotFound("报送记录不存在")
    return filing


@router.get("/{int:filing_id}/scan")
def download_scan(request: HttpRequest, filing_id: int) -> FileResponse:
    """The signed scan, for users in scope only."""
    filing = filing_get(actor=request_actor(request), filing_id=filing_id)
    if filing is None or not filing.scan:
        raise NotFound("文件不存在")
    response = FileResponse(filing.scan.open("rb"), content_type=filing.scan_content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


def _firm(request: HttpRequest, credit_code: str) -> Enterprise:
    firm = enterprise_get(actor=request_actor(request), credit_code=credit_code.strip().upper())
    if firm is None:
        raise NotFound("企业不存在")
    return firm


@statistics_router.get("/{credit_code}/statistics", response=dict[str, Any])
def enterprise_statistics(request: HttpRequest, credit_code: str, period: str = "") -> dict[str, Any]:
    """The enterprise's hazard statistics for ``period`` (16号令 第十四条): by level, ``found``, ``rectified``,
    ``rectified_on_time``, ``open_at_end``, ``overdue_at_end``; major ``listed``, ``delisted``; ``funds``
    (yuan, or null) — with the period's dates, its due day and the filing if any."""
    firm = _firm(request, credit_code)
    when = _period(period)
    actor = request_actor(request)
    filing = filing_of(actor=actor, enterprise=firm, period=when)
    return {
        "enterprise": firm.credit_code,
        "period": when.key,
        "label": when.label,
        "start": when.start,
        "end": when.end,
        "due": when.due,
        "figures": statistics(actor=actor, enterprise=firm, period=when),
        "filing": filing.pk if filing else None,
    }


@statistics_router.get("/{credit_code}/statistics.xlsx", openapi_extra=xlsx_openapi("统计分析表 (.xlsx)"))
def enterprise_statistics_xlsx(request: HttpRequest, credit_code: str, period: str = "") -> HttpResponse:
    firm, when = _firm(request, credit_code), _period(period)
    data = exports.statistics_xlsx(firm, when, statistics(actor=request_actor(request), enterprise=firm, period=when))
    return xlsx_response(data, f"{firm.name}{when.label}隐患排查治理统计分析表.xlsx", fallback="statistics.xlsx")


@statistics_router.get("/{credit_code}/statistics.docx")
def enterprise_statistics_docx(request: HttpRequest, credit_code: str, period: str = "") -> HttpResponse:
    firm, when = _firm(request, credit_code), _period(period)
    data = exports.statistics_docx(firm, when, statistics(actor=request_actor(request), enterprise=firm, period=when))
    return exports.docx_response(
        data, f"{firm.name}{when.label}隐患排查治理统计分析表.docx", fallback="statistics.docx"
    )
