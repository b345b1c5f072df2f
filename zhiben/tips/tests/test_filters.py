"""The tip queue's one filter declaration: the API and the queue page select the same tips for the same
parameters, bad values are refused naming the parameter, and the API documents exactly the declared
filters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from zhiben.tests_support.filters import api_ids, api_parameters, page_error, page_rows
from zhiben.tips import rules
from zhiben.tips.filters import TipFilterSet
from zhiben.tips.inputs import TipReport
from zhiben.tips.models import Tip, TipReward
from zhiben.tips.services import tip_submit

pytestmark = pytest.mark.django_db

CASES: dict[str, list[str]] = {
    "region": ["500241", "500241100", "500241100000", "110105"],
    "status": ["accepted", "verified", "replied"],
    "category": ["major_hazard", "violation", "other"],
    "overdue": ["1", "0", "true", "false"],
    "claim_expired": ["1", "0"],
}
BAD: dict[str, str] = {
    "region": "5002410",
    "status": "lost",
    "category": "gossip",
    "overdue": "soon",
    "claim_expired": "maybe",
}


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def _tip(region: str, category: str = "major_hazard", **fields: Any) -> Tip:
    tip, _ = tip_submit(
        report=TipReport.model_validate(
            {"region": region, "category": category, "description": "无证经营危险化学品，夜间装卸"}
        )
    )
    if fields:
        Tip.objects.filter(pk=tip.pk).update(**fields)
    return tip


@pytest.fixture
def tips(township, tip_handler) -> dict[str, Any]:
    """Accepted and late; accepted at a township; verified and its reply late; replied; objected and its
    re-review late; a reward notified whose claim window has run out; and one elsewhere."""
    past = rules.today() - datetime.timedelta(days=3)
    made = {
        "late": _tip("500241", verification_due=past),
        "town": _tip(township, "violation"),
        "unreplied": _tip("500241", "other", status="verified", reply_due=past),
        "replied": _tip("500241", "violation", status="replied"),
        "objected": _tip("500241", "violation", status="objected", review_due=past),
        "unclaimed": _tip("500241", "violation", status="replied"),
        "far": _tip("110105"),
    }
    TipReward.objects.create(
        tip=made["unclaimed"],
        eligible=True,
        amount=3000,
        basis="罚款的15%",
        decided_on=past - datetime.timedelta(days=70),
        decided_by=tip_handler,
        notified_on=past - datetime.timedelta(days=60),
    )
    Tip.objects.filter(pk=made["unclaimed"].pk).update(claim_due=past)
    return made


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_every_filter_has_cases() -> None:
    assert set(CASES) == set(TipFilterSet.base_filters) == set(BAD)


def test_the_api_parameters_are_the_declared_filters() -> None:
    assert api_parameters("/api/v1/tips") == set(TipFilterSet.base_filters)


@pytest.mark.parametrize("name", sorted(CASES))
def test_api_and_queue_select_the_same_tips(name, tip_handler, tips) -> None:
    client = _client(tip_handler)
    seen = []
    for value in CASES[name]:
        params = {name: value}
        expected = api_ids(client, "/api/v1/tips", params)
        assert {t.pk for t in page_rows(client, "/tips/", params)} == expected, params
        seen.append(expected)
    everything = api_ids(client, "/api/v1/tips", {})
    assert tips["far"].pk not in everything
    assert any(s != everything for s in seen), f"{name} never narrows the list"


def test_the_filters_mean_what_they_say(tip_handler, tips) -> None:
    client = _client(tip_handler)
    t = {k: v.pk for k, v in tips.items()}

    def ids(**params: str) -> set[int]:
        return api_ids(client, "/api/v1/tips", params)

    assert ids(region="500241100000") == {t["town"]}
    # overdue: verification, the reply (10 days) or the re-review of an objection (30 days, 应急〔2023〕106号)
    assert ids(overdue="true") == {t["late"], t["unreplied"], t["objected"]}
    assert ids(overdue="0") == {t["town"], t["replied"], t["unclaimed"]}
    assert ids(claim_expired="1") == {t["unclaimed"]}
    assert t["unclaimed"] not in ids(claim_expired="0")
    assert ids(status="accepted", category="major_hazard") == {t["late"]}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_is_refused_naming_the_parameter(name, tip_handler, tips) -> None:
    client = _client(tip_handler)
    params = {name: BAD[name]}
    r = client.get("/api/v1/tips", params)
    assert r.status_code == 422, (params, r.content[:300])
    assert list(r.json()["errors"]) == [name]
    label = str(TipFilterSet.base_filters[name].label)
    assert page_error(client, "/tips/", params)[0].startswith(f"{label}：")


def test_the_queue_shows_the_most_pressing_deadline_first_when_asked_for_late_tips(tip_handler, tips) -> None:
    rows = page_rows(_client(tip_handler), "/tips/", {"overdue": "1"})
    # by verification deadline (then by id)
    assert [r.pk for r in rows] == [tips["late"].pk, tips["unreplied"].pk, tips["objected"].pk]
