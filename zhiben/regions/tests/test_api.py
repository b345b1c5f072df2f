"""/api/v1/regions."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_without_parent_it_lists_the_provinces(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/regions", {"limit": 100})
    assert r.status_code == 200
    codes = {row["code"] for row in r.json()["items"]}
    assert {"11", "50", "65"} <= codes
    assert all(len(c) == 2 for c in codes)


def test_parent_is_accepted_in_padded_form_and_answered_short(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/regions", {"parent": "654300", "limit": 100})
    assert r.status_code == 200
    assert "654326" in {row["code"] for row in r.json()["items"]}
    assert all(row["parent"] == "6543" for row in r.json()["items"])


def test_a_bad_parent_is_refused_naming_the_field(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/regions", {"parent": "65x"})
    assert r.status_code == 422
    assert "parent" in r.json()["errors"]


def test_admin_adds_a_township_under_a_county(api_as, admin_user) -> None:
    r = api_as(admin_user).post("/api/v1/regions", {"code": "500241101000", "name": "隘口镇", "parent": "500241"})
    assert r.status_code == 201, r.content
    assert r.json()["code"] == "500241101"
    assert r.json()["level"] == 4
    again = api_as(admin_user).post("/api/v1/regions", {"code": "500241101", "name": "隘口镇", "parent": "500241"})
    assert again.status_code == 409


def test_a_township_code_must_extend_its_county(api_as, admin_user) -> None:
    r = api_as(admin_user).post("/api/v1/regions", {"code": "500242101", "name": "某镇", "parent": "500241"})
    assert r.status_code == 422
    assert "code" in r.json()["errors"]


def test_a_township_must_sit_under_a_county(api_as, admin_user) -> None:
    r = api_as(admin_user).post("/api/v1/regions", {"code": "500100101", "name": "某镇", "parent": "5001"})
    assert r.status_code == 422
    assert "parent" in r.json()["errors"]


def test_a_county_less_prefecture_takes_townships(api_as, admin_user) -> None:
    r = api_as(admin_user).post("/api/v1/regions", {"code": "441900101", "name": "石碣镇", "parent": "441900"})
    assert r.status_code == 201, r.content


def test_only_admins_add_regions(api_as, officer) -> None:
    r = api_as(officer).post("/api/v1/regions", {"code": "500241101", "name": "隘口镇", "parent": "500241"})
    assert r.status_code == 403


def test_one_region_by_code(api_as, officer) -> None:
    assert api_as(officer).get("/api/v1/regions/500241").json()["name"] == "秀山土家族苗族自治县"
    assert api_as(officer).get("/api/v1/regions/999998").status_code == 404


def test_townships_added_in_the_admin_follow_the_same_rules(admin_user) -> None:
    from django.test import Client

    from zhiben.audit.models import Event
    from zhiben.regions.models import Region

    c = Client()
    c.force_login(admin_user)
    bad = c.post("/admin/regions/region/add/", {"code": "500242101", "name": "某镇", "parent_code": "500241"})
    assert bad.status_code == 200 and "开头" in bad.content.decode()
    ok = c.post("/admin/regions/region/add/", {"code": "500241101", "name": "隘口镇", "parent_code": "500241"})
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert Region.objects.get(code="500241101").full_name.endswith("隘口镇")
    assert Event.objects.filter(subject_type="region", subject_id="500241101").exists()
