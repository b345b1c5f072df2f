"""The dashboard (一屏观全域) is the registers' declared parts (kit.Dashboard in each register.py): the
declarations are well formed, the headline figures are the ones the hazard selectors give (as before the
parts were declared), the page shows each part's tiles in order, and a register's new part needs nothing
but its declaration."""

from __future__ import annotations

import datetime
import string
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhiben.accounts.models import User
from zhiben.analytics.selectors import TALLIED, dashboard_data, hazard_stats, zeroing
from zhiben.common import kit
from zhiben.common.inputs import parse
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardReport, HazardSubmission, HazardSupervision
from zhiben.hazards.services import hazard_create, hazard_submit, hazard_supervise
from zhiben.tests_support import factories

PARTS = [pytest.param(spec.name, part, id=part.key) for spec, part in kit.dashboards()]
# The dashboard's own keys (DESIGN.md §6 names): a register's part may not take one.
OWN_KEYS = {"region", "as_of", "regions", "sectors", "sources", "months", "top_enterprises"}


def named(template: Any) -> set[str]:
    if callable(template):
        return set()
    return {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(template) if f}


# --- the declarations ----------------------------------------------------------------------------------


def test_the_parts_are_the_headline_then_the_accidents_then_the_tasks() -> None:
    keys = [part.key for _, part in kit.dashboards()]
    assert keys == ["headline", "accidents", "tasks", "enforcement"]
    assert len(set(keys)) == len(keys) and not set(keys) & OWN_KEYS


@pytest.mark.parametrize(("name", "part"), PARTS)
def test_every_tile_shows_a_declared_figure_and_names_only_figures(name: str, part: kit.Dashboard) -> None:
    assert part.tiles
    if callable(part.figures):
        return  # its names are checked on a real answer below
    figures = set(part.figures)
    for tile in part.tiles:
        assert tile.key in figures, f"{name}: tile {tile.key!r} shows no declared figure"
        assert named(tile.label) | named(tile.query) <= figures
        assert tile.format in ("count", "rate", "amount")
    for source in part.figures.values():
        if isinstance(source, kit.Measure | kit.Ratio):
            assert name in TALLIED, f"{name} declares measures but keeps no tallies"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "part"), PARTS)
def test_every_tile_finds_its_figure_in_a_real_answer(name: str, part: kit.Dashboard, officer) -> None:
    figures = dashboard_data(actor=officer)[part.key]
    for tile in part.tiles:
        kit.figure_value(figures, tile.key)
        kit.fill(tile.label, figures) if isinstance(tile.label, str) else tile.label(figures)
        kit.fill(tile.query, figures)
    kit.fill(part.note, figures)


# --- the same numbers as the selectors -------------------------------------------------------------------


def old_headline(actor: User, region: str | None) -> dict[str, Any]:
    """The headline as it was assembled by hand before the parts were declared (hazard_stats and zeroing)."""
    today = rules.today()
    by_region = hazard_stats(actor=actor, region=region, group_by="region")
    major = hazard_stats(actor=actor, region=region, group_by="cohort", level="major")
    zero = zeroing(actor=actor, region=region)
    totals = by_region["totals"]
    increment = {row["year"]: row["total"] for row in zero["increment"]}
    return {
        "open_major": major["totals"]["open"],
        "overdue": totals["overdue"],
        "overdue_major": major["totals"]["overdue"],
        "stock_remaining": zero["stock"]["remaining"],
        "stock_deadline": zero["stock"]["deadline"],
        "days_to_stock_deadline": zero["stock"]["days_to_deadline"],
        "stock_cleared_by_deadline": zero["stock"]["cleared_by_deadline"],
        # issue 11: the close-outs whose review is late (none here)
        "review_overdue": 0,
        "year": today.year,
        "increment_this_year": increment.get(str(today.year), 0),
        "increment_last_year": increment.get(str(today.year - 1), 0),
        "on_time_rate": round(totals["closed_on_time"] / totals["closed"], 4) if totals["closed"] else None,
        "listed": totals["listed"],
        "total": totals["total"],
        "open": totals["open"],
    }


@pytest.fixture
def hazards(officer, township) -> None:
    today = rules.today()
    this_year, last_year = datetime.date(today.year, 1, 1), datetime.date(today.year - 1, 3, 1)
    chem = factories.enterprise(region=township, sector="hazardous_chemicals")
    works = factories.enterprise(region="500241", sector="machinery")
    rows = (
        (chem, "major", "2023-06-01", "2024-01-01"),  # stock, overdue
        (chem, "major", str(last_year), None),
        (chem, "major", str(this_year), str(today + datetime.timedelta(days=30))),
        (works, "general", str(this_year), str(this_year)),
        (works, "general", "2023-05-01", None),
    )
    made = []
    for firm, level, discovered, deadline in rows:
        report = {
            "enterprise": firm.credit_code,
            "title": "t",
            "level": level,
            "source": "inspection",
            "discovered_on": discovered,
            "deadline": deadline,
            "criterion": "SAWS121C-1" if level == "major" else "",
        }
        made.append(hazard_create(actor=officer, report=parse(HazardReport, report)))
    hazard_submit(
        hazard_id=made[4].pk, actor=officer, submission=parse(HazardSubmission, {"summary": "已整改"})
    )  # a general one closed at once
    hazard_supervise(hazard_id=made[0].pk, actor=officer, supervision=parse(HazardSupervision, {"level": "county"}))


@pytest.mark.django_db
@pytest.mark.parametrize("deadline", ["2024-12-31", "2099-12-31"])
def test_the_headline_is_what_the_selectors_give(
    hazards, officer, admin_user, chem_officer, township, settings, deadline
):
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_DEADLINE": deadline}
    firm_user = factories.user("firm-h", role="enterprise", enterprise=factories.enterprise(region=township))
    for actor, region in (
        (officer, None),
        (officer, township),
        (admin_user, None),
        (admin_user, "50"),
        (chem_officer, None),
        (firm_user, None),
    ):
        assert dashboard_data(actor=actor, region=region)["headline"] == old_headline(actor, region), actor.username
    headline = dashboard_data(actor=officer)["headline"]
    assert headline["total"] == 5 and headline["open_major"] == 3 and headline["listed"] == 1
    assert headline["stock_remaining"] == 1 and headline["increment_this_year"] == 1
    assert headline["increment_last_year"] == 1


@pytest.mark.django_db
def test_the_dashboard_reads_the_counts_not_the_hazard_rows(hazards, officer) -> None:
    dashboard_data(actor=officer)
    with CaptureQueriesContext(connection) as queries:
        dashboard_data(actor=officer)
    counted = [q["sql"] for q in queries if 'FROM "hazards_hazard"' in q["sql"] and "COUNT(" in q["sql"].upper()]
    assert counted == []


# --- the page ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_each_parts_tiles_in_order_with_their_links(hazards, officer, township) -> None:
    client = Client()
    client.force_login(officer)
    page = client.get("/dashboard/", {"region": township}).content.decode()
    order = [
        "未销号重大隐患",
        "逾期未整改（其中重大",
        "存量重大隐患未销号",
        "今年新增重大隐患",
        "按期销号率",
        "挂牌督办",
        "事故（起）",
        "死亡（人）",
        "重伤（人）",
        "直接经济损失（元）",
    ]
    places = [page.index(f"<span>{label}") for label in order]
    assert places == sorted(places)
    assert f'href="/hazards/?level=major&amp;status=active&amp;region={township}"' in page
    year = rules.today().year
    assert f'href="/accidents/?year={year}&amp;region={township}">事故清单 ›</a>' in page
    assert '<div class="tile danger count"><b>0</b><span>死亡（人）</span></div>' in page  # a figure without a list


@pytest.mark.django_db
def test_a_registers_new_part_needs_only_its_declaration(officer, monkeypatch) -> None:
    """A register declares a part — a measure of the tallies, a figure of its own — and the page and the
    API show it, where its order puts it, with nothing else changed."""
    part = kit.Dashboard(
        key="checks",
        figures={"planned": lambda actor, region: 1234, "hazards": kit.Measure("total")},
        tiles=(
            kit.Tile("planned", "计划检查", "enterprise-list", "high_risk=1", "warn", unit="次"),
            kit.Tile("hazards", "其中发现隐患（计划 {planned:,} 次）"),
        ),
        heading="监督检查",
        order=20,
    )
    # named as the hazard register: its measure reads the hazard tallies, the only ones kept today
    spec = kit.Register(
        name="hazard",
        label="测试",
        path="x",
        app_label="x",
        get_scoped=lambda a, k: None,
        events=kit.EventCatalogue(()),
        dashboard=(part,),
    )
    monkeypatch.setattr(kit, "_REGISTRY", {**kit._REGISTRY, "test-checks": spec})
    data = dashboard_data(actor=officer)
    assert data["checks"] == {"planned": 1234, "hazards": 0}
    client = Client()
    client.force_login(officer)
    page = client.get("/dashboard/").content.decode()
    assert '<section class="card" id="checks">' in page
    assert 'href="/enterprises/?high_risk=1&amp;region=500241"><b>1234</b><span>计划检查（次）</span>' in page
    assert page.index("挂牌督办") < page.index("计划检查") < page.index("生产安全事故")
    assert client.get("/api/v1/stats/dashboard").json()["checks"] == {"planned": 1234, "hazards": 0}
