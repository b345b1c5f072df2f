"""Typed inputs: bad values are refused in Chinese naming the field, never a 500, never stored."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client

from zhiben.accidents.inputs import AccidentReport
from zhiben.common.errors import FieldErrors
from zhiben.common.inputs import openapi_body, parse
from zhiben.hazards.inputs import HazardReport
from zhiben.tests_support import factories
from zhiben.tips.inputs import TipReport, TipVerification

pytestmark = pytest.mark.django_db


def refused(model, data, field):
    with pytest.raises(FieldErrors) as caught:
        parse(model, data)
    return caught.value.errors[field]


@pytest.mark.parametrize("value", [["a"], {"a": 1}, True, "a\x00b"])
def test_a_text_field_takes_text_only(value) -> None:
    message = refused(HazardReport, {"title": value}, "title")
    assert message.startswith("隐患名称") and ("文本" in message or "NUL" in message)


@pytest.mark.parametrize("value", ["²", "--5", "1e3", "五"])
def test_a_count_of_people_is_a_plain_whole_number(value) -> None:
    assert refused(AccidentReport, {"deaths": value}, "deaths") == "死亡人数应为整数"


@pytest.mark.parametrize("value", [True, False, "1.5", -1, "x"])
def test_a_record_number_is_never_a_yes_or_no(value) -> None:
    assert refused(TipVerification, {"outcome": "confirmed", "hazard": value}, "hazard") == "隐患编号应为编号（整数）"


def test_choices_and_dates_are_refused_in_chinese() -> None:
    assert "属实" in refused(TipVerification, {"outcome": "bogus"}, "outcome")
    wrong = refused(TipVerification, {"outcome": "confirmed", "deadline": 1.5}, "deadline")
    assert wrong == "整改期限应为日期（如 2024-03-01）"


def test_the_openapi_body_lists_required_fields_and_has_no_dangling_references() -> None:
    schema = openapi_body(TipReport)["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" not in json.dumps(schema) and "name" in schema["properties"]["reporter"]["anyOf"][0]["properties"]
    hazard = HazardReport.model_json_schema()
    assert {"enterprise", "title", "level", "source", "discovered_on"} <= set(hazard["required"])


def test_a_body_that_is_not_json_is_422_in_chinese_on_every_create() -> None:
    officer = factories.user("inputs1", role="officer", region="500241")
    client = Client()
    client.force_login(officer)
    for path in ("/api/v1/hazards", "/api/v1/accidents", "/api/v1/enterprises"):
        r = client.post(path, data='{"a":', content_type="application/json")
        assert r.status_code == 422 and r.json()["errors"] == {"body": "JSON 格式错误"}, (path, r.content)
        r = client.post(path, data="[1]", content_type="application/json")
        assert r.status_code == 422 and "body" in r.json()["errors"], (path, r.content)


def test_a_new_hazards_date_is_checked_against_the_beijing_day() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert refused(HazardReport, {"discovered_on": tomorrow.isoformat()}, "discovered_on") == "发现日期不能晚于今天"
