"""双随机 draws end to end: the pools, the service's refusals, numbering without gaps, the events, publishing and
discarding, the public page and the verify endpoint (which never shows an unpublished draw), and scope."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben.accounts.models import User
from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.departments.models import Department
from zhiben.enterprises.models import Enterprise
from zhiben.inspections import draws as algorithm
from zhiben.inspections.models import Draw, Finding, Inspection, LawOfficer, Order
from zhiben.inspections.services.draws import draw_discard, draw_publish
from zhiben.tests_support import factories

from . import factories_draws as f

pytestmark = pytest.mark.django_db
COUNTY = f.COUNTY
OTHER_COUNTY = "110105"
DAY = datetime.date(2026, 5, 6)


@dataclass
class County:
    unit: Department
    office: Department
    housing: Department
    users: dict[str, User]
    firms: list[Enterprise]
    officers: list[LawOfficer]


@pytest.fixture
def c() -> County:
    unit, office, housing = f.unit(), f.office(), f.unit("housing", "秀山县住房和城乡建设局")
    firms = f.firms(4, supervision_class="A") + f.firms(2, supervision_class="B")
    firms += f.firms(2, sector="machinery")
    f.firms(1, status="closed")  # never in a pool
    f.firms(1, region=OTHER_COUNTY)  # another county
    officers = f.officers(unit, 3)
    f.officers(unit, 1, start=90, certificate_valid_to=datetime.date(2020, 1, 1))  # expired
    f.officers(unit, 1, start=91, active=False)
    f.officers(housing, 2, prefix="渝住建执T")
    users = {
        "drawer": f.member("drawer", unit),
        "office": f.member("office-user", office),
        "housing": f.member("housing-user", housing),
        "county": factories.user("county-plain", role="officer", region=COUNTY),
        "outsider": factories.user("outsider-x", role="officer", region=OTHER_COUNTY),
        "handler": factories.user("handler-x", role="tip_handler", region=COUNTY),
        "admin": factories.user("admin-x", role="admin"),
        "firm": factories.user("firm-x", role="enterprise", enterprise=firms[0]),
        "chem": factories.user("chem-x", role="officer", region=COUNTY, sectors=["hazardous_chemicals"]),
    }
    return County(unit, office, housing, users, firms, officers)


def client(user: User | None = None) -> Client:
    cl = Client()
    if user is not None:
        cl.force_login(user)
    return cl


def post(user: User | None, path: str, body: Any) -> Any:
    return client(user).post(path, json.dumps(body), content_type="application/json")


def events(draw: Draw) -> list[Event]:
    return list(Event.objects.filter(subject_type="draw", subject_id=str(draw.pk)).order_by("id"))


# --- making a draw --------------------------------------------------------------------------------------


def test_a_draw_publishes_its_pools_seed_algorithm_and_picks(c: County) -> None:
    r = post(c.users["drawer"], "/api/v1/draws", {"region": COUNTY, "enterprises": 3, "inspectors": 2, "seed": "abc"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["seed"] == "abc"
    assert body["algorithm"] == {"name": "zhiben-draw-sha256", "version": "1"}
    expected = sorted(e.credit_code for e in c.firms)
    assert body["pool"]["enterprises"] == expected  # the closed firm and the other county's are not in it
    assert body["pool"]["inspectors"] == [o.certificate_no for o in c.officers]  # not the expired, not the inactive
    assert "ascending" in body["pool"]["order"]
    assert body["pool"]["digest"] == algorithm.pool_digest(expected, body["pool"]["inspectors"])
    again = algorithm.run(seed="abc", enterprises=expected, inspectors=body["pool"]["inspectors"], count=3, team_size=2)
    assert body["picks"] == again["picks"]
    assert body["number"] == f"〔{dates.today().year}〕第1号" and body["status"] == "drawn"
    assert body["department"] == c.unit.pk and body["pool_size"] == {"enterprises": 8, "inspectors": 3}
    draw = Draw.objects.get(pk=body["id"])
    (drawn,) = events(draw)
    assert drawn.kind == "drawn"
    for key in ("seed", "algorithm", "algorithm_version", "pool_digest", "picks_digest"):
        assert (
            drawn.payload[key]
            == {
                "seed": "abc",
                "algorithm": "zhiben-draw-sha256",
                "algorithm_version": "1",
                "pool_digest": body["pool"]["digest"],
                "picks_digest": again["picks_digest"],
            }[key]
        )


def test_without_a_seed_the_server_makes_one(c: County) -> None:
    one = f.draw(c.users["drawer"], seed=None)
    two = f.draw(c.users["drawer"], seed="")
    assert re.fullmatch(r"[0-9a-f]{32}", one.seed) and re.fullmatch(r"[0-9a-f]{32}", two.seed)
    assert one.seed != two.seed


def test_the_pool_follows_sector_classes_and_a_ratio(c: County) -> None:
    a = f.draw(c.users["drawer"], sector="hazardous_chemicals", classes=["A"], enterprises=None, ratio="50")
    assert len(a.pool_enterprises) == 4 and len(a.picks) == 2  # 50% of 4
    b = f.draw(c.users["drawer"], sector="hazardous_chemicals", classes=["A", "B"], enterprises=None, ratio="1")
    assert len(b.pool_enterprises) == 6 and len(b.picks) == 1  # rounded up: at least one
    assert b.ratio is not None and b.enterprises_asked is None
    d = f.draw(c.users["drawer"], sector="machinery", enterprises=2)
    assert set(d.pool_enterprises) == {e.credit_code for e in c.firms[6:]}


def test_a_township_draw_takes_only_its_firms(c: County) -> None:
    factories.township("500241100", "清溪场镇", COUNTY)
    town = f.firms(2, region="500241100")
    d = f.draw(c.users["drawer"], region="500241100", enterprises=1)
    assert set(d.pool_enterprises) == {e.credit_code for e in town}


def test_the_committee_office_and_an_admin_draw_for_a_unit(c: County) -> None:
    by_office = f.draw(c.users["office"], department=c.unit.pk)
    by_admin = f.draw(c.users["admin"], department=c.unit.pk)
    assert (by_office.department, by_admin.department) == (c.unit, c.unit)
    assert (by_office.serial, by_admin.serial) == (1, 2)


REFUSALS = [
    ({"enterprises": 9}, "enterprises"),  # more than the pool's 8
    ({"enterprises": 0}, "enterprises"),
    ({"enterprises": 2.5}, "enterprises"),
    ({"enterprises": True}, "enterprises"),
    ({"enterprises": None}, "enterprises"),  # neither a count nor a ratio
    ({"enterprises": 2, "ratio": 10}, "enterprises"),  # both
    ({"enterprises": None, "ratio": 0}, "ratio"),
    ({"enterprises": None, "ratio": "120"}, "ratio"),
    ({"enterprises": None, "ratio": "5.555"}, "ratio"),
    ({"inspectors": 1}, "inspectors"),  # 行政处罚法 第四十二条
    ({"inspectors": 4}, "inspectors"),  # three certified officers
    ({"inspectors": "two"}, "inspectors"),
    ({"seed": "has space"}, "seed"),
    ({"seed": "x" * 129}, "seed"),
    ({"seed": ["a"]}, "seed"),
    ({"sector": "no_such_sector"}, "sector"),
    ({"sector": "fireworks"}, "region"),  # an empty pool
    ({"classes": ["E"]}, "classes"),
    ({"classes": "A"}, None),  # text is read as a list: accepted
    ({"region": "abc"}, "region"),
    ({"region": None}, "region"),
    ({"region": "500241999"}, "region"),  # a code under the county that is no region
    ({"title": "x" * 121}, "title"),
    ({"plan": 99}, "plan"),
    ({"department": "x"}, "department"),
    ({"unknown": 1}, "unknown"),
]


@pytest.mark.parametrize(("change", "field"), REFUSALS)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    c: County, change: dict, field: str | None
) -> None:
    body = {"region": COUNTY, "enterprises": 2, "seed": "s1", **change}
    r = post(c.users["drawer"], "/api/v1/draws", body)
    if field is None:
        assert r.status_code == 201, r.content
        return
    assert r.status_code == 422, (change, r.status_code, r.content)
    assert field in r.json()["errors"], r.json()
    assert re.search(r"[\u4e00-\u9fff]", r.json()["errors"][field])
    assert not Draw.objects.exists() and not Event.objects.filter(subject_type="draw").exists()


def test_too_few_certified_officers_is_said_with_the_count(c: County) -> None:
    expired = dates.today() - datetime.timedelta(days=1)
    LawOfficer.objects.filter(pk=c.officers[0].pk).update(certificate_valid_to=expired)
    r = post(c.users["drawer"], "/api/v1/draws", {"region": COUNTY, "enterprises": 1, "inspectors": 3})
    assert r.status_code == 422 and "2 人" in r.json()["errors"]["inspectors"]


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("outsider", {"region": COUNTY}, 404),  # a region outside the caller's scope
        ("drawer", {"region": OTHER_COUNTY}, 404),
        ("housing", {"region": COUNTY, "department": "{unit}"}, 403),  # another unit's officer
        ("county", {"region": COUNTY, "department": "{unit}"}, 403),  # an officer of no unit
        ("county", {"region": COUNTY}, 422),  # … who names none
        ("handler", {"region": COUNTY, "department": "{unit}"}, 403),
        ("firm", {"region": COUNTY, "department": "{unit}"}, 403),
        ("outsider", {"region": OTHER_COUNTY, "department": "{unit}"}, 404),  # a unit the caller cannot see
        ("admin", {"region": OTHER_COUNTY, "department": "{unit}"}, 422),  # outside the unit's region
        ("chem", {"region": COUNTY, "department": "{unit}"}, 403),
    ],
)
def test_who_may_draw(c: County, who: str, body: dict, status: int) -> None:
    filled = {k: (c.unit.pk if v == "{unit}" else v) for k, v in body.items()}
    r = post(c.users[who], "/api/v1/draws", {"enterprises": 1, **filled})
    assert r.status_code == status, (who, r.content)
    assert not Draw.objects.exists()


def test_a_sector_limited_officer_draws_only_in_their_sectors(c: County) -> None:
    chem = f.member("chem-unit", c.unit, sectors=["hazardous_chemicals"])
    r = post(chem, "/api/v1/draws", {"region": COUNTY, "enterprises": 1})
    assert r.status_code == 422 and "sector" in r.json()["errors"]
    r = post(chem, "/api/v1/draws", {"region": COUNTY, "enterprises": 1, "sector": "machinery"})
    assert r.status_code == 422 and "sector" in r.json()["errors"]
    r = post(chem, "/api/v1/draws", {"region": COUNTY, "enterprises": 1, "sector": "hazardous_chemicals"})
    assert r.status_code == 201


def test_serials_run_without_gaps_per_unit_and_year(c: County) -> None:
    drawer = c.users["drawer"]
    first = f.draw(drawer)
    r = post(drawer, "/api/v1/draws", {"region": COUNTY, "enterprises": 99})  # refused: takes no number
    assert r.status_code == 422
    second = f.draw(drawer)
    draw_discard(actor=drawer, draw_id=second.pk, reason="抽取范围有误")
    third = f.draw(drawer)  # the redraw: the next number, the discarded one stays
    assert [first.serial, second.serial, third.serial] == [1, 2, 3]
    other = f.draw(c.users["admin"], department=c.housing.pk)
    assert other.serial == 1
    next_year = f.draw(drawer, today=datetime.date(2027, 1, 4))
    assert (next_year.year, next_year.serial) == (2027, 1)
    assert Draw.objects.filter(department=c.unit, year=2026).count() == 3


def test_every_draw_is_an_event_discarded_ones_included(c: County) -> None:
    drawer = c.users["drawer"]
    kept, dropped = f.draw(drawer), f.draw(drawer)
    draw_publish(actor=drawer, draw_id=kept.pk, today=DAY)
    draw_discard(actor=drawer, draw_id=dropped.pk, reason="企业名录未更新")
    assert [e.kind for e in events(kept)] == ["drawn", "published"]
    assert [e.kind for e in events(dropped)] == ["drawn", "discarded"]
    assert events(dropped)[1].payload == {"reason": "企业名录未更新", "was": "已抽取"}
    assert events(kept)[0].payload["number"] == "〔2026〕第1号"


# --- publishing and discarding --------------------------------------------------------------------------


def test_publish_then_discard_and_what_cannot_follow(c: County) -> None:
    drawer = c.users["drawer"]
    d = f.draw(drawer)
    r = post(drawer, f"/api/v1/draws/{d.pk}/publish", {})
    assert r.status_code == 200 and r.json()["status"] == "published" and r.json()["published_on"]
    assert post(drawer, f"/api/v1/draws/{d.pk}/publish", {}).status_code == 409
    r = post(drawer, f"/api/v1/draws/{d.pk}/discard", {})
    assert r.status_code == 422 and "reason" in r.json()["errors"]
    r = post(drawer, f"/api/v1/draws/{d.pk}/discard", {"reason": "  "})
    assert r.status_code == 422
    r = post(drawer, f"/api/v1/draws/{d.pk}/discard", {"reason": "抽查事项重复"})
    assert r.status_code == 200 and r.json()["status"] == "discarded"
    assert r.json()["discarded_reason"] == "抽查事项重复"
    assert post(drawer, f"/api/v1/draws/{d.pk}/discard", {"reason": "再次"}).status_code == 409
    assert post(drawer, f"/api/v1/draws/{d.pk}/publish", {}).status_code == 409
    d.refresh_from_db()
    assert d.picks and d.pool_enterprises  # nothing of the draw itself changed


@pytest.mark.parametrize("who", ["housing", "county", "chem"])
def test_an_officer_of_another_unit_may_see_but_not_publish(c: County, who: str) -> None:
    d = f.draw(c.users["drawer"], sector="hazardous_chemicals")
    for path, body in ((f"/api/v1/draws/{d.pk}/publish", {}), (f"/api/v1/draws/{d.pk}/discard", {"reason": "x"})):
        r = post(c.users[who], path, body)
        # the housing unit leads no hazardous chemicals: it does not even see the draw
        assert r.status_code == (404 if who == "housing" else 403), (who, path, r.content)
    d.refresh_from_db()
    assert d.status == "drawn" and len(events(d)) == 1


def test_out_of_scope_users_get_404_everywhere(c: County) -> None:
    d = f.draw(c.users["drawer"])
    for who in ("outsider", "firm"):
        user = c.users[who]
        cl = client(user)
        assert cl.get(f"/api/v1/draws/{d.pk}").status_code == 404
        assert cl.get("/api/v1/draws").json()["count"] == 0
        assert post(user, f"/api/v1/draws/{d.pk}/publish", {}).status_code == 404
        assert post(user, f"/api/v1/draws/{d.pk}/discard", {"reason": "x"}).status_code == 404
        assert cl.get(f"/inspections/draws/{d.pk}/").status_code == 404
        assert cl.post(f"/inspections/draws/{d.pk}/", {"action": "publish"}).status_code == 404
        assert cl.get(f"/inspections/draws/{d.pk}/draw.json").status_code == 404
    assert client(c.users["firm"]).get("/inspections/draws/").status_code == 404
    assert client(c.users["firm"]).get("/api/v1/draws").json()["count"] == 0
    d.refresh_from_db()
    assert d.status == "drawn" and len(events(d)) == 1


def test_the_list_filters_and_refuses_bad_filters(c: County) -> None:
    drawer = c.users["drawer"]
    a, b = f.draw(drawer), f.draw(drawer)
    draw_publish(actor=drawer, draw_id=a.pk, today=DAY)
    cl = client(drawer)
    assert [i["id"] for i in cl.get("/api/v1/draws").json()["items"]] == [b.pk, a.pk]
    assert cl.get("/api/v1/draws", {"status": "published"}).json()["count"] == 1
    assert cl.get("/api/v1/draws", {"year": "2026", "department": str(c.unit.pk)}).json()["count"] == 2
    assert cl.get("/api/v1/draws", {"region": "500241100"}).json()["count"] == 0
    item = cl.get("/api/v1/draws").json()["items"][0]
    assert "pool" not in item and item["pool_size"] == {"enterprises": 8, "inspectors": 3}
    for params, field in (
        ({"status": "x"}, "status"),
        ({"year": "abc"}, "year"),
        ({"limit": "-1"}, "limit"),
        ({"region": "abc"}, "region"),
    ):
        r = cl.get("/api/v1/draws", params)
        assert r.status_code == 422 and field in r.json()["errors"], params
    assert cl.get("/api/v1/draws", {"region": OTHER_COUNTY}).status_code == 404


# --- the public -----------------------------------------------------------------------------------------


def test_the_public_never_sees_an_unpublished_draw(c: County) -> None:
    d = f.draw(c.users["drawer"], title="未公告的抽查")
    anon = client()
    assert post(None, "/api/v1/draws/verify", {"id": d.pk}).status_code == 404
    assert post(None, "/api/v1/draws/verify", {"id": 999999}).status_code == 404
    assert anon.get(f"/inspections/draws/public/{d.pk}/").status_code == 404
    assert anon.get(f"/inspections/draws/public/{d.pk}/draw.json").status_code == 404
    page = anon.get("/inspections/draws/public/").content.decode()
    assert "未公告的抽查" not in page and d.seed not in page
    assert anon.get(f"/api/v1/draws/{d.pk}").status_code == 401
    assert anon.get("/api/v1/draws").status_code == 401
    assert anon.get("/inspections/draws/").status_code == 302  # to the login page


def test_a_published_draw_is_public_with_its_pools_seed_picks_and_officers(c: County) -> None:
    drawer = c.users["drawer"]
    d = f.draw(drawer, title="2026年危化企业双随机抽查", enterprises=2)
    draw_publish(actor=drawer, draw_id=d.pk, today=DAY)
    page = client().get("/inspections/draws/public/").content.decode()
    assert "2026年危化企业双随机抽查" in page and d.pool_digest in page and d.seed in page
    assert "zhiben-draw-sha256" in page and "秀山县应急管理局" in page
    names = dict(Enterprise.objects.values_list("credit_code", "name"))
    officers = dict(LawOfficer.objects.values_list("certificate_no", "name"))
    for pick in d.picks:
        assert pick["enterprise"] in page and names[pick["enterprise"]] in page
        for cert in pick["inspectors"]:
            assert cert in page and officers[cert] in page
    assert f'data-verify-draw="{d.pk}"' in page and f"/inspections/draws/public/{d.pk}/draw.json" in page
    assert "8 家" in page  # the pool's size
    detail = client().get(f"/inspections/draws/public/{d.pk}/").content.decode()
    assert d.pool_digest in detail


def test_a_discarded_draw_stays_public_with_its_reason(c: County) -> None:
    drawer = c.users["drawer"]
    d = f.draw(drawer, title="被作废的抽查")
    draw_discard(actor=drawer, draw_id=d.pk, reason="名录库未剔除已关闭企业")
    page = client().get("/inspections/draws/public/").content.decode()
    assert "被作废的抽查" in page and "已作废" in page and "名录库未剔除已关闭企业" in page
    assert post(None, "/api/v1/draws/verify", {"id": d.pk}).json()["verified"] is True


def test_the_public_page_counts_a_units_unpublished_draws_and_filters_by_region(c: County) -> None:
    drawer = c.users["drawer"]
    shown, _hidden = f.draw(drawer), f.draw(drawer)
    draw_publish(actor=drawer, draw_id=shown.pk, today=DAY)
    page = client().get("/inspections/draws/public/").content.decode()
    assert "共抽取 2 次" in page and "尚未公告 1 次" in page
    assert shown.title in client().get("/inspections/draws/public/", {"region": COUNTY}).content.decode()
    assert shown.title not in client().get("/inspections/draws/public/", {"region": "11"}).content.decode()
    assert client().get("/inspections/draws/public/", {"region": "<x>", "page": "zz"}).status_code == 200


def test_the_download_is_the_same_bytes_every_time(c: County) -> None:
    drawer = c.users["drawer"]
    d = f.draw(drawer)
    draw_publish(actor=drawer, draw_id=d.pk, today=DAY)
    one = client().get(f"/inspections/draws/public/{d.pk}/draw.json")
    two = client().get(f"/inspections/draws/public/{d.pk}/draw.json")
    assert one.status_code == 200 and one.content == two.content
    assert one["X-Content-SHA256"] == algorithm.sha256_hex(one.content)
    doc = json.loads(one.content)
    assert algorithm.canonical_json(doc) == one.content
    assert doc["draw"]["number"] == "〔2026〕第1号" and doc["draw"]["status"] == "published"
    assert algorithm.verify(doc)["verified"] is True
    officer_copy = client(drawer).get(f"/inspections/draws/{d.pk}/draw.json")
    assert officer_copy.content == one.content


# --- verify ---------------------------------------------------------------------------------------------


@pytest.fixture
def published(c: County) -> Draw:
    d = f.draw(c.users["drawer"], enterprises=3)
    return draw_publish(actor=c.users["drawer"], draw_id=d.pk, today=DAY)


def test_verify_by_id_recomputes_from_the_stored_pool_and_seed(published: Draw) -> None:
    r = post(None, "/api/v1/draws/verify", {"id": published.pk})
    assert r.status_code == 200
    body = r.json()
    assert body["verified"] is True and body["differences"] == []
    assert body["picks"] == published.picks and body["id"] == published.pk


def test_verify_by_id_catches_a_pick_changed_in_the_database(published: Draw) -> None:
    picks = [dict(p) for p in published.picks]
    picks[0]["inspectors"] = list(reversed(picks[0]["inspectors"]))
    Draw.objects.filter(pk=published.pk).update(picks=picks)
    body = post(None, "/api/v1/draws/verify", {"id": published.pk}).json()
    assert body["verified"] is False
    fields = {d["field"] for d in body["differences"]}
    assert "picks[0].inspectors" in fields and "event.picks_digest" in fields


def test_verify_by_id_catches_a_pool_changed_in_the_database(published: Draw) -> None:
    pool = [code for code in published.pool_enterprises if code not in {p["enterprise"] for p in published.picks}]
    Draw.objects.filter(pk=published.pk).update(pool_enterprises=pool[:-1] + [p["enterprise"] for p in published.picks])
    body = post(None, "/api/v1/draws/verify", {"id": published.pk}).json()
    assert body["verified"] is False
    assert {"pool.digest", "event.pool_digest"} <= {d["field"] for d in body["differences"]}


def test_verify_a_document_as_published_and_tampered(c: County, published: Draw) -> None:
    doc = client(c.users["drawer"]).get(f"/api/v1/draws/{published.pk}").json()
    assert post(None, "/api/v1/draws/verify", doc).json()["verified"] is True
    pick = json.loads(json.dumps(doc))
    outside = next(code for code in doc["pool"]["enterprises"] if code not in {p["enterprise"] for p in doc["picks"]})
    pick["picks"][1]["enterprise"] = outside
    body = post(None, "/api/v1/draws/verify", pick).json()
    assert body["verified"] is False and body["differences"][0]["field"] == "picks[1].enterprise"
    assert body["picks"] == doc["picks"]
    pool = json.loads(json.dumps(doc))
    pool["pool"]["enterprises"].append("91500241MA00000000")
    body = post(None, "/api/v1/draws/verify", pool).json()
    assert body["verified"] is False and "pool.digest" in {d["field"] for d in body["differences"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"id": "1"}, "id"),
        ({"id": 0}, "id"),
        ({"id": True}, "id"),
        ({"id": 2**70}, "id"),
        ({}, "algorithm"),
        ({"algorithm": {"name": "other", "version": "1"}}, "algorithm"),
        ({"algorithm": {"name": "zhiben-draw-sha256", "version": "1"}, "seed": "a b"}, "seed"),
        ({"algorithm": {"name": "zhiben-draw-sha256", "version": "1"}, "seed": "a", "pool": 3}, "pool"),
        ([1, 2], "body"),
        ("text", "body"),
    ],
)
def test_verify_refuses_bad_input_naming_the_field(published: Draw, body: Any, field: str) -> None:
    r = post(None, "/api/v1/draws/verify", body)
    assert r.status_code == 422, (body, r.status_code, r.content)
    assert field in r.json()["errors"]


def test_verify_refuses_a_body_that_is_not_json(published: Draw) -> None:
    r = client().post("/api/v1/draws/verify", "{not json", content_type="application/json")
    assert r.status_code == 422 and "body" in r.json()["errors"]
    r = client().post("/api/v1/draws/verify", {"id": "1"})
    assert r.status_code == 415


# --- the results ----------------------------------------------------------------------------------------


def test_the_public_page_shows_each_picks_inspection_and_its_findings(c: County, published: Draw) -> None:
    drawer = c.users["drawer"]
    code = published.picks[0]["enterprise"]
    firm = Enterprise.objects.get(credit_code=code)
    inspection = Inspection.objects.create(
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        department=c.unit,
        kind="random",
        on=DAY,
        draw=published,
        status="done",
        created_by=drawer,
    )
    hazard = factories.hazard(drawer, firm, discovered_on=DAY)
    Finding.objects.create(inspection=inspection, hazard=hazard)
    order = Order.objects.create(
        inspection=inspection,
        kind="rectify",
        issued_on=DAY,
        deadline=DAY + datetime.timedelta(days=30),
        region_code=firm.region_id,
        created_by=drawer,
    )
    order.hazards.add(hazard)
    page = client().get(f"/inspections/draws/public/{published.pk}/").content.decode()
    assert "已检查 1 家" in page and "发现问题 1 项" in page and "已责令整改 1 家" in page
    assert page.count("已责令整改</span>") == 1 and page.count("未检查") == 2
    officer_page = client(drawer).get(f"/inspections/draws/{published.pk}/").content.decode()
    assert "已检查 1 家" in officer_page


# --- the officer's pages --------------------------------------------------------------------------------


def test_the_officer_draws_publishes_and_discards_on_the_pages(c: County) -> None:
    cl = client(c.users["drawer"])
    page = cl.get("/inspections/draws/").content.decode()
    assert 'name="form_token"' in page and "秀山县应急管理局" in page
    form = {
        "department": str(c.unit.pk),
        "region": COUNTY,
        "sector": "hazardous_chemicals",
        "classes": ["A", "B"],
        "mode": "ratio",
        "ratio": "50",
        "enterprises": "",
        "inspectors": "2",
        "seed": "",
        "title": "",
        "form_token": "draw-form-token-0123456789",
    }
    r = cl.post("/inspections/draws/", form)
    assert r.status_code in (302, 303)
    again = cl.post("/inspections/draws/", form)  # the same form sent twice: one draw
    assert again.status_code == 303 and again["Location"] == r["Location"]
    d = Draw.objects.get()
    assert len(d.picks) == 3 and d.classes == ["A", "B"]
    detail = cl.get(r["Location"]).content.decode()
    for pick in d.picks:
        assert f"/inspections/new/?draw={d.pk}&amp;enterprise={pick['enterprise']}" in detail
    assert "公告" in detail and "作废" in detail
    r = cl.post(f"/inspections/draws/{d.pk}/", {"action": "discard", "reason": ""})
    assert r.status_code == 422 and "作废原因" in r.content.decode()
    assert cl.post(f"/inspections/draws/{d.pk}/", {"action": "publish"}).status_code == 302
    d.refresh_from_db()
    assert d.status == "published"
    assert cl.post(f"/inspections/draws/{d.pk}/", {"action": "publish"}).status_code == 409
    assert cl.post(f"/inspections/draws/{d.pk}/", {"action": "discard", "reason": "重复"}).status_code == 302
    d.refresh_from_db()
    assert d.status == "discarded"
    assert "开始检查" not in cl.get(f"/inspections/draws/{d.pk}/").content.decode()
    verified = cl.get(f"/inspections/draws/{d.pk}/", {"verify": "1"}).content.decode()
    assert "核验一致" in verified


def test_a_page_refusal_names_the_field_in_chinese(c: County) -> None:
    cl = client(c.users["drawer"])
    r = cl.post("/inspections/draws/", {"department": str(c.unit.pk), "region": COUNTY, "mode": "count"})
    assert r.status_code == 422 and "抽取企业数" in r.content.decode()
    r = cl.post("/inspections/draws/", {"department": "999999", "region": COUNTY, "enterprises": "1"})
    assert r.status_code == 404
    assert not Draw.objects.exists()


def test_an_officer_of_no_unit_sees_the_list_without_the_form(c: County) -> None:
    f.draw(c.users["drawer"], title="县局的抽查")
    page = client(c.users["county"]).get("/inspections/draws/").content.decode()
    assert "县局的抽查" in page and 'name="form_token"' not in page


# --- no input makes a 500 ------------------------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.sampled_from(["name", "version", "enterprises", "inspectors", "digest"]), st.text(max_size=5)),
)
KEYS = ["region", "sector", "classes", "enterprises", "ratio", "inspectors", "seed", "department", "title", "plan"]
KEYS += ["id", "algorithm", "pool", "picks", "picks_digest", "reason"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.one_of(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6), VALUES))
def test_no_payload_makes_a_500(c: County, payload: Any) -> None:
    drawer = c.users["drawer"]
    for user, path in ((drawer, "/api/v1/draws"), (None, "/api/v1/draws/verify"), (drawer, "/api/v1/draws/1/discard")):
        r = post(user, path, payload)
        assert r.status_code < 500, (path, payload, r.content)


def test_a_draw_waits_to_be_published_in_the_todo_of_those_who_may_publish_it(c: County) -> None:
    d = f.draw(c.users["drawer"], title="待公告的那次抽查")

    def waiting(who: str) -> set[int]:
        items = client(c.users[who]).get("/api/v1/todo").json()["items"]
        return {i["id"] for i in items if i["kind"] == "draw_publish"}

    for who in ("drawer", "office", "admin"):
        assert d.pk in waiting(who), who
    for who in ("county", "housing", "outsider", "chem", "firm"):
        assert d.pk not in waiting(who), who
    draw_publish(actor=c.users["drawer"], draw_id=d.pk, today=DAY)
    assert d.pk not in waiting("drawer")
