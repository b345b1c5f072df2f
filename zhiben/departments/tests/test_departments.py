"""Member units and routing: who keeps them, the default by kind (三管三必须), a region's own rows, matching a
plan's unit text, the to-do routed to the lead unit and the figures cut by unit."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from zhiben.accounts.models import User
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.departments.kinds import DEFAULT_ROUTING, NAMES, DepartmentKind
from zhiben.departments.models import Department
from zhiben.departments.selectors import ancestor_codes, department_match, lead_sectors, routing_for
from zhiben.departments.services import (
    department_create,
    departments_seed,
    member_set,
    routing_set,
    standard_name,
)
from zhiben.notifications.todo import todo_for
from zhiben.reference.models import Sector
from zhiben.regions.models import Region
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db

COUNTY = "500241"


@pytest.fixture
def office(admin_user: User) -> User:
    """The county's committee office (安委会办公室) officer."""
    departments_seed(actor=admin_user, region=COUNTY)
    user = factories.user("office1", role="officer", region=COUNTY)
    unit = Department.objects.get(region_id=COUNTY, kind=DepartmentKind.COMMITTEE_OFFICE)
    return member_set(actor=admin_user, user=user, department=unit.pk)


def unit(kind: str, region: str = COUNTY) -> Department:
    return Department.objects.get(region_id=region, kind=kind)


def test_ancestor_codes_are_the_gb2260_prefixes_nearest_first() -> None:
    assert ancestor_codes("500241100") == ["500241100", "500241", "5002", "50"]
    assert ancestor_codes("500241") == ["500241", "5002", "50"]
    assert ancestor_codes("50") == ["50"]


def test_seed_creates_the_usual_units_once_with_standard_names(admin_user) -> None:
    made = departments_seed(actor=admin_user, region=COUNTY)
    names = {d.name for d in made}
    county = Region.objects.get(pk=COUNTY).name
    assert f"{county}应急管理局" in names
    assert f"{county}消防救援大队" in names  # a county's fire unit is a 大队; a province's a 总队
    assert standard_name(Region.objects.get(pk="50"), DepartmentKind.FIRE).endswith("消防救援总队")
    assert departments_seed(actor=admin_user, region=COUNTY) == []
    emergency = unit(DepartmentKind.EMERGENCY)
    assert "应急局" in emergency.alias_list()
    assert "hazardous_chemicals" in {s.key for s in emergency.sectors.all()}


def test_default_routing_follows_the_kind_of_unit(admin_user) -> None:
    """三管三必须: the department that runs a sector leads it (kinds.DEFAULT_ROUTING)."""
    departments_seed(actor=admin_user, region=COUNTY)
    routes = {r.sector: r for r in routing_for(COUNTY)}
    assert set(routes) == set(Sector.objects.values_list("key", flat=True))
    assert routes["construction"].lead == unit(DepartmentKind.HOUSING)
    assert routes["special_equipment"].lead == unit(DepartmentKind.MARKET)
    assert routes["hazardous_chemicals"].lead == unit(DepartmentKind.EMERGENCY)
    assert unit(DepartmentKind.PUBLIC_SECURITY) in routes["hazardous_chemicals"].co
    assert routes["construction"].source == "default"
    for key, (lead, _) in DEFAULT_ROUTING.items():
        head = routes[key].lead
        assert head is not None and head.kind == lead, key


def test_a_township_works_under_the_county_routing_until_it_sets_its_own(admin_user, township) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    assert {r.sector: r.lead for r in routing_for(township)}["construction"] == unit(DepartmentKind.HOUSING)
    routing_set(
        actor=admin_user, region=COUNTY, sector="urban_gas", lead=unit(DepartmentKind.URBAN_MANAGEMENT).pk, co=[]
    )
    route = {r.sector: r for r in routing_for(township)}["urban_gas"]
    assert route.lead == unit(DepartmentKind.URBAN_MANAGEMENT)
    assert (route.source, route.at) == ("set", COUNTY)
    station = department_create(actor=admin_user, region=township, name="清溪场镇安监站", kind="station")
    routing_set(actor=admin_user, region=township, sector="urban_gas", lead=station.pk)
    assert {r.sector: r for r in routing_for(township)}["urban_gas"].lead == station
    assert {r.sector: r for r in routing_for(COUNTY)}["urban_gas"].lead == unit(DepartmentKind.URBAN_MANAGEMENT)


def test_routing_refuses_units_of_another_region_and_a_lead_repeated_as_co(admin_user, township) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    departments_seed(actor=admin_user, region="110105")
    elsewhere = unit(DepartmentKind.HOUSING, "110105")
    with pytest.raises(FieldErrors) as exc:
        routing_set(actor=admin_user, region=COUNTY, sector="construction", lead=elsewhere.pk)
    assert "lead" in exc.value.errors
    housing = unit(DepartmentKind.HOUSING)
    with pytest.raises(FieldErrors) as exc:
        routing_set(actor=admin_user, region=COUNTY, sector="construction", lead=housing.pk, co=[housing.pk])
    assert "co" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        routing_set(actor=admin_user, region=COUNTY, sector="no-such", lead=housing.pk)
    assert "sector" in exc.value.errors


def test_only_the_committee_office_or_an_admin_keeps_units(admin_user, officer, office, outsider) -> None:
    with pytest.raises(PermissionDenied):
        department_create(actor=officer, region=COUNTY, name="秀山县林业局")
    made = department_create(actor=office, region=COUNTY, name="秀山县林业局", kind="其他", sectors=["agriculture"])
    assert made.kind == DepartmentKind.OTHER and [s.key for s in made.sectors.all()] == ["agriculture"]
    with pytest.raises(Conflict):
        department_create(actor=office, region=COUNTY, name="秀山县林业局")
    with pytest.raises(NotFound):  # another county's officer reaches nothing of this one
        department_create(actor=outsider, region=COUNTY, name="x")


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", ""), ("name", "局" * 61), ("kind", "no-such-kind"), ("sectors", "construction"), ("sectors", ["x"])],
)
def test_bad_input_names_the_field(admin_user, field, value) -> None:
    values = {"region": COUNTY, "name": "秀山县某局", field: value}
    with pytest.raises(FieldErrors) as exc:
        department_create(actor=admin_user, **values)
    assert field in exc.value.errors
    assert not Department.objects.filter(region_id=COUNTY).exists()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("县应急局", DepartmentKind.EMERGENCY),
        ("秀山县应急管理局", DepartmentKind.EMERGENCY),
        ("县住建委", DepartmentKind.HOUSING),
        ("县市场监管局", DepartmentKind.MARKET),
        ("县交通运输委", DepartmentKind.TRANSPORT),
        ("县消防救援大队", DepartmentKind.FIRE),
    ],
)
def test_a_plan_unit_text_matches_its_unit(admin_user, text, kind) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    assert department_match(region_code=COUNTY, text=text) == [unit(kind)]


def test_unknown_and_ambiguous_unit_texts(admin_user) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    assert department_match(region_code=COUNTY, text="县林草局") == []
    assert department_match(region_code=COUNTY, text="") == []
    department_create(actor=admin_user, region=COUNTY, name="秀山县应急管理局（执法支队）", kind="emergency")
    assert len(department_match(region_code=COUNTY, text="县应急局")) == 2


def test_every_kind_has_names_for_plans() -> None:
    for kind in DepartmentKind.values:
        if kind not in (DepartmentKind.GOVERNMENT, DepartmentKind.STATION, DepartmentKind.OTHER):
            assert NAMES.get(kind), kind


def test_the_todo_of_a_unit_officer_holds_the_sectors_it_leads(admin_user, office) -> None:
    """A hazard waiting for review is routed to its sector's lead unit; the committee office sees all."""
    chem = factories.enterprise(region=COUNTY, sector="hazardous_chemicals")
    site = factories.enterprise(region=COUNTY, sector="construction")
    emergency = member_set(
        actor=admin_user, user=factories.user("em1", role="officer", region=COUNTY), department=unit("emergency").pk
    )
    housing = member_set(
        actor=admin_user, user=factories.user("hs1", role="officer", region=COUNTY), department=unit("housing").pk
    )
    plain = factories.user("plain1", role="officer", region=COUNTY)
    day = datetime.date(2026, 6, 1)  # major hazards still without a plan long after discovery wait on officers
    for firm in (chem, site):
        clause = factories.criterion_for(firm.sector_id, day)
        factories.hazard(admin_user, firm, discovered_on=day, level="major", criterion=clause)

    def sectors(user: User) -> set[str]:
        from zhiben.hazards.models import Hazard

        ids = [i["id"] for i in todo_for(user, limit=200).items if i["subject"] == "hazard"]
        return set(Hazard.objects.filter(pk__in=ids).values_list("sector_id", flat=True))

    assert sectors(emergency) == {"hazardous_chemicals"}
    assert sectors(housing) == {"construction"}
    assert sectors(office) == sectors(plain) == {"hazardous_chemicals", "construction"}
    assert "construction" in lead_sectors(unit("housing"))


def test_member_set_checks_the_region(admin_user) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    stranger = factories.user("far1", role="officer", region="110105")
    with pytest.raises(FieldErrors) as exc:
        member_set(actor=admin_user, user=stranger, department=unit("emergency").pk)
    assert "department" in exc.value.errors
    firm_user = factories.user("f1", role="enterprise", enterprise=factories.enterprise(region=COUNTY))
    with pytest.raises(FieldErrors):
        member_set(actor=admin_user, user=firm_user, department=unit("emergency").pk)


# --- the API -----------------------------------------------------------------------------------------


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_api_lists_creates_and_routes(office, officer, outsider) -> None:
    c = client_for(office)
    r = c.post(
        "/api/v1/departments",
        {"region": COUNTY, "name": "秀山县林业局", "kind": "other", "sectors": ["agriculture"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    forest = r.json()["id"]
    assert r.json()["sectors"] == ["agriculture"]
    r = c.post("/api/v1/departments", {"region": COUNTY, "name": ""}, content_type="application/json")
    assert r.status_code == 422 and "name" in r.json()["errors"]
    r = client_for(officer).post(
        "/api/v1/departments", {"region": COUNTY, "name": "秀山县某局"}, content_type="application/json"
    )
    assert r.status_code == 403
    body = client_for(officer).get("/api/v1/departments", {"region": COUNTY}).json()
    assert body["count"] == Department.objects.filter(region_id=COUNTY).count()
    assert client_for(outsider).get("/api/v1/departments", {"region": COUNTY}).status_code == 404
    assert client_for(outsider).get("/api/v1/departments").json()["count"] == 0
    assert client_for(outsider).get(f"/api/v1/departments/{forest}").status_code == 404
    assert (
        client_for(outsider)
        .patch(f"/api/v1/departments/{forest}", {"name": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    r = c.patch(f"/api/v1/departments/{forest}", {"active": False}, content_type="application/json")
    assert r.status_code == 200 and r.json()["active"] is False
    r = c.patch(f"/api/v1/departments/{forest}", {"region": "110105"}, content_type="application/json")
    assert r.status_code == 422 and "region" in r.json()["errors"]

    r = client_for(officer).get(f"/api/v1/regions/{COUNTY}/routing")
    assert r.status_code == 200
    routes = {x["sector"]: x for x in r.json()["routes"]}
    assert routes["construction"]["lead"]["name"].endswith("住房和城乡建设局")
    assert client_for(outsider).get(f"/api/v1/regions/{COUNTY}/routing").status_code == 404
    urban = unit("urban_management").pk
    r = c.post(
        f"/api/v1/regions/{COUNTY}/routing", {"sector": "urban_gas", "lead": urban}, content_type="application/json"
    )
    assert r.status_code == 200
    assert {x["sector"]: x for x in r.json()["routes"]}["urban_gas"]["source"] == "set"
    r = client_for(outsider).post(
        f"/api/v1/regions/{COUNTY}/routing", {"sector": "urban_gas", "lead": urban}, content_type="application/json"
    )
    assert r.status_code == 404
    assert client_for(outsider).post(f"/api/v1/regions/{COUNTY}/departments/seed").status_code == 404
    assert client_for(officer).post(f"/api/v1/regions/{COUNTY}/departments/seed").status_code == 403


def test_a_township_officer_reads_the_county_routing_but_not_a_neighbours(admin_user, township) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    town = factories.user("town1", role="officer", region=township)
    assert client_for(town).get(f"/api/v1/regions/{COUNTY}/routing").status_code == 200
    factories.township("500241101", "隘口镇", COUNTY)
    assert client_for(town).get("/api/v1/regions/500241101/routing").status_code == 404


def test_figures_cut_by_unit_count_only_the_sectors_it_leads(admin_user, office) -> None:
    chem = factories.enterprise(region=COUNTY, sector="hazardous_chemicals")
    site = factories.enterprise(region=COUNTY, sector="construction")
    day = datetime.date(2026, 11, 2)
    factories.hazard(admin_user, chem, discovered_on=day)
    factories.hazard(admin_user, site, discovered_on=day)
    factories.hazard(admin_user, site, discovered_on=day)
    c = client_for(office)
    housing = unit("housing").pk
    body = c.get("/api/v1/stats/hazards", {"department": str(housing), "group_by": "sector"}).json()
    assert body["department"] == housing
    assert body["totals"]["total"] == 2 and [g["key"] for g in body["groups"]] == ["construction"]
    whole = c.get("/api/v1/stats/hazards", {"group_by": "sector"}).json()
    assert whole["totals"]["total"] == 3
    lone = department_create(actor=admin_user, region=COUNTY, name="秀山县林业局")
    assert c.get("/api/v1/stats/hazards", {"department": lone.pk}).json()["totals"]["total"] == 0
    outsider = factories.user("far2", role="officer", region="110105")
    assert client_for(outsider).get("/api/v1/stats/hazards", {"department": housing}).status_code == 404
    ranks = c.get("/api/v1/stats/departments", {"region": COUNTY}).json()
    by_name = {r["name"]: r for r in ranks}
    assert by_name[unit("housing").name]["total"] == 2
    assert by_name[unit("emergency").name]["total"] == 1
    assert client_for(outsider).get("/api/v1/stats/departments", {"region": COUNTY}).status_code == 404


def test_the_page_lists_units_and_lets_the_office_set_a_route(office, officer, outsider) -> None:
    page = client_for(officer).get("/departments/")
    assert page.status_code == 200 and "应急管理局" in page.content.decode()
    assert "添加常设成员单位" not in page.content.decode()
    r = client_for(office).post(
        "/departments/",
        {"region": COUNTY, "action": "route", "sector": "urban_gas", "lead": unit("urban_management").pk},
    )
    assert r.status_code == 302
    assert {x.sector: x for x in routing_for(COUNTY)}["urban_gas"].lead == unit("urban_management")
    r = client_for(office).post("/departments/", {"region": COUNTY, "action": "add", "name": ""})
    assert r.status_code == 422 and "请填写单位名称" in r.content.decode()
    assert "不在您的辖区" in client_for(outsider).get("/departments/", {"region": COUNTY}).content.decode()
    ranking = client_for(office).get("/dashboard/ranking/", {"region": COUNTY, "by": "department"})
    assert ranking.status_code == 200 and "成员单位晾晒排名" in ranking.content.decode()
    sheet = client_for(office).get("/dashboard/ranking/", {"region": COUNTY, "by": "department", "format": "xlsx"})
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"


def test_a_tip_is_routed_by_its_enterprise_sector_and_one_naming_none_to_all(admin_user) -> None:
    from zhiben.tips.inputs import TipReport
    from zhiben.tips.services import tip_submit

    departments_seed(actor=admin_user, region=COUNTY)
    site = factories.enterprise(region=COUNTY, sector="construction")
    chem = factories.enterprise(region=COUNTY, sector="hazardous_chemicals")
    made = {}
    for key, firm in (("site", site), ("chem", chem), ("none", None)):
        data = {"region": COUNTY, "category": "violation", "description": "夜间违规施工作业，无人监护"}
        if firm is not None:
            data["credit_code"] = firm.credit_code
        made[key] = tip_submit(report=TipReport.model_validate(data), files=[])[0].pk
    handler = member_set(
        actor=admin_user,
        user=factories.user("th1", role="tip_handler", region=COUNTY),
        department=unit("housing").pk,
    )
    seen = {i["id"] for i in todo_for(handler, limit=100).items if i["subject"] == "tip"}
    assert seen == {made["site"], made["none"]}


def test_members_are_put_in_a_unit_by_the_office(office, officer, outsider) -> None:
    housing = unit("housing").pk
    r = client_for(office).post(
        f"/api/v1/departments/{housing}/members", {"username": officer.username}, content_type="application/json"
    )
    assert r.status_code == 200 and [m["username"] for m in r.json()] == [officer.username]
    officer.refresh_from_db()
    assert officer.department_id == housing
    r = client_for(office).post(
        f"/api/v1/departments/{housing}/members", {"username": outsider.username}, content_type="application/json"
    )
    assert r.status_code == 422 and "username" in r.json()["errors"]
    r = client_for(officer).post(
        f"/api/v1/departments/{housing}/members", {"username": officer.username}, content_type="application/json"
    )
    assert r.status_code == 403
    assert client_for(outsider).get(f"/api/v1/departments/{housing}/members").status_code == 404
    r = client_for(outsider).post(
        f"/api/v1/departments/{housing}/members", {"username": outsider.username}, content_type="application/json"
    )
    assert r.status_code == 404


def test_a_member_request_without_a_username_names_the_field(office) -> None:
    """The field is ``username``, as the endpoint documents it (not ``body.username``)."""
    housing = unit("housing").pk
    r = client_for(office).post(f"/api/v1/departments/{housing}/members", {"user": 1}, content_type="application/json")
    assert r.status_code == 422
    assert list(r.json()["errors"]) == ["username"]


def test_the_hazard_page_names_the_unit_that_leads_its_sector(admin_user, officer) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    site = factories.enterprise(region=COUNTY, sector="construction")
    hazard = factories.hazard(admin_user, site, discovered_on=datetime.date(2026, 11, 2))
    page = client_for(officer).get(f"/hazards/{hazard.pk}/").content.decode()
    assert "牵头单位" in page and unit("housing").name in page


def test_the_ranking_of_units_counts_the_tasks_each_leads(admin_user, office) -> None:
    from zhiben.plans.inputs import plan_input
    from zhiben.plans.services import plan_create

    emergency = unit("emergency")
    tasks = [
        {
            "number": "1",
            "text": "开展重大事故隐患专项排查",
            "due": "2026-06-30",
            "lead_units": [{"department": emergency.pk}],
        },
        {
            "number": "2",
            "text": "完成危化品企业全覆盖检查",
            "due": "2026-09-30",
            "lead_units": [{"department": emergency.pk}],
        },
    ]
    data = plan_input({"region": COUNTY, "title": "秀山县治本攻坚方案", "tasks": tasks})
    plan_create(actor=admin_user, data=data, today=datetime.date(2026, 11, 30))
    rows = {r["name"]: r for r in client_for(office).get("/api/v1/stats/departments", {"region": COUNTY}).json()}
    row = rows[emergency.name]
    assert (row["tasks"], row["tasks_overdue"], row["tasks_done_on_time"]) == (2, 2, 0)
    assert row["task_rate"] == 0


def test_units_of_a_region_out_of_reach_answer_404_and_a_route_names_its_region(admin_user, officer, township) -> None:
    departments_seed(actor=admin_user, region=COUNTY)
    routing_set(actor=admin_user, region=COUNTY, sector="urban_gas", lead=unit("urban_management").pk)
    outsider = factories.user("far3", role="officer", region="110105")
    assert client_for(outsider).get("/api/v1/departments", {"region": COUNTY}).status_code == 404
    town = factories.user("town3", role="officer", region=township)
    assert client_for(town).get("/api/v1/departments", {"region": COUNTY}).status_code == 200  # the county above
    routes = {r["sector"]: r for r in client_for(town).get(f"/api/v1/regions/{township}/routing").json()["routes"]}
    county = Region.objects.get(pk=COUNTY).name
    assert (routes["urban_gas"]["at"], routes["urban_gas"]["at_name"]) == (COUNTY, county)
    page = client_for(town).get("/departments/", {"region": township}).content.decode()
    assert f"（沿用{county}）" in page
