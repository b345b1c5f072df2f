"""The exchange page of an enterprise's dual-prevention data (issue 15): the national interface's JSON (whole or
since a time), the 风险分级管控清单 and 隐患排查记录台账 workbooks, and — for the enterprise's own staff and
admins — the uploads (the ledger through the import engine's page, the JSON document here). Out of scope: 404.

The paths are kept in ``interface_urls`` (included from ``zhiben/risks/urls.py``)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import Conflict, FieldErrors, NotFound
from zhiben.common.middleware import form_saved, page_field_labels
from zhiben.common.xlsx import content_disposition, xlsx_response
from zhiben.enterprises.models import Enterprise

from .. import interface as nat
from .. import rules
from ..ledgers import REGISTER_LEDGER, records_xlsx, register_xlsx
from ..selectors import enterprise_visible, may_edit
from ..selectors.interface import dual_prevention_tables, parse_instant
from ..services.interface import dual_prevention_import

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # a JSON document of a large enterprise's register fits well within this
# The page's fields, written in its template: their Chinese names for a refusal before the view.
page_field_labels("risks", {"since": "起始时间", "from": "起始日期", "to": "截止日期", "document": "JSON 文件"})


def _enterprise(request: HttpRequest, credit_code: str) -> Enterprise:
    try:
        return enterprise_visible(request_actor(request), credit_code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _period(request: HttpRequest) -> tuple[Any, Any, str]:
    """The ``from``/``to`` Beijing days of the records ledger (either may be blank), or an error in Chinese."""
    try:
        start = dates.parse_day(request.GET.get("from") or None, label="起始日期")
        end = dates.parse_day(request.GET.get("to") or None, label="截止日期")
    except ValueError as exc:
        return None, None, str(exc)
    if start and end and end < start:
        return None, None, "截止日期不能早于起始日期"
    return start, end, ""


_ROW = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")


def where(key: str) -> str:
    """An import error's place in words: ``riskMeasure[3].classify2`` → 管控措施 第 4 行 · 管控措施分类（classify2）;
    ``document`` → 文件."""
    if key == "document":
        return "文件"
    m = _ROW.match(key)
    if not m:
        return key
    table, row, field = m.group(1), int(m.group(2)), m.group(3)
    meaning = next((f.meaning for f in nat.FIELDS.get(table, ()) if f.name == field), "")
    label = f"{meaning}（{field}）" if meaning else field
    return f"{nat.TABLE_NAMES.get(table, table)} 第 {row + 1} 行 · {label}"


def _read_document(upload: Any) -> Any:
    if upload.size > MAX_DOCUMENT_BYTES:
        raise FieldErrors({"document": f"文件过大（上限 {MAX_DOCUMENT_BYTES // 1024 // 1024} MB）"})
    try:
        return json.loads(upload.read().decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise FieldErrors({"document": "不是有效的 JSON 文件（应为双重预防数据交换文档，UTF-8 编码）"}) from None


def _context(request: HttpRequest, firm: Enterprise) -> dict[str, Any]:
    return {
        "firm": firm,
        "editable": may_edit(request_actor(request), firm.pk),
        "ledger": REGISTER_LEDGER,
        "tables": [(t, nat.TABLE_NAMES[t]) for t in nat.TABLES],
        "errors": {},
        "result": None,
        "start": request.GET.get("from", ""),
        "end": request.GET.get("to", ""),
    }


@login_required
def exchange_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    """The page; ``POST`` (multipart ``document``: a .json file) imports the national interface's document."""
    actor = request_actor(request)
    firm = _enterprise(request, credit_code)
    context = _context(request, firm)
    editable = context["editable"]
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("双重预防数据由企业自行维护：只有本企业用户和管理员可以导入")
        upload = request.FILES.get("document")
        try:
            if upload is None:
                raise FieldErrors({"document": "请选择要导入的 JSON 文件"})
            result = dual_prevention_import(actor=actor, credit_code=firm.credit_code, document=_read_document(upload))
        except FieldErrors as exc:
            context["errors"], status = {where(key): message for key, message in exc.errors.items()}, 422
        except Conflict as exc:
            context["errors"], status = {"document": exc.message}, 409
        else:
            context["result"] = [(nat.TABLE_NAMES[t], counts) for t, counts in result["tables"].items()]
            context["grade"] = rules.GRADE_NAMES.get(result["grade"], "")
    response = render(request, "risks/interface_exchange.html", context, status=status)
    # an import done: the page shows its counts, and the form's kept draft (the chosen file) is forgotten
    return form_saved(response) if context["result"] is not None else response


@login_required
def document_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    """The national interface's document as a download (``?since=``: only the rows updated after that time), the
    same as ``GET /api/v1/enterprises/{credit_code}/dual-prevention.json``; a bad ``since`` shows the page again."""
    actor = request_actor(request)
    firm = _enterprise(request, credit_code)
    try:
        since = parse_instant(request.GET.get("since") or None, "since", "起始时间")
    except FieldErrors as exc:
        context = {**_context(request, firm), "errors": exc.errors}
        return render(request, "risks/interface_exchange.html", context, status=422)
    document = dual_prevention_tables(actor=actor, credit_code=firm.credit_code, since=since)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    stem = f"dual-prevention-{firm.credit_code}" + (f"-since-{since:%Y%m%d%H%M%S}" if since else "")
    response.headers["Content-Disposition"] = content_disposition(f"{stem}.json")
    return response


@login_required
def register_xlsx_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    """The enterprise's 风险分级管控清单 (.xlsx), in the columns its import takes back."""
    firm = _enterprise(request, credit_code)
    data = register_xlsx(actor=request_actor(request), enterprise=firm)
    return xlsx_response(data, f"{firm.name}风险分级管控清单.xlsx", fallback="risk-register.xlsx")


@login_required
def records_xlsx_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    """The enterprise's 隐患排查记录台账 (.xlsx) for ``?from=&to=`` (Beijing days; either may be left out)."""
    firm = _enterprise(request, credit_code)
    start, end, error = _period(request)
    if error:
        context = {**_context(request, firm), "errors": {"from": error}}
        return render(request, "risks/interface_exchange.html", context, status=422)
    data = records_xlsx(actor=request_actor(request), enterprise=firm, start=start, end=end)
    return xlsx_response(data, f"{firm.name}隐患排查记录台账.xlsx", fallback="check-records.xlsx")


interface_urls = [
    path("enterprises/<str:credit_code>/exchange/", exchange_view, name="exchange"),
    path("enterprises/<str:credit_code>/exchange/dual-prevention.json", document_view, name="exchange-json"),
    path("enterprises/<str:credit_code>/exchange/register.xlsx", register_xlsx_view, name="exchange-register-xlsx"),
    path("enterprises/<str:credit_code>/exchange/records.xlsx", records_xlsx_view, name="exchange-records-xlsx"),
]
