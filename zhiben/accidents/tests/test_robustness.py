"""No body or query makes a 500 on the accident endpoints and pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["500241", "2025-03-01T08:00:00+08:00", "2999-01-01", "1e400", "-0", "road_transport", "NaN"]),
    st.lists(st.integers(), max_size=2),
)
KEYS = st.sampled_from(
    [
        "region",
        "enterprise",
        "sector",
        "occurred_at",
        "reported_at",
        "deaths",
        "serious_injuries",
        "direct_loss",
        "description",
        "reported_on",
        "note",
        "extra",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.one_of(st.dictionaries(KEYS, VALUES, max_size=9), st.lists(st.integers(), max_size=2), st.text()))
def test_no_payload_makes_a_500(payload, admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    for path in ("/api/v1/accidents", "/api/v1/accidents/1/supplements"):
        r = client.post(path, data=json.dumps(payload), content_type="application/json")
        assert r.status_code < 500, (path, payload, r.content)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(["region", "grade", "year", "sector", "enterprise", "late_report", "limit", "offset", "page"]),
        st.text(max_size=20),
        max_size=5,
    )
)
def test_no_query_makes_a_500(params, admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    for path in ("/api/v1/accidents", "/accidents/"):
        r = client.get(path, params)
        assert r.status_code < 500, (path, params)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.dictionaries(KEYS, st.text(max_size=30), max_size=9))
def test_no_form_makes_a_500(form, officer) -> None:
    client = Client()
    client.force_login(officer)
    r = client.post("/accidents/new/", form)
    assert r.status_code in (200, 302, 422), r.status_code
