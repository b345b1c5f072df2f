"""One inspection end to end through the API, as a county's 应急管理局 works it: a 双随机 draw over the county →
an inspection from a pick with two certified officers and an expert → checklist results → two findings (a major
one citing the failed clause) → 责令限期整改 → every document as a .docx naming the certificate numbers → the
enterprise sees the inspection and its order to fulfil → a failed re-inspection proposes a penalty → the penalty,
linked to a tip, becomes the tip's fine → the enforcement statistics count it all and the tallies agree with a
recount → the order, once re-inspected, takes no second re-inspection."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import docx
import pytest

from zhiben.common import dates
from zhiben.hazards.models import Hazard
from zhiben.inspections.models import Order, Penalty, Reinspection
from zhiben.inspections.selectors.stats import tally_drift
from zhiben.tests_support import factories
from zhiben.tips.inputs import TipReport
from zhiben.tips.services import tip_submit

from . import factories_inspections as f

pytestmark = pytest.mark.django_db
COUNTY = "500241"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:800]
    return response.json()


def docx_text(response: Any) -> str:
    """The text of a .docx answer (paragraphs and table cells): python-docx must open it."""
    assert response.status_code == 200, response.content[:400]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_an_inspection_from_a_draw_to_the_penalty_and_the_statistics(officer, firm, firm_user, tip_handler, api_as):
    today = dates.today()
    unit = f.unit()
    f.member(officer, unit)
    officers = [f.officer(unit, name="张执法", user=officer), f.officer(unit, name="李执法"), f.officer(unit)]
    expert = f.expert(COUNTY, officer, name="王专家")
    factories.enterprise(region=COUNTY, sector="hazardous_chemicals", name="秀山县另一化工有限公司")
    api, firm_api = api_as(officer), api_as(firm_user)

    # a draw over the county: every enterprise of the pool picked, each with two officers; published
    draw = ok(api.post("/api/v1/draws", {"region": COUNTY, "enterprises": 2, "inspectors": 2, "seed": "flow"}), 201)
    ok(api.post(f"/api/v1/draws/{draw['id']}/publish"))
    (pick,) = [p for p in draw["picks"] if p["enterprise"] == firm.credit_code]
    assert len(pick["inspectors"]) == 2 and set(pick["inspectors"]) <= {o.certificate_no for o in officers}
    assert ok(api_as(None).post("/api/v1/draws/verify", {"id": draw["id"]}))["verified"] is True

    # the inspection from the pick: its two officers (by certificate number) and the expert
    team = [{"officer": c} for c in pick["inspectors"]] + [{"expert": expert.pk}]
    body = {"enterprise": firm.credit_code, "kind": "random", "draw": draw["id"], "on": str(today), "team": team}
    visit = ok(api.post("/api/v1/inspections", {**body, "flags": ["unannounced"]}), 201)
    iid = visit["id"]
    assert visit["kind"] == "random" and visit["certified_officers"] == 2 and visit["issue_refusal"] in ("", None)
    assert sorted(m["certificate_no"] for m in visit["team"] if m["role"] != "expert") == sorted(pick["inspectors"])
    assert [m["name"] for m in visit["team"] if m["role"] == "expert"] == ["王专家"]

    # the checklist: the first clause fails, the rest pass
    clauses = [i for i in visit["items"] if i["criterion"]]
    failed = clauses[0]
    results = [{"id": i["id"], "result": "fail" if i["id"] == failed["id"] else "pass"} for i in visit["items"]]
    ok(api.post(f"/api/v1/inspections/{iid}/items", {"items": results}))

    # two findings: a major one citing the failed clause, a general one
    deadline = today + datetime.timedelta(days=20)
    major = ok(api.post(f"/api/v1/inspections/{iid}/findings", {"item": failed["id"], "level": "major"}), 201)
    general = ok(api.post(f"/api/v1/inspections/{iid}/findings", {"title": "灭火器过期", "level": "general"}), 201)
    major_id, general_id = major["findings"][0]["hazard"], general["findings"][0]["hazard"]
    assert Hazard.objects.get(pk=major_id).criterion_id == failed["criterion"]
    assert {h.source for h in Hazard.objects.filter(pk__in=[major_id, general_id])} == {"inspection"}

    # 责令限期整改: the ordered deadline becomes both findings'
    order = ok(api.post(f"/api/v1/inspections/{iid}/orders", {"kind": "rectify", "deadline": str(deadline)}), 201)
    assert {h["id"] for h in order["hazards"]} == {major_id, general_id}
    assert set(Hazard.objects.filter(pk__in=[major_id, general_id]).values_list("deadline", flat=True)) == {deadline}

    # the documents: valid .docx files naming the officers' certificate numbers
    for kind in ("inspection_record", "rectify_order"):
        text = docx_text(api.client.get(f"/api/v1/inspections/{iid}/documents/{kind}", headers=api.headers))
        for certificate in pick["inspectors"]:
            assert certificate in text, (kind, certificate)

    # the enterprise sees the inspection and the order it must fulfil
    assert ok(firm_api.get(f"/api/v1/inspections/{iid}"))["id"] == iid
    assert ok(firm_api.get(f"/api/v1/orders/{order['id']}"))["deadline"] == str(deadline)
    todo = ok(firm_api.get("/api/v1/todo"))["items"]
    assert any(t["kind"] == "order_to_fulfil" and str(t["id"]) == str(order["id"]) for t in todo), todo

    # a failed re-inspection: the penalty is proposed
    verdict = {"on": str(today), "passed": False, "verdict": "报警器仍未修复"}
    failed_order = ok(api.post(f"/api/v1/orders/{order['id']}/reinspections", verdict), 201)
    assert failed_order["status"] == "failed"
    todo = ok(api.get("/api/v1/todo"))["items"]
    assert any(t["kind"] == "order_penalty_proposed" for t in todo), todo
    opinion = api.client.get(f"/api/v1/inspections/{iid}/documents/reinspection_opinion", headers=api.headers)
    assert "报警器仍未修复" in docx_text(opinion)

    # the penalty from the inspection, for the major finding, linked to a tip: the tip's fine follows
    report = {"region": COUNTY, "category": "violation", "description": "清溪化工罐区可燃气体报警器长期失效"}
    tip, _ = tip_submit(
        report=TipReport.model_validate({**report, "reporter": {"name": "赵六", "phone": "13900139000"}})
    )
    fine = {"amount": "50000.00", "basis": "安全生产法 第一百零二条", "decided_on": str(today), "hazard": major_id}
    penalty = ok(api.post(f"/api/v1/inspections/{iid}/penalties", {**fine, "tip": tip.pk}), 201)
    assert penalty["major_hazard"] is True and Decimal(penalty["amount"]) == Decimal("50000")
    tip.refresh_from_db()
    assert tip.fine == Decimal("50000.00")
    decision = api.client.get(f"/api/v1/penalties/{penalty['id']}/documents/penalty_decision", headers=api.headers)
    assert "50000" in docx_text(decision).replace(",", "")
    todo = ok(api.get("/api/v1/todo"))["items"]
    assert not any(t["kind"] == "order_penalty_proposed" for t in todo), todo

    # the statistics count it all, and the tallies agree with the records
    stats = ok(api.get("/api/v1/stats/enforcement", {"region": COUNTY}))["totals"]
    assert (stats["inspections"], stats["unannounced"], stats["with_experts"]) == (1, 1, 1)
    assert (stats["findings"], stats["major_findings"], stats["penalties"]) == (2, 1, 1)
    assert Decimal(stats["penalty_amount"]) == Decimal("50000") and stats["zero_penalty"] is False
    assert tally_drift() == []

    # the order is re-inspected once: a later passed re-inspection is refused and changes nothing
    again = api.post(f"/api/v1/orders/{order['id']}/reinspections", {**verdict, "passed": True, "verdict": "已整改"})
    assert again.status_code == 409, again.content
    assert Reinspection.objects.filter(order_id=order["id"]).count() == 1
    assert Order.objects.get(pk=order["id"]).status == "failed"
    assert Penalty.objects.count() == 1
    assert not Hazard.objects.filter(pk__in=[major_id, general_id], status="closed").exists()
