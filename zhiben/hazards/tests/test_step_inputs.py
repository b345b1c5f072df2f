"""The steps' typed inputs (inputs.py: HazardPlan … HazardDualReport): a bad value is refused in Chinese naming
its field, through the API (422) and on the detail page (the form's error), and nothing is saved."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.audit.models import Event
from zhiben.common.errors import FieldErrors
from zhiben.common.inputs import openapi_body, parse
from zhiben.common.validators import visible
from zhiben.hazards import rules
from zhiben.hazards.inputs import (
    MAX_EVIDENCE,
    HazardCancellation,
    HazardDualReport,
    HazardPlan,
    HazardReviewDecision,
    HazardSubmission,
    HazardSupervision,
)
from zhiben.hazards.models import Hazard

from .conftest import evidence, new_hazard, planned

pytestmark = pytest.mark.django_db

PLAN = {"responsible_person": "陈建国", "measures": "更换报警器", "deadline": "2025-06-30", "interim_measures": "停用"}
FUTURE = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()


def unchanged(hazard: Hazard) -> tuple[Any, int]:
    return Hazard.objects.filter(pk=hazard.pk).values().get(), Event.objects.count()


def post_json(user, path: str, body: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("step", "body", "field", "message"),
    [
        ("plan", {**PLAN, "responsible_person": "陈" * 61}, "responsible_person", "整改责任人不能超过60个字符"),
        ("plan", {**PLAN, "measures": "  "}, "measures", "请填写整改措施"),
        ("plan", {**PLAN, "funds": "-1"}, "funds", "整改资金应在0至"),
        ("plan", {**PLAN, "deadline": "明天"}, "deadline", "整改期限应为日期"),
        ("submit", {"summary": ""}, "summary", "请填写整改情况说明"),
        ("submit", {"summary": "已整改", "attachments": [True]}, "attachments", "佐证材料应为文件编号"),
        ("submit", {"summary": "已整改", "attachments": "1"}, "attachments", "佐证材料应为文件编号的列表"),
        ("review", {"decision": "reject"}, "comment", "退回整改须写明原因"),
        ("review", {"decision": "maybe"}, "decision", "审核结论取值不正确"),
        ("review", {"comment": "同意"}, "decision", "请选择审核结论"),
        ("cancel", {"reason": ""}, "reason", "请填写撤销原因"),
        ("cancel", {"reason": "误" * 401}, "reason", "撤销原因不能超过400个字符"),
        ("supervise", {"level": "town"}, "level", "督办级别取值不正确"),
        ("supervise", {"level": "county", "notice_no": "号" * 61}, "notice_no", "督办文号不能超过60个字符"),
        ("supervise", {"level": "county", "listed_on": FUTURE}, "listed_on", "挂牌日期不能晚于今天"),
        ("supervise", {"level": "county", "listed_on": "2020-01-01"}, "listed_on", "挂牌日期不能早于发现日期"),
        ("reports", {"to": "boss", "on": "2025-04-02"}, "to", "报告对象取值不正确"),
        ("reports", {"to": "regulator", "on": FUTURE}, "on", "报告日期不能晚于今天"),
        ("reports", {"to": "regulator"}, "on", "请填写报告日期"),
        ("cancel", {"reason": "误报", "why": "x"}, "why", "不支持的字段"),
        ("cancel", [1], "body", "请求体应为 JSON 对象"),
    ],
)
def test_the_api_refuses_a_bad_step_naming_the_field(officer, firm, step, body, field, message) -> None:
    hazard = new_hazard(officer, firm, source="inspection")
    before = unchanged(hazard)
    r = post_json(officer, f"/api/v1/hazards/{hazard.pk}/{step}", body)
    assert r.status_code == 422, r.content
    assert message in r.json()["errors"][field], r.json()
    assert unchanged(hazard) == before


def test_an_outsiders_bad_step_is_404_not_422(officer, outsider, firm) -> None:
    hazard = new_hazard(officer, firm, source="inspection")
    for step in ("plan", "submit", "review", "cancel", "supervise", "reports"):
        assert post_json(outsider, f"/api/v1/hazards/{hazard.pk}/{step}", {"bogus": True}).status_code == 404, step


def test_each_step_documents_its_body_in_openapi(api_as, officer) -> None:
    paths = api_as(officer).get("/api/v1/openapi.json").json()["paths"]
    for step, model in (
        ("plan", HazardPlan),
        ("submit", HazardSubmission),
        ("review", HazardReviewDecision),
        ("cancel", HazardCancellation),
        ("supervise", HazardSupervision),
        ("reports", HazardDualReport),
    ):
        body = paths[f"/api/v1/hazards/{{hazard_id}}/{step}"]["post"]["requestBody"]
        assert body == openapi_body(model)["requestBody"], step
    review = openapi_body(HazardReviewDecision)["requestBody"]["content"]["application/json"]["schema"]
    assert review["required"] == ["decision"] and review["properties"]["decision"]["enum"] == ["approve", "reject"]
    assert review["properties"]["decision"]["title"] == "审核结论"  # the field's label, not its enum's name


def _pending(firm_user) -> Hazard:
    hazard = new_hazard(firm_user, firm_user.enterprise)
    planned(firm_user, hazard)
    ids = [evidence(firm_user, hazard)]
    client = Client()
    client.force_login(firm_user)
    assert client.post(f"/hazards/{hazard.pk}/submit/", {"summary": "已整改", "attachments": ids}).status_code == 302
    return hazard


@pytest.mark.parametrize(
    ("step", "data", "field", "message"),
    [
        ("plan", {**PLAN, "funds": "200000000000"}, "funds", "整改资金应在0至"),
        ("plan", {**PLAN, "responsible_person": "陈" * 61}, "responsible_person", "60"),
        ("plan", {**PLAN, "deadline": "2024-01-01"}, "deadline", "整改期限不能早于发现日期"),  # the hazard's rule
        ("submit", {"summary": ""}, "summary", None),
        ("review", {"decision": "reject", "comment": " "}, "comment", "退回整改须写明原因"),
        ("cancel", {"reason": "误" * 401}, "reason", "400"),
        ("supervise", {"level": "town"}, "level", None),
        ("report", {"to": "regulator", "on": FUTURE}, "on", "报告日期不能晚于今天"),
    ],
)
def test_the_page_shows_a_bad_step_beside_its_field_and_saves_nothing(
    firm_user, officer, step, data, field, message
) -> None:
    if step == "review":
        hazard = _pending(firm_user)
    else:  # a general hazard: every other step is open to the officer on it
        hazard = new_hazard(officer, firm_user.enterprise, level="general", criterion="")
    before = unchanged(hazard)
    client = Client()
    client.force_login(officer)
    r = client.post(f"/hazards/{hazard.pk}/{step}/", data)
    assert r.status_code == 422, r.content.decode()[-1500:]
    errors = r.context["forms"][step].errors
    assert field in errors, errors
    if message is not None:
        assert message in errors[field][0]
    page = r.content.decode()
    assert errors[field][0] in page  # shown on the page, in Chinese
    # and said at the top, linked to the form (a phone opens the page at its top), which the post returns to
    assert f'<a href="#action-{step}">查看提示</a>' in page and "操作未完成" in page
    assert f'action="/hazards/{hazard.pk}/{step}/#action-{step}"' in page
    assert unchanged(hazard) == before


def test_the_page_forms_take_their_labels_and_limits_from_the_inputs() -> None:
    from django import forms

    from zhiben.hazards.forms import PlanForm, ReportForm, ReviewForm

    person, comment = PlanForm().fields["responsible_person"], ReviewForm().fields["comment"]
    assert isinstance(person, forms.CharField) and isinstance(comment, forms.CharField)
    assert person.label == "整改责任人" and person.max_length == 60 and person.required
    assert comment.max_length == 2000 and not comment.required
    assert not PlanForm().fields["interim_measures"].required and ReportForm().fields["on"].label == "报告日期"


# ----------------------------------------------------------------------------------------- the rules
days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))


@hsettings(max_examples=150, deadline=None)
@given(day=days)
def test_a_report_or_a_listing_is_never_dated_after_today(day: datetime.date) -> None:
    today = rules.today()
    for model, data, field, label in (
        (HazardDualReport, {"to": "regulator", "on": day.isoformat()}, "on", "报告日期"),
        (HazardSupervision, {"level": "city", "listed_on": day.isoformat()}, "listed_on", "挂牌日期"),
    ):
        if day <= today:
            assert getattr(parse(model, data), field) == day
        else:
            with pytest.raises(FieldErrors) as caught:
                parse(model, data)
            assert caught.value.errors == {field: f"{label}不能晚于今天"}


@hsettings(max_examples=200, deadline=None)
@given(decision=st.sampled_from(["approve", "reject", "通过，予以销号", "退回整改"]), comment=st.text(max_size=30))
def test_only_a_rejection_needs_its_reason(decision: str, comment: str) -> None:
    data = {"decision": decision, "comment": comment}
    rejecting = decision in ("reject", "退回整改")
    if "\x00" in comment:
        with pytest.raises(FieldErrors) as caught:
            parse(HazardReviewDecision, data)
        assert set(caught.value.errors) == {"comment"}
    elif rejecting and not visible(comment):  # blank: spaces and invisible characters (U+200B, U+00AD) only
        with pytest.raises(FieldErrors) as caught:
            parse(HazardReviewDecision, data)
        assert caught.value.errors == {"comment": "退回整改须写明原因"}
    else:
        review = parse(HazardReviewDecision, data)
        assert review.decision == ("reject" if rejecting else "approve") and review.comment == visible(comment)


@hsettings(max_examples=100, deadline=None)
@given(ids=st.lists(st.one_of(st.integers(0, 10**12), st.integers(0, 10**6).map(str)), max_size=MAX_EVIDENCE + 10))
def test_evidence_is_named_by_whole_numbers_at_most_fifty(ids: list[Any]) -> None:
    data = {"summary": "已整改", "attachments": ids}
    if len(ids) > MAX_EVIDENCE:
        with pytest.raises(FieldErrors) as caught:
            parse(HazardSubmission, data)
        assert caught.value.errors == {"attachments": f"佐证材料一次最多{MAX_EVIDENCE}个"}
    else:
        assert parse(HazardSubmission, data).attachments == [int(i) for i in ids]
