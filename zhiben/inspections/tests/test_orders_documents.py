"""The enforcement documents of an inspection (现场检查记录, 责令限期整改指令书, 现场处理措施决定书, 整改复查意见书) and
the penalty decision (行政处罚决定书) on the documents engine: numbered per enforcement unit and year, real .docx
files that name the team with its certificate numbers, refused with the reason while the team cannot issue them."""

from __future__ import annotations

import datetime
import io
import urllib.parse
from typing import Any

import docx
import pytest
from django.test import Client

from zhiben.common import dates, kit
from zhiben.departments.models import DepartmentKind
from zhiben.documents.models import IssuedDocument, NumberSequence
from zhiben.documents.services import document_entries, document_get
from zhiben.hazards import rules as hazard_rules
from zhiben.inspections import document_data
from zhiben.inspections.declarations.orders_parts import PENALTY_DOCUMENTS
from zhiben.inspections.models import CheckResult, InspectionFlag, Penalty, PenaltyKind
from zhiben.inspections.selectors import penalties_visible

from . import factories_orders as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 10)
INSPECTED = datetime.date(2025, 6, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    monkeypatch.setattr(hazard_rules, "today", lambda: TODAY)
    return TODAY


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:600]
    return response


def text_of(content: bytes) -> str:
    """Every paragraph and table cell of the .docx, read back with python-docx."""
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def name_of(response: Any) -> str:
    return urllib.parse.unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])


def visited(officer: Any, firm: Any, unit: Any, **over: Any) -> Any:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=unit, experts=1, **over)
    f.finding(inspection, officer, title="安全出口堵塞", item_text="安全出口保持畅通", location="二号仓库")
    return inspection


def rectify(api: Any, inspection_id: int, **over: Any) -> Any:
    body = {"kind": "rectify", "deadline": "2025-06-30", "issued_on": "2025-06-03", **over}
    return ok(api.post(f"/api/v1/inspections/{inspection_id}/orders", body), 201).json()


def document(api: Any, inspection_id: int, kind: str) -> Any:
    return api.get(f"/api/v1/inspections/{inspection_id}/documents/{kind}")


# ------------------------------------------------------------------------------------------ numbers
def test_numbers_run_per_unit_and_year(api_as, officer, firm) -> None:
    emergency = f.department()
    housing = f.department(kind=DepartmentKind.HOUSING)
    api = api_as(officer)
    first, second = visited(officer, firm, emergency), visited(officer, firm, emergency)
    built = visited(officer, firm, housing)
    for inspection in (first, second, built):
        rectify(api, inspection.pk)
    names = [name_of(ok(document(api, i.pk, "rectify_order"))) for i in (first, second, built)]
    assert names == [
        "责令限期整改指令书（秀山应急责改〔2025〕1号）.docx",
        "责令限期整改指令书（秀山应急责改〔2025〕2号）.docx",
        "责令限期整改指令书（秀山住建责改〔2025〕1号）.docx",
    ]
    # each word its own sequence: the first inspection record of the unit is number 1 too
    assert "秀山应急检记〔2025〕1号" in name_of(ok(document(api, first.pk, "inspection_record")))
    # downloading again keeps the number
    assert name_of(ok(document(api, first.pk, "rectify_order"))) == names[0]
    assert IssuedDocument.objects.count() == 4 and NumberSequence.objects.count() == 3


def test_a_new_year_starts_the_sequence_again(api_as, officer, firm, monkeypatch) -> None:
    unit = f.department()
    api = api_as(officer)
    first = visited(officer, firm, unit)
    rectify(api, first.pk)
    assert "〔2025〕1号" in name_of(ok(document(api, first.pk, "rectify_order")))
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 1, 5))
    later = f.inspection(officer, firm, on=datetime.date(2026, 1, 4), unit=unit)
    f.finding(later, officer)
    rectify(api, later.pk, deadline="2026-01-20", issued_on="2026-01-04")
    assert "秀山应急责改〔2026〕1号" in name_of(ok(document(api, later.pk, "rectify_order")))
    assert "〔2025〕1号" in name_of(ok(document(api, first.pk, "rectify_order")))


# ------------------------------------------------------------------------------------------ contents
def test_the_inspection_record_names_the_team_with_its_certificates(api_as, officer, firm) -> None:
    unit = f.department()
    inspection = visited(
        officer,
        firm,
        unit,
        flags=(InspectionFlag.UNANNOUNCED,),
        acknowledged_by="陈建国",
        place="清溪场镇工业园二号仓库",
    )
    f.checklist(inspection, ("消防设施完好", CheckResult.PASS), ("有限空间作业审批", CheckResult.NA))
    content = ok(document(api_as(officer), inspection.pk, "inspection_record")).content
    words = text_of(content)
    for member in inspection.team.all():
        assert member.name in words
        if member.certificate_no:
            assert member.certificate_no in words
    for expected in (
        "现场检查记录",
        "四不两直",
        "安全出口堵塞",
        "安全出口保持畅通",
        "不符合",
        "不适用",
        "陈建国",
        "专家1",
    ):
        assert expected in words, expected
    assert "2025年6月2日" in words  # dated by the inspection
    assert "秀山土家族苗族自治县应急管理局" in words


def test_a_refused_signature_is_written_as_refused(api_as, officer, firm) -> None:
    inspection = visited(officer, firm, f.department(), acknowledgement_refused=True)
    words = text_of(ok(document(api_as(officer), inspection.pk, "inspection_record")).content)
    assert "拒绝签字" in words


def test_the_orders_and_the_opinion_say_what_they_must(api_as, officer, firm) -> None:
    inspection = visited(officer, firm, f.department())
    api = api_as(officer)
    order = rectify(api, inspection.pk)
    measures = {"kind": "measures", "measures": ["停止作业", "查封"], "issued_on": "2025-06-03"}
    ok(api.post(f"/api/v1/inspections/{inspection.pk}/orders", measures), 201)
    # the opinion waits for a re-inspection
    refused = document(api, inspection.pk, "reinspection_opinion")
    assert refused.status_code == 409 and "尚未复查" in refused.json()["detail"]
    words = text_of(ok(document(api, inspection.pk, "rectify_order")).content)
    for expected in (
        "责令限期整改指令书",
        "安全出口堵塞",
        "2025年6月30日前整改完毕",
        "第六十五条",
        "六十日内",
        "六个月内",
    ):
        assert expected in words, expected
    assert "2025年6月3日" in words  # dated by the order
    words = text_of(ok(document(api, inspection.pk, "measures_order")).content)
    for expected in ("现场处理措施决定书", "1. 停止作业", "2. 查封", "第（四）项", "经审查同意"):
        assert expected in words, expected
    body = {"on": "2025-06-09", "passed": False, "verdict": "安全出口仍被货物堵塞", "daily_penalty_from": "2025-06-04"}
    ok(api.post(f"/api/v1/orders/{order['id']}/reinspections", body), 201)
    words = text_of(ok(document(api, inspection.pk, "reinspection_opinion")).content)
    for expected in ("整改复查意见书", "秀山应急责改〔2025〕1号", "安全出口仍被货物堵塞", "未整改到位", "复查不合格"):
        assert expected in words, expected
    assert "2025年6月4日起" in words and "第一百一十二条" in words


def test_documents_are_refused_with_the_reason_while_the_team_cannot_issue(api_as, officer, firm) -> None:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=f.department(), officers=1, experts=1)
    register = kit.get("inspection")
    entries = document_entries(register=register, subject=inspection, actor=officer)
    assert [e.kind for e in entries] == ["inspection_record", "rectify_order", "measures_order", "reinspection_opinion"]
    assert not any(e.available for e in entries)
    r = document(api_as(officer), inspection.pk, "inspection_record")
    assert r.status_code == 409 and "持证执法人员不足2人（现有1人）" in r.json()["detail"]
    assert not IssuedDocument.objects.exists()


def test_the_enterprise_downloads_only_what_was_issued(api_as, officer, firm_user, firm) -> None:
    inspection = visited(officer, firm, f.department())
    rectify(api_as(officer), inspection.pk)
    firm_api = api_as(firm_user)
    assert document(firm_api, inspection.pk, "rectify_order").status_code == 409
    ok(document(api_as(officer), inspection.pk, "rectify_order"))
    assert "责改〔2025〕1号" in name_of(ok(document(firm_api, inspection.pk, "rectify_order")))


def test_outsiders_get_404_for_the_documents(api_as, officer, outsider, firm) -> None:
    inspection = visited(officer, firm, f.department())
    assert api_as(outsider).get(f"/api/v1/inspections/{inspection.pk}/documents").status_code == 404
    assert document(api_as(outsider), inspection.pk, "inspection_record").status_code == 404


def test_the_page_link_serves_the_document(officer, firm) -> None:
    inspection = visited(officer, firm, f.department())
    client = Client()
    client.force_login(officer)
    r = client.get(f"/documents/inspections/{inspection.pk}/inspection_record/")
    assert r.status_code == 200 and "现场检查记录" in name_of(r)


# ------------------------------------------------------------------------------------------ the penalty decision
# The penalty register is the penalties area's; its documents are PENALTY_DOCUMENTS, served here through a
# register declared for the test only (the same spec, the same engine).
PENALTY = kit.Register(
    name="penalty",
    label="行政处罚",
    path="penalties",
    app_label="inspections",
    get_scoped=kit.scoped_get(lambda actor, key: penalties_visible(actor).filter(pk=key).first(), "处罚不存在"),
    events=kit.EventCatalogue(()),
    documents=PENALTY_DOCUMENTS,
)


def penalty(officer: Any, firm: Any, **over: Any) -> Penalty:
    fields: dict[str, Any] = {
        "enterprise": firm,
        "region_id": firm.region_id,
        "sector_id": firm.sector_id,
        "department": f.department(),
        "decided_on": datetime.date(2025, 6, 8),
        "amount": 30000,
        "basis": "《中华人民共和国安全生产法》第一百零二条",
        "facts": "经复查，你单位未在责令期限内消除安全出口堵塞的事故隐患。",
        "person": "陈建国",
        "person_post": "总经理",
        "person_amount": 5000,
        "created_by": officer,
        **over,
    }
    return Penalty.objects.create(**fields)


def test_the_penalty_decision_states_amount_basis_and_rights(officer, firm) -> None:
    firm.address = "清溪场镇工业园"
    firm.save(update_fields=["address"])
    decided = penalty(officer, firm)
    rendered = document_get(register=PENALTY, subject=decided, kind="penalty_decision", actor=officer)
    assert rendered.record.number == "秀山应急罚〔2025〕1号"
    words = text_of(rendered.content)
    for expected in (
        "行政处罚决定书",
        firm.name,
        "清溪场镇工业园",
        "陈建国",
        "第一百零二条",
        "30,000.00元",
        "5,000.00元",
        "十五日内",
        "百分之三",
        "六十日内",
        "秀山土家族苗族自治县人民政府",
        "六个月内",
        "2025年6月8日",
    ):
        assert expected in words, expected


def test_a_warning_has_no_payment_and_a_penalty_without_a_unit_is_refused(officer, firm) -> None:
    warned = penalty(officer, firm, kind=PenaltyKind.WARNING, amount=0, person="", person_amount=0)
    words = text_of(document_get(register=PENALTY, subject=warned, kind="penalty_decision", actor=officer).content)
    assert "1. 警告" in words and "十五日内" not in words
    nowhere = penalty(officer, firm, department=None)
    assert document_data.penalty_refusal(nowhere) == "未登记作出处罚决定的执法单位，不能出具行政处罚决定书"


def test_a_penalty_at_an_inspection_follows_its_teams_rule(officer, firm) -> None:
    inspection = f.inspection(officer, firm, on=INSPECTED, unit=f.department(), officers=1)
    decided = penalty(officer, firm, inspection=inspection)
    assert "持证执法人员不足2人" in (document_data.penalty_refusal(decided) or "")


def test_every_enforcement_document_has_its_template() -> None:
    register = kit.get("inspection")
    for spec in (*register.documents, *PENALTY_DOCUMENTS):
        from zhiben.documents.rendering import template_path

        assert template_path(register, spec).is_file(), spec.template
