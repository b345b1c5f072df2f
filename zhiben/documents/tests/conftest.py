"""Records with documents, made through the API as a client would (the documents app reads registers only
through the register kit, and so do its tests)."""

from __future__ import annotations

import io
import json
import urllib.parse
import zipfile
from typing import Any

import docx
import pytest
from django.core.cache import cache
from django.test import Client

from zhiben.conftest import Api
from zhiben.tests_support import files

NAME, PHONE, ID_NUMBER = "王小明", "13800138000", "11010519491231002X"
TIP_TEXT = "清溪化工厂夜间偷偷在2号罐区动火作业，没有审批"


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:500]
    return response.json()


def new_hazard(api: Any, firm: Any, **over: Any) -> int:
    body = {
        "enterprise": firm.credit_code,
        "title": "反应釜区域可燃气体报警器失效",
        "level": "major",
        "source": "inspection",
        "discovered_on": "2025-03-01",
        "criterion": "SAWS121C-1",
        "location": "二车间反应釜区",
        **over,
    }
    return int(ok(api.post("/api/v1/hazards", body), 201)["id"])


def listed_hazard(api: Any, firm: Any, level: str = "county", **over: Any) -> int:
    hazard_id = new_hazard(api, firm, **over)
    ok(api.post(f"/api/v1/hazards/{hazard_id}/supervise", {"level": level, "deadline": "2025-09-30"}))
    return hazard_id


def closed_hazard(officer_api: Any, firm_user: Any, firm: Any) -> int:
    """A major hazard listed, planned and rectified by the enterprise, approved by the officer."""
    hazard_id = listed_hazard(officer_api, firm)
    plan = {
        "responsible_person": "陈建国",
        "measures": "更换可燃气体报警器并与紧急切断阀联锁",
        "funds": "12000",
        "deadline": "2025-06-30",
        "interim_measures": "停用该区域，专人值守",
    }
    firm_api = Api(firm_user)
    ok(firm_api.post(f"/api/v1/hazards/{hazard_id}/plan", plan))
    upload = Client().post(
        f"/api/v1/hazards/{hazard_id}/attachments",
        {"file": io.BytesIO(files.jpeg())},
        headers=firm_api.headers,
    )
    attachment = ok(upload, 201)["id"]
    summary = {"summary": "已更换报警器并完成联锁调试", "attachments": [attachment]}
    ok(firm_api.post(f"/api/v1/hazards/{hazard_id}/submit", summary))
    ok(officer_api.post(f"/api/v1/hazards/{hazard_id}/review", {"decision": "approve", "comment": "现场核查合格"}))
    return hazard_id


def submit_tip(handler_api: Any, **over: Any) -> tuple[int, str]:
    """A real-name tip (name, phone and ID number); returns its id and receipt."""
    body = {
        "region": "500241",
        "category": "violation",
        "description": TIP_TEXT,
        "enterprise_name": "秀山县清溪化工有限公司",
        "address": "清溪场镇工业园",
        "reporter": {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER},
        **over,
    }
    r = Client().post("/api/v1/tips", json.dumps(body), content_type="application/json")
    receipt = ok(r, 201)["receipt"]
    newest = ok(handler_api.get("/api/v1/tips"))["items"][0]  # the queue lists the newest first
    return int(newest["id"]), receipt


def verified_tip(handler_api: Any, **over: Any) -> tuple[int, str]:
    tip_id, receipt = submit_tip(handler_api, **over)
    ok(handler_api.post(f"/api/v1/tips/{tip_id}/verify", {"outcome": "confirmed", "fine": "50000"}))
    return tip_id, receipt


def document_text(content: bytes) -> str:
    """Every paragraph of the .docx, tables included, read back with python-docx."""
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def document_xml(content: bytes) -> str:
    """All the XML parts of the .docx, as one text (to scan for what must never be in it)."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels")))


def download_name(response: Any) -> str:
    """The Chinese file name from ``filename*=UTF-8''…``."""
    header = response["Content-Disposition"]
    return urllib.parse.unquote(header.split("filename*=UTF-8''", 1)[1])
