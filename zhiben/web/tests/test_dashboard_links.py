"""Every number of the dashboard (一屏观全域) that is a link opens a list of exactly that many rows.

The tiles of every register's part and each linked number of 分区划明细 are followed as a user follows
them — the href read off the page — and the list behind it (the page's paginator and the API list with the
same query) must count what the figure shows: for the officer of a county, of one of its townships, of the
county limited to a sector, and for an admin; on hazards of several years (this year's, last year's, the
stock's), registered at the county's own code and at its townships, some closed, some cancelled, some listed.
A year filter missing from the tile of this year's increment, a 本级 row opening its whole subtree, or a
list that keeps the cancelled hazards a figure leaves out each fail here."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhiben.accidents.tests import support as accidents
from zhiben.accounts.models import User
from zhiben.common.inputs import parse
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardCancellation, HazardSubmission, HazardSupervision
from zhiben.hazards.services import hazard_cancel, hazard_submit, hazard_supervise
from zhiben.tests_support import factories
from zhiben.web.dashboards import dashboard_parts

pytestmark = pytest.mark.django_db

COUNTY, TOWNSHIP, TOWNSHIP_2, OTHER_COUNTY = "500241", "500241100", "500241101", "110105"

# A linked number on the page: a tile (<a class="tile" href=…><b>12</b>) or a table cell (<a href=…>12</a>);
# not a linked name (the enterprises with most overdue hazards).
LINKED = re.compile(r'<a (?:class="tile[^"]*" )?href="(/(?:hazards|accidents)/\?[^"]*)">(?:<b>)?([\d,]+%?|—)<')
APIS = {"/hazards/": "/api/v1/hazards", "/accidents/": "/api/v1/accidents"}


@pytest.fixture
def world(admin_user: User) -> dict[str, User]:
    """Hazards at the county's own code and at two townships (and one far away), of this year, last year,
    2024 and the stock; open, overdue, closed, cancelled, listed (one listed and then cancelled)."""
    today = rules.today()
    this_year, last_year = datetime.date(today.year, 1, 1), datetime.date(today.year - 1, 3, 1)
    later = today + datetime.timedelta(days=30)
    factories.township(TOWNSHIP, "清溪场镇", COUNTY)
    factories.township(TOWNSHIP_2, "隘口镇", COUNTY)
    chem_c = factories.enterprise(region=COUNTY, sector="hazardous_chemicals")
    works_c = factories.enterprise(region=COUNTY, sector="machinery")
    chem_t = factories.enterprise(region=TOWNSHIP, sector="hazardous_chemicals")
    works_t = factories.enterprise(region=TOWNSHIP, sector="machinery")
    chem_t2 = factories.enterprise(region=TOWNSHIP_2, sector="hazardous_chemicals")
    far = factories.enterprise(region=OTHER_COUNTY, sector="hazardous_chemicals")
    confirmer = factories.user("confirmer", role="admin")  # a major hazard's cancellation takes two (issue 11)

    def made(firm: Any, level: str, discovered: datetime.date | str, deadline: Any = None, *then: str) -> None:
        h = factories.hazard(admin_user, firm, level=level, discovered_on=discovered, deadline=deadline)
        for step in then:
            if step == "listed":
                supervision = parse(HazardSupervision, {"level": "county"})
                hazard_supervise(hazard_id=h.pk, actor=admin_user, supervision=supervision)
            elif step == "closed":  # a general hazard closes at once
                submission = parse(HazardSubmission, {"summary": "已整改"})
                hazard_submit(hazard_id=h.pk, actor=admin_user, submission=submission)
            elif step == "cancelled":
                cancellation = parse(HazardCancellation, {"reason": "误报"})
                for who in (admin_user, confirmer) if level == "major" else (admin_user,):
                    hazard_cancel(hazard_id=h.pk, actor=who, cancellation=cancellation)

    # the county's own (本级)
    made(chem_c, "major", this_year, later)
    made(chem_c, "major", this_year, None, "cancelled")
    made(chem_c, "major", last_year, last_year + datetime.timedelta(days=90), "listed")  # overdue
    made(chem_c, "major", "2023-06-01", "2024-01-01", "listed", "cancelled")  # stock
    made(works_c, "general", this_year, later, "closed")
    made(works_c, "general", "2024-05-01")
    # its townships
    made(chem_t, "major", this_year, later)
    made(chem_t, "major", this_year, None, "listed")
    made(chem_t, "major", "2023-03-01", None, "listed")  # stock, open
    made(chem_t, "major", last_year)
    made(works_t, "general", last_year, last_year, "closed")
    made(works_t, "general", this_year, None, "cancelled")
    made(works_t, "general", last_year, last_year)  # overdue
    made(chem_t2, "major", this_year, this_year)  # overdue from 2 January
    made(chem_t2, "general", "2023-09-01", "2023-12-01", "closed")
    # another county: the admin's only
    made(far, "major", this_year, later)
    made(far, "general", last_year, None, "cancelled")
    # accidents this year at the county's own code, at a township (two sectors), and last year's
    recent = timezone.now() - datetime.timedelta(hours=3)
    for region, sector, when in (
        (COUNTY, "machinery", recent),
        (COUNTY, "hazardous_chemicals", recent),
        (TOWNSHIP, "hazardous_chemicals", recent),
        (TOWNSHIP_2, "machinery", recent),
        (COUNTY, "machinery", datetime.datetime(today.year - 1, 6, 1, 10, tzinfo=datetime.UTC)),
        (OTHER_COUNTY, "machinery", recent),
    ):
        accidents.make(
            admin_user, region=region, sector=sector, occurred_at=when.isoformat(), reported_at=when.isoformat()
        )
    return {
        "county officer": factories.user("county-o", role="officer", region=COUNTY),
        "township officer": factories.user("town-o", role="officer", region=TOWNSHIP),
        "sector officer": factories.user("chem-o", role="officer", region=COUNTY, sectors=["hazardous_chemicals"]),
        "admin": admin_user,
    }


def linked_numbers(client: Client, region: str | None) -> tuple[list[tuple[str, int]], Any]:
    """``[(href, number)]`` of every counted number on the dashboard that is a link (a rate is no count)."""
    r = client.get("/dashboard/", {"region": region} if region else {})
    assert r.status_code == 200, region
    found = []
    for href, shown in LINKED.findall(r.content.decode()):
        text = shown.strip().replace(",", "")
        if text.endswith("%") or text == "—":
            continue  # 按期销号率: a ratio, its list is the denominator's
        found.append((html.unescape(href), int(text)))
    return found, r.context["data"]


def listed_count(client: Client, href: str) -> int:
    """How many rows the list at ``href`` holds: its page's count, which the API list answers too."""
    page = client.get(href)
    assert page.status_code == 200, href
    assert not page.context["filter_errors"], (href, page.context["filter_errors"])
    path, query = href.split("?", 1)
    answer = client.get(f"{APIS[path]}?{query}&limit=1")
    assert answer.status_code == 200, (href, answer.content[:300])
    count: int = page.context["page"].paginator.count
    assert answer.json()["count"] == count, href
    return count


VIEWS = [
    ("county officer", None),
    ("county officer", TOWNSHIP),
    ("township officer", None),
    ("sector officer", None),
    ("sector officer", TOWNSHIP),
    ("admin", None),
    ("admin", "50"),
    ("admin", COUNTY),
]


@pytest.mark.parametrize(("who", "region"), VIEWS)
def test_every_linked_number_counts_the_list_it_opens(world, who, region) -> None:
    client = Client()
    client.force_login(world[who])
    numbers, data = linked_numbers(client, region)
    # every linked headline tile (the rate aside), the six numbers of each 分区划明细 row and the accident
    # count of each grade, region and sector row were read
    tiles = [t for part in dashboard_parts(data) for t in part["tiles"] if t["url"] and t["format"] != "rate"]
    acc = data["accidents"]
    rows = len(acc["grades"]) + len(acc["regions"]) + len(acc["sectors"])
    assert len(numbers) == len(tiles) + 6 * len(data["regions"]) + rows, numbers
    wrong = [(href, shown, n) for href, shown in numbers if (n := listed_count(client, href)) != shown]
    assert wrong == [], wrong


def test_the_data_has_what_the_links_must_tell_apart(world) -> None:
    """The county's own row and this year's increment differ from their subtree and from every year's, and
    cancelled hazards are listed unless the link says otherwise: the links above are tested on a difference."""
    client = Client()
    client.force_login(world["county officer"])
    numbers, data = linked_numbers(client, None)
    own = next(g for g in data["regions"] if g["key"] == COUNTY)
    assert own["total"] == 4 and data["headline"]["total"] == 12  # 本级 4 of the subtree's 12
    assert data["headline"]["increment_this_year"] == 4 and data["headline"]["listed"] == 3
    whole = listed_count(client, f"/hazards/?region={COUNTY}")
    every_year = listed_count(client, f"/hazards/?level=major&cohort=increment&region={COUNTY}")
    assert whole == 15 and every_year == 7  # the cancelled and the other years' are in the plain lists
    assert any("region_exact=1" in href for href, _ in numbers if href.startswith("/hazards/"))
    own_accidents = [n for href, n in numbers if href.startswith("/accidents/") and "region_exact=1" in href]
    assert own_accidents == [2]  # the county's own two of this year, not its townships' nor last year's
    assert any(f"year={rules.today().year}" in href for href, _ in numbers)


RANKED = re.compile(r'<a href="(/hazards/\?[^"]*)">([\d,]+)<')


@pytest.mark.parametrize(("who", "region"), [("county officer", None), ("admin", COUNTY), ("sector officer", None)])
def test_the_ranking_sets_the_own_level_apart_and_every_number_opens_its_list(world, who, region) -> None:
    client = Client()
    client.force_login(world[who])
    for sort in ("on_time_rate", "overdue", "stock_open"):
        r = client.get("/dashboard/ranking/", {"sort": sort, **({"region": region} if region else {})})
        rows = r.context["rows"]
        assert [row["key"] for row in rows][-1] == COUNTY and rows[-1]["own"] and rows[-1]["rank"] is None
        assert [row["rank"] for row in rows[:-1]] == list(range(1, len(rows)))
        assert rows[-1]["name"].endswith("（本级）") and not any(row["own"] for row in rows[:-1])
    page = r.content.decode()
    assert 'class="own-row"' in page
    numbers = [(html.unescape(href), int(n.replace(",", ""))) for href, n in RANKED.findall(page)]
    assert len(numbers) == 2 * len(rows)
    wrong = [(href, shown, n) for href, shown in numbers if (n := listed_count(client, href)) != shown]
    assert wrong == [], wrong


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/dashboard/?region=500241", "/dashboard/ranking/", "/dashboard/ranking/?format=xlsx"]
)
def test_an_enterprise_user_is_refused_the_dashboard_and_the_ranking(url: str) -> None:
    firm = factories.enterprise(region=COUNTY)
    client = Client()
    client.force_login(factories.user("firm-u", role="enterprise", enterprise=firm))
    assert client.get(url).status_code == 403
    assert "一屏观全域" not in client.get("/").content.decode()
