"""/api/v1/enterprises: the register, its rules and its scope (issue 2)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiben.audit.models import Event
from zhiben.enterprises.models import Enterprise
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db

VALID = "91440300708461136T"  # FACTS §6 example


def body(**over):
    data = {"credit_code": VALID, "name": "秀山县测试化工有限公司", "region": "500241", "sector": "hazardous_chemicals"}
    data.update(over)
    return data


def test_an_officer_registers_an_enterprise_in_the_county(api_as, officer) -> None:
    r = api_as(officer).post("/api/v1/enterprises", body(region="500241000000", risk_level="orange", employees=120))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["credit_code"] == VALID and data["region"] == "500241"
    assert data["high_risk"] is True  # from the sector: 化工和危险化学品 is high-risk
    assert data["risk_level"] == "orange" and data["employees"] == 120
    assert Event.objects.filter(subject_type="enterprise", subject_id=VALID, kind="created").exists()


def test_lowercase_and_spaced_credit_codes_are_normalised(api_as, officer) -> None:
    r = api_as(officer).post("/api/v1/enterprises", body(credit_code=" 91440300708461136t "))
    assert r.status_code == 201, r.content
    assert r.json()["credit_code"] == VALID


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91440300708461136X", "校验位"),
        ("9144030070846113", "18位"),
        ("9144030070846113OT", "格式"),
        ("", "请填写"),
    ],
)
def test_a_wrong_credit_code_is_refused_naming_the_field(api_as, officer, code: str, fragment: str) -> None:
    r = api_as(officer).post("/api/v1/enterprises", body(credit_code=code))
    assert r.status_code == 422
    assert fragment in r.json()["errors"]["credit_code"]
    assert not Enterprise.objects.exists()


def test_a_duplicate_credit_code_answers_409(api_as, officer) -> None:
    assert api_as(officer).post("/api/v1/enterprises", body()).status_code == 201
    r = api_as(officer).post("/api/v1/enterprises", body(name="另一个名字"))
    assert r.status_code == 409
    assert "credit_code" in r.json()["errors"]
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"region": "999999"}, "region"),
        ({"region": "50x"}, "region"),
        ({"region": "50"}, "region"),  # a province is not where an enterprise sits
        ({"region": "5002"}, "region"),
        ({"sector": "nope"}, "sector"),
        ({"name": "   "}, "name"),
        ({"risk_level": "purple"}, "risk_level"),
        ({"industry_code": "Z99999"}, "industry_code"),
        ({"longitude": "10.5"}, "longitude"),
    ],
)
def test_bad_fields_are_refused_naming_them(api_as, admin_user, over, field) -> None:
    r = api_as(admin_user).post("/api/v1/enterprises", body(**over))
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert not Enterprise.objects.exists()


def test_every_bad_field_is_named_at_once(api_as, admin_user) -> None:
    r = api_as(admin_user).post("/api/v1/enterprises", body(credit_code="1", region="999999", sector="nope"))
    assert set(r.json()["errors"]) >= {"credit_code", "region", "sector"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x"}, "credit_code"),  # missing fields
        ({**body(), "employees": "many"}, "employees"),  # wrong type
        ({**body(), "employees": -1}, "employees"),
        ({**body(), "name": "长" * 201}, "name"),  # over-long
        ({**body(), "high_risk": "perhaps"}, "high_risk"),
        ({**body(), "standardisation_valid_until": "2024-13-01"}, "standardisation_valid_until"),
    ],
)
def test_malformed_input_is_422_naming_the_field(api_as, officer, payload, field) -> None:
    r = api_as(officer).post("/api/v1/enterprises", payload)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]


def test_unparseable_json_is_400_not_500(api_as, officer) -> None:
    r = api_as(officer).post("/api/v1/enterprises", raw='{"credit_code": ')
    assert r.status_code in (400, 422)
    r = api_as(officer).post("/api/v1/enterprises", raw="[1, 2]")
    assert r.status_code in (400, 422)


def test_negative_paging_is_refused(api_as, officer) -> None:
    for params in ({"offset": -1}, {"limit": -5}, {"limit": "x"}):
        r = api_as(officer).get("/api/v1/enterprises", params)
        assert r.status_code == 422, params


def test_an_officer_cannot_register_outside_the_subtree(api_as, officer) -> None:
    r = api_as(officer).post("/api/v1/enterprises", body(region="110105"))
    assert r.status_code == 422
    assert "管辖范围" in r.json()["errors"]["region"]


def test_a_sector_limited_officer_cannot_register_other_sectors(api_as, chem_officer) -> None:
    assert api_as(chem_officer).post("/api/v1/enterprises", body(sector="machinery")).status_code == 422
    assert api_as(chem_officer).post("/api/v1/enterprises", body()).status_code == 201


def test_enterprise_users_cannot_register_enterprises(api_as, firm_user) -> None:
    assert api_as(firm_user).post("/api/v1/enterprises", body()).status_code == 403


def test_a_township_officer_may_register_in_the_township_only(api_as, township) -> None:
    town = factories.user("town1", role="officer", region=township)
    assert api_as(town).post("/api/v1/enterprises", body(region=township)).status_code == 201
    other = body(credit_code=factories.credit_code(), region="500241")
    assert api_as(town).post("/api/v1/enterprises", other).status_code == 422


def test_lists_are_cut_to_scope(
    api_as, officer, outsider, chem_officer, firm, other_firm, firm_user, admin_user
) -> None:
    machinery_here = factories.enterprise(region="500241", sector="machinery")

    def codes(user):
        r = api_as(user).get("/api/v1/enterprises", {"limit": 100})
        assert r.status_code == 200
        return {row["credit_code"] for row in r.json()["items"]}

    assert codes(officer) == {firm.credit_code, machinery_here.credit_code}
    assert codes(outsider) == {other_firm.credit_code}
    assert codes(chem_officer) == {firm.credit_code}
    assert codes(firm_user) == {firm.credit_code}
    assert codes(admin_user) == {firm.credit_code, machinery_here.credit_code, other_firm.credit_code}


def test_out_of_scope_details_answer_404(api_as, officer, outsider, chem_officer, firm, firm_user) -> None:
    machinery_here = factories.enterprise(region="500241", sector="machinery")
    assert api_as(officer).get(f"/api/v1/enterprises/{firm.credit_code}").status_code == 200
    assert api_as(outsider).get(f"/api/v1/enterprises/{firm.credit_code}").status_code == 404
    assert api_as(chem_officer).get(f"/api/v1/enterprises/{machinery_here.credit_code}").status_code == 404
    assert api_as(firm_user).get(f"/api/v1/enterprises/{machinery_here.credit_code}").status_code == 404
    assert api_as(officer).get("/api/v1/enterprises/91440300708461136T").status_code == 404


def test_out_of_scope_updates_answer_404(api_as, officer, outsider, firm) -> None:
    assert api_as(outsider).patch(f"/api/v1/enterprises/{firm.credit_code}", {"name": "x"}).status_code == 404
    # the body is read after the scope check: an outsider's bad body tells nothing either
    for bad in ({"employees": "many"}, {"colour": "red"}):
        assert api_as(outsider).patch(f"/api/v1/enterprises/{firm.credit_code}", bad).status_code == 404
    assert api_as(outsider).patch(f"/api/v1/enterprises/{firm.credit_code}", raw="{").status_code == 404
    r = api_as(officer).patch(f"/api/v1/enterprises/{firm.credit_code}", {"risk_level": "red", "principal": "王某"})
    assert r.status_code == 200 and r.json()["risk_level"] == "red"
    event = Event.objects.get(subject_id=firm.credit_code, kind="updated")
    assert event.payload["changes"]["risk_level"] == ["", "red"]


def test_an_officer_cannot_move_an_enterprise_out_of_scope(api_as, officer, firm) -> None:
    r = api_as(officer).patch(f"/api/v1/enterprises/{firm.credit_code}", {"region": "110105"})
    assert r.status_code == 422
    firm.refresh_from_db()
    assert firm.region_id == "500241"


def test_list_filters(api_as, admin_user, township) -> None:
    a = factories.enterprise(
        region=township,
        sector="hazardous_chemicals",
        risk_level="red",
        supervision_class="A",
        standardisation_grade="2",
        high_risk=True,
        name="甲化工有限公司",
    )
    factories.enterprise(region="500241", sector="machinery", risk_level="blue", name="乙机械有限公司")
    factories.enterprise(region="110105", sector="hazardous_chemicals", risk_level="red", name="丙化工有限公司")
    client = api_as(admin_user)

    def names(**params):
        return {row["name"] for row in client.get("/api/v1/enterprises", params).json()["items"]}

    assert names(region="500241") == {"甲化工有限公司", "乙机械有限公司"}
    assert names(region="500241100000") == {"甲化工有限公司"}
    assert names(sector="hazardous_chemicals") == {"甲化工有限公司", "丙化工有限公司"}
    assert names(risk_level="red", region="50") == {"甲化工有限公司"}
    assert names(supervision_class="A") == {"甲化工有限公司"}
    assert names(standardisation_grade="2") == {"甲化工有限公司"}
    assert names(high_risk="true") == {"甲化工有限公司"}
    assert names(q="机械") == {"乙机械有限公司"}
    assert names(q=a.credit_code.lower()) == {"甲化工有限公司"}


def test_the_list_costs_the_same_queries_for_many_rows(api_as, officer) -> None:
    client = api_as(officer)
    client.get("/api/v1/enterprises")  # the first call also stamps the token's last use
    for _ in range(3):
        factories.enterprise(region="500241")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/enterprises", {"limit": 100})
    for _ in range(20):
        factories.enterprise(region="500241")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/enterprises", {"limit": 100}).json()["count"] == 23
    assert len(many) == len(few) <= 4


def test_a_patch_with_unknown_fields_or_a_new_credit_code_is_refused(api_as, officer, firm) -> None:
    r = api_as(officer).patch(f"/api/v1/enterprises/{firm.credit_code}", {"credit_code": VALID})
    assert r.status_code == 422 and "credit_code" in r.json()["errors"]
    r = api_as(officer).patch(f"/api/v1/enterprises/{firm.credit_code}", {"colour": "red"})
    assert r.status_code == 422 and r.json()["errors"]["colour"] == "不支持的字段"


def test_unknown_filter_values_are_refused_in_chinese(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/enterprises", {"risk_level": "purple"})
    assert r.status_code == 422
    assert "取值不正确" in r.json()["errors"]["risk_level"]


def test_schema_errors_are_worded_in_chinese(api_as, officer) -> None:
    # The typed input's own parsers word these, naming the field (they were pydantic's generic words).
    r = api_as(officer).post("/api/v1/enterprises", {"name": "某公司"})
    assert r.json()["errors"]["credit_code"] == "请填写统一社会信用代码"
    r = api_as(officer).post("/api/v1/enterprises", {**body(), "name": "长" * 201})
    assert r.json()["errors"]["name"] == "单位名称不能超过200个字符（现为201个）"
