"""No body makes a 500 on the duty and pressure writes: whatever the JSON, the answer is 2xx, 403, 409 or 422."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben.duties.models import DutyList, Pressure

from .conftest import Duties, build_duties, item, leader_list, township_pressure

pytestmark = pytest.mark.django_db

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=60),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["2026-03-01", "2099-01-01", "500241100", "quarter", "urging_letter", "region", "department"]),
)
FIELDS = [
    "region", "year", "kind", "title", "leader", "leader_name", "leader_post", "department", "filed_on",
    "number", "text", "due_on", "due_text", "period", "done_on", "target_kind", "target", "reason", "on",
    "follow_up_due", "task_id", "issuer_region", "result",
]  # fmt: skip


@pytest.fixture
def world(db) -> tuple[Duties, dict[str, int]]:
    duties = build_duties()
    duty_list = leader_list(duties)
    keys = {"list": duty_list.pk, "item": item(duties, duty_list).pk, "pressure": township_pressure(duties).pk}
    return duties, keys


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.one_of(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8), st.lists(st.integers()), st.text())
)
def test_no_payload_makes_a_500(world, payload) -> None:
    duties, keys = world
    lists, pressures = DutyList.objects.count(), Pressure.objects.count()
    paths = (
        "/api/v1/duty-lists",
        f"/api/v1/duty-lists/{keys['list']}/items",
        f"/api/v1/duty-items/{keys['item']}/entries",
        "/api/v1/pressures",
        f"/api/v1/pressures/{keys['pressure']}/follow-up",
    )
    for who in ("office", "admin"):
        client = duties.client(who)
        for path in paths:
            r = client.post(path, json.dumps(payload), content_type="application/json")
            assert r.status_code < 500, (path, payload, r.content)
            assert r.status_code in (200, 201, 403, 409, 422), (path, payload, r.status_code, r.content)
    assert DutyList.objects.count() >= lists and Pressure.objects.count() >= pressures
