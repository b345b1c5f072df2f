"""``/api/v1/enterprises/{credit_code}/dual-prevention.json`` — the national dual-prevention interface (DESIGN.md §6,
issue 15): ``GET`` the six tables in the interface's field names and codes (``?since=`` for the rows updated
after a time), ``POST`` the same shape to import units, events, measures and check tasks. Out of scope: 404; in
scope but not the enterprise's own staff (nor an admin), an import answers 403."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from zhiben.accounts.request import request_actor
from zhiben.common.inputs import json_body

from ..selectors import enterprise_visible
from ..selectors.interface import dual_prevention_tables, parse_instant
from ..services.interface import dual_prevention_import

router = Router(tags=["dual-prevention"])

_DOCUMENT = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": (
                        "双重预防数据交换文档：riskUnit、riskEvent、riskMeasure、checkTask"
                        "（checkRecord、hazard 不导入）"
                    ),
                    "additionalProperties": True,
                }
            }
        },
        "required": True,
    }
}


@router.get("/{credit_code}/dual-prevention.json", response=dict[str, Any])
def dual_prevention_get(request: HttpRequest, credit_code: str, since: str = "") -> dict[str, Any]:
    """The enterprise's six tables (风险分析单元 · 风险事件 · 风险管控措施 · 隐患排查任务 · 隐患排查记录 · 隐患信息)
    in the national interface's fields (docs/dual-prevention-interface.md). ``since`` (``yyyy-MM-dd HH:mm:ss``
    Beijing time, or ISO 8601): only the rows updated after it, deleted ones with ``deleted`` "1"."""
    actor = request_actor(request)
    enterprise_visible(actor, credit_code)  # scope first: a bad ``since`` answers 422 only to those who may see
    moment = parse_instant(since, "since", "起始时间") if since else None
    return dual_prevention_tables(actor=actor, credit_code=credit_code, since=moment)


@router.post("/{credit_code}/dual-prevention.json", response=dict[str, Any], openapi_extra=_DOCUMENT)
def dual_prevention_post(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    """Import the same shape (all rows or none): units, events, measures and check tasks upserted by their
    ``id``; ``deleted`` "1" deletes. Answers per table ``created``, ``updated``, ``deleted``, ``skipped`` (check
    records and hazards: ``not_imported``). Bad rows: 422 keyed ``table[index].field``."""
    actor = request_actor(request)
    enterprise_visible(actor, credit_code)  # scope before the body: a bad body must not tell an outsider anything
    return dual_prevention_import(actor=actor, credit_code=credit_code, document=json_body(request))
