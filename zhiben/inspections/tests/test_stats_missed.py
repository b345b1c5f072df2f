"""有问题查不出 (GET /api/v1/stats/enforcement/self-check-missed): a major hazard an inspection found at an enterprise
whose own self-check recorded nothing similar (a hazard citing the same criteria clause) in the 365 days before the
inspection day; counts by child region and unit; the scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from zhiben.hazards.models import Hazard, Status
from zhiben.tests_support import factories

from . import factories_stats as make

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/enforcement/self-check-missed"
PERIOD = {"from": "2025-01", "to": "2025-12"}
CLAUSE = "SAWS121C-1"
OTHER_CLAUSE = "SAWS121C-2"
ON = "2025-06-01"


@pytest.fixture
def county(db: Any) -> Any:
    factories.township("500241100", "清溪场镇", "500241")
    officer = factories.user("m-officer", role="officer", region="500241")
    unit = make.unit("500241", "秀山县应急管理局")
    firm = factories.enterprise(region="500241100", sector="hazardous_chemicals", name="清溪化工")
    return officer, unit, firm


def ask(user: Any, **params: Any) -> Any:
    client = Client()
    client.force_login(user)
    r = client.get(URL, {**PERIOD, **params})
    assert r.status_code == 200, r.content
    return r.json()


def found_at(officer: Any, unit: Any, firm: Any, *, criterion: str = CLAUSE, on: str = ON) -> Any:
    made = make.inspection(officer, firm, on=on, department=unit)
    return make.finding(officer, made, level="major", criterion=criterion, title="储罐区可燃气体报警器失效")


def missed_ids(officer: Any) -> list[int]:
    return [item["hazard"] for item in ask(officer)["items"]]


def test_a_major_finding_without_a_similar_self_check_is_missed(county: Any) -> None:
    officer, unit, firm = county
    finding = found_at(officer, unit, firm)
    make.inspection(officer, firm, on=ON)  # an inspection with nothing found
    general = make.inspection(officer, firm, on=ON)
    make.finding(officer, general, level="general")  # a general finding is not counted
    body = ask(officer)
    assert body["count"] == 1 and body["lookback_days"] == 365
    (item,) = body["items"]
    assert item["hazard"] == finding.hazard_id and item["inspection"] == finding.inspection_id
    assert (item["credit_code"], item["enterprise"], item["criterion"]) == (firm.credit_code, "清溪化工", CLAUSE)
    assert item["department_name"] == "秀山县应急管理局" and item["on"] == ON
    assert body["by_region"] == [{"key": "500241100", "name": "清溪场镇", "own": False, "count": 1}]
    assert body["by_department"] == [{"id": unit.pk, "name": "秀山县应急管理局", "count": 1}]


@pytest.mark.parametrize(
    ("self_found_on", "criterion", "missed"),
    [
        ("2025-01-01", CLAUSE, False),  # the same clause, found by the enterprise before
        ("2024-06-01", CLAUSE, False),  # 365 days before the inspection: still within
        ("2024-05-31", CLAUSE, True),  # 366 days before: too old
        ("2025-06-01", CLAUSE, True),  # on the inspection day itself: not before it
        ("2025-01-01", OTHER_CLAUSE, True),  # another clause is not the same problem
    ],
)
def test_a_similar_self_check_before_the_inspection(
    county: Any, self_found_on: str, criterion: str, missed: bool
) -> None:
    officer, unit, firm = county
    make.self_check(officer, firm, on=self_found_on, level="major", criterion=criterion)
    finding = found_at(officer, unit, firm)
    assert missed_ids(officer) == ([finding.hazard_id] if missed else [])


def test_a_general_self_check_citing_the_clause_counts_and_a_cancelled_one_does_not(county: Any) -> None:
    officer, unit, firm = county
    seen = make.self_check(officer, firm, on="2025-02-01", level="general", criterion=CLAUSE)
    finding = found_at(officer, unit, firm)
    assert missed_ids(officer) == []
    Hazard.objects.filter(pk=seen.pk).update(status=Status.CANCELLED)
    assert missed_ids(officer) == [finding.hazard_id]


def test_another_enterprises_self_check_does_not_count(county: Any) -> None:
    officer, unit, firm = county
    neighbour = factories.enterprise(region="500241100", sector="hazardous_chemicals", name="邻厂")
    make.self_check(officer, neighbour, on="2025-02-01", level="major", criterion=CLAUSE)
    finding = found_at(officer, unit, firm)
    assert missed_ids(officer) == [finding.hazard_id]


def test_the_period_the_paging_and_the_scope(county: Any) -> None:
    officer, unit, firm = county
    early = found_at(officer, unit, firm, on="2025-02-01")
    late = found_at(officer, unit, firm, on="2025-08-01")
    assert missed_ids(officer) == [late.hazard_id, early.hazard_id]  # newest first
    assert ask(officer, limit=1, offset=1)["items"][0]["hazard"] == early.hazard_id
    assert ask(officer, **{"from": "2025-07", "to": "2025-12"})["count"] == 1
    outsider = factories.user("m-out", role="officer", region="110105")
    client = Client()
    client.force_login(outsider)
    assert client.get(URL, {"region": "500241"}).status_code == 404
    assert ask(outsider)["count"] == 0
    other = make.unit("500241", "秀山县住建委", "housing")
    assert ask(officer, department=other.pk)["count"] == 0
    assert ask(officer, department=unit.pk)["count"] == 2
    firm_user = factories.user("m-firm", role="enterprise", enterprise=firm)
    client.force_login(firm_user)
    assert client.get(URL, PERIOD).status_code == 403
    assert client.get(URL, {"limit": 0}).status_code == 422
