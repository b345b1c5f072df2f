"""16号令 第十四条 statistics: figures from the hazards, the .xlsx and .docx, filing, the roll-up, overdue flags
and scope."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document
from python_calamine import CalamineWorkbook

from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.filings.models import Filing
from zhiben.filings.periods import parse_period
from zhiben.filings.selectors import filing_status, rollup, statistics
from zhiben.filings.services import filing_create
from zhiben.hazards.models import Hazard
from zhiben.tests_support import factories, files

pytestmark = pytest.mark.django_db
D = datetime.date
Q3 = parse_period("2026Q3")


@pytest.fixture
def on_day(monkeypatch):
    def fix(day: D) -> None:
        monkeypatch.setattr(dates, "today", lambda: day)

    return fix


def make(actor, firm, discovered: str, **over):
    closed = over.pop("closed_on", None)
    submitted = over.pop("submitted_on", None)
    h = factories.hazard(actor, firm, discovered_on=discovered, **over)
    if closed:
        Hazard.objects.filter(pk=h.pk).update(status="closed", closed_on=closed, submitted_on=submitted or closed)
    return h


@pytest.fixture
def stocked(officer, firm):
    """Hazards around 2026Q3's boundaries (Beijing dates)."""
    make(officer, firm, "2026-09-30")  # the quarter's last day: counted
    make(officer, firm, "2026-10-01")  # the next quarter's first day: not
    make(officer, firm, "2026-07-01", deadline="2026-07-10", closed_on="2026-07-08")  # closed on time
    make(officer, firm, "2026-06-30", deadline="2026-07-05", closed_on="2026-08-01")  # found before; closed late
    make(officer, firm, "2026-08-01", deadline="2026-09-01", closed_on="2026-10-01")  # open at end, overdue then
    make(officer, firm, "2026-08-02", deadline="2026-09-30")  # open at end, due that very day: not overdue
    major = make(officer, firm, "2026-07-15", level="major", deadline="2026-12-31")
    Hazard.objects.filter(pk=major.pk).update(supervision_level="county", listed_on=D(2026, 9, 1), funds="12000.50")
    cancelled = make(officer, firm, "2026-07-20")
    Hazard.objects.filter(pk=cancelled.pk).update(status="cancelled")
    return firm


def test_figures_count_the_quarter_by_business_dates(stocked, officer) -> None:
    f = statistics(actor=officer, enterprise=stocked, period=Q3)
    g, m = f["general"], f["major"]
    assert g["found"] == 4  # 09-30, 07-01, 08-01, 08-02 (not 10-01, not 06-30, not the cancelled one)
    assert g["rectified"] == 2 and g["rectified_on_time"] == 1  # 07-08 on time; 08-01 late
    assert g["open_at_end"] == 3  # 09-30, 08-01 (closed 10-01), 08-02
    assert g["overdue_at_end"] == 1  # 08-01's deadline 09-01
    assert m["found"] == 1 and m["listed"] == 1 and m["open_at_end"] == 1 and m["overdue_at_end"] == 0
    assert f["total"]["found"] == 5
    assert f["funds"] == "12000.50" and f["funds_recorded"] == 1
    q4 = statistics(actor=officer, enterprise=stocked, period=parse_period("2026Q4"))
    assert q4["general"]["found"] == 1 and q4["general"]["rectified"] == 1 and q4["funds"] is None


def test_the_api_answers_the_figures_and_scope_hides_them(
    api_as, stocked, officer, outsider, firm_user, on_day
) -> None:
    url = f"/api/v1/enterprises/{stocked.credit_code}/statistics"
    r = api_as(officer).get(url, {"period": "2026Q3"})
    assert r.status_code == 200, r.content
    assert r.json()["figures"]["general"]["found"] == 4 and r.json()["due"] == "2026-10-15"
    assert api_as(firm_user).get(url, {"period": "2026Q3"}).status_code == 200
    bad = api_as(officer).get(url, {"period": "2026Q5"})
    assert bad.status_code == 422 and "period" in bad.json()["errors"]
    # without a period: the latest quarter that has ended
    on_day(D(2027, 1, 1))
    assert api_as(officer).get(url).json()["period"] == "2026Q4"
    for suffix in ("", ".xlsx", ".docx"):
        assert api_as(outsider).get(url + suffix, {"period": "2026Q3"}).status_code == 404


def test_the_workbook_carries_the_figures(api_as, stocked, officer) -> None:
    r = api_as(officer).get(f"/api/v1/enterprises/{stocked.credit_code}/statistics.xlsx", {"period": "2026Q3"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    rows = book.get_sheet_by_index(0).to_python()
    caption = str(rows[0][0])
    assert stocked.name in caption and "2026年第三季度" in caption
    table = {row[0]: row[1:] for row in rows[2:]}
    assert table["本期排查发现"] == [4, 1, 5]
    assert table["其中期末已逾期"] == [1, 0, 1]
    assert "主要负责人（签字）" in table and "单位（盖章）" in table


def test_the_document_is_for_the_principal_to_sign(api_as, stocked, firm_user) -> None:
    r = api_as(firm_user).get(f"/api/v1/enterprises/{stocked.credit_code}/statistics.docx", {"period": "2026Q3"})
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年第三季度事故隐患排查治理情况统计分析表" in text
    assert "主要负责人（签字）" in text and "单位（盖章）" in text and "第十四条" in text
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert ["本期排查发现", "4", "1", "5"] in cells


# --------------------------------------------------------------------------- filing
def test_the_enterprise_files_a_finished_quarter_with_its_scan(api_as, firm, firm_user, on_day) -> None:
    on_day(D(2026, 10, 15))  # the due day itself: on time
    client = Client()
    client.force_login(firm_user)
    scan = SimpleUploadedFile("signed.pdf", files.pdf(), content_type="application/pdf")
    r = client.post("/api/v1/filings", {"enterprise": firm.credit_code, "period": "2026Q3", "scan": scan})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["late"] is False and body["filed_on"] == "2026-10-15" and body["scan_url"]
    assert client.get(body["scan_url"]).status_code == 200
    event = Event.objects.get(subject_type="filing", subject_id=str(body["id"]))
    assert event.kind == "filed" and event.actor_id == firm_user.pk
    again = api_as(firm_user).post("/api/v1/filings", {"enterprise": firm.credit_code, "period": "2026Q3"})
    assert again.status_code == 409


def test_a_filing_after_the_due_day_is_late(api_as, firm, firm_user, on_day) -> None:
    on_day(D(2026, 10, 16))
    r = api_as(firm_user).post("/api/v1/filings", {"enterprise": firm.credit_code, "period": "2026Q3"})
    assert r.status_code == 201 and r.json()["late"] is True


@pytest.mark.parametrize(
    ("period", "today"),
    [("2026Q4", D(2026, 12, 31)), ("2026", D(2026, 12, 31)), ("2026Q3", D(2026, 9, 30)), ("2026Q9", D(2027, 1, 1))],
)
def test_a_period_not_yet_ended_or_not_a_period_is_refused_naming_period(
    api_as, firm, firm_user, on_day, period, today
) -> None:
    on_day(today)
    r = api_as(firm_user).post("/api/v1/filings", {"enterprise": firm.credit_code, "period": period})
    assert r.status_code == 422 and "period" in r.json()["errors"]
    assert not Filing.objects.exists()


def test_only_the_unit_files_and_only_its_own(api_as, firm, other_firm, firm_user, officer, on_day) -> None:
    on_day(D(2026, 11, 1))
    assert (
        api_as(officer).post("/api/v1/filings", {"enterprise": firm.credit_code, "period": "2026Q3"}).status_code == 403
    )
    r = api_as(firm_user).post("/api/v1/filings", {"enterprise": other_firm.credit_code, "period": "2026Q3"})
    assert r.status_code == 404
    bad = Client()
    bad.force_login(firm_user)
    gif = SimpleUploadedFile("x.gif", files.gif(), content_type="image/gif")
    r = bad.post("/api/v1/filings", {"enterprise": firm.credit_code, "period": "2026Q3", "scan": gif})
    assert r.status_code == 422 and "scan" in r.json()["errors"]
    assert not Filing.objects.exists()


@pytest.mark.parametrize("enterprise", [None, "", "abc", "91500241MA5U0DEM3X"])
def test_a_missing_or_malformed_enterprise_is_refused_naming_it(api_as, firm_user, on_day, enterprise) -> None:
    """DESIGN §6: bad input answers 422 naming the field, not 404 as if the enterprise were out of scope."""
    on_day(D(2026, 11, 1))
    body = {"period": "2026Q3"} if enterprise is None else {"enterprise": enterprise, "period": "2026Q3"}
    r = api_as(firm_user).post("/api/v1/filings", body)
    assert r.status_code == 422 and list(r.json()["errors"]) == ["enterprise"], r.content
    assert not Filing.objects.exists()


# --------------------------------------------------------------------------- roll-up and overdue
@pytest.fixture
def county(firm, firm_user, on_day, township):
    """Three enterprises of the county: one filed on time, one late, one not at all."""
    late_firm = factories.enterprise(region=township, sector="machinery", name="乙公司")
    silent = factories.enterprise(region="500241", sector="machinery", name="丙公司")
    late_user = factories.user("late1", role="enterprise", enterprise=late_firm)
    on_day(D(2026, 10, 10))
    filing_create(actor=firm_user, enterprise=firm.credit_code, period="2026Q3")
    on_day(D(2026, 10, 20))
    filing_create(actor=late_user, enterprise=late_firm.credit_code, period="2026Q3")
    return silent


@pytest.mark.parametrize(("today", "overdue"), [(D(2026, 10, 15), 0), (D(2026, 10, 16), 1)])
def test_not_filed_is_overdue_from_the_day_after_the_due_day(county, officer, today, overdue) -> None:
    late = filing_status(actor=officer, period=Q3, overdue=True, today=today)
    assert [e.pk for e in late] == ([county.pk] if overdue else [])
    summary = rollup(actor=officer, period=Q3, today=today)
    t = summary["totals"]
    assert (t["due"], t["filed"], t["filed_late"], t["not_filed"], t["overdue"]) == (3, 2, 1, 1, overdue)
    by_region = {r["key"]: r for r in summary["regions"]}
    assert by_region["500241100"]["filed_late"] == 1 and by_region["500241"]["not_filed"] == 1


def test_the_list_and_roll_up_api_and_their_scope(api_as, county, officer, outsider, firm_user, on_day) -> None:
    on_day(D(2026, 10, 16))
    r = api_as(officer).get("/api/v1/filings", {"period": "2026Q3", "overdue": "true"})
    assert r.status_code == 200 and [i["enterprise"] for i in r.json()["items"]] == [county.credit_code]
    assert r.json()["items"][0]["overdue"] is True
    assert api_as(officer).get("/api/v1/filings", {"period": "2026Q3"}).json()["count"] == 3
    assert api_as(officer).get("/api/v1/filings", {"period": "bad"}).status_code == 422
    assert api_as(officer).get("/api/v1/filings", {"period": "2026Q3", "overdue": "maybe"}).status_code == 422
    s = api_as(officer).get("/api/v1/filings/summary", {"period": "2026Q3"})
    assert s.status_code == 200 and s.json()["totals"]["overdue"] == 1
    x = api_as(officer).get("/api/v1/filings/summary.xlsx", {"period": "2026Q3"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(x.content)).get_sheet_by_index(0).to_python()
    assert ["合计", "合计", 3, 2, 1, 1, 1] in rows
    # out of scope: nothing listed, counted or readable
    assert api_as(outsider).get("/api/v1/filings", {"period": "2026Q3"}).json()["count"] == 0
    assert api_as(outsider).get("/api/v1/filings/summary", {"period": "2026Q3"}).json()["totals"]["due"] == 0
    x = api_as(outsider).get("/api/v1/filings/summary.xlsx", {"period": "2026Q3"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(x.content)).get_sheet_by_index(0).to_python()
    assert ["合计", "合计", 0, 0, 0, 0, 0] in rows
    for path in ("/api/v1/filings", "/api/v1/filings/summary", "/api/v1/filings/summary.xlsx"):
        r = api_as(outsider).get(path, {"period": "2026Q3", "region": "500241"})
        assert r.status_code == 404, path
        r = api_as(officer).get(path, {"period": "2026Q3", "region": "999999"})
        assert r.status_code == 422 and "region" in r.json()["errors"], path
    filing = Filing.objects.first()
    assert filing is not None
    assert api_as(outsider).get(f"/api/v1/filings/{filing.pk}").status_code == 404
    assert api_as(outsider).get(f"/api/v1/filings/{filing.pk}/scan").status_code == 404
    assert api_as(firm_user).get("/api/v1/filings", {"period": "2026Q3"}).json()["count"] == 1


def test_the_page_shows_the_roll_up_and_the_unit_its_figures(county, officer, firm_user, on_day) -> None:
    on_day(D(2026, 10, 16))
    client = Client()
    client.force_login(officer)
    page = client.get("/filings/", {"period": "2026Q3"}).content.decode()
    assert "丙公司" in page and "逾期未报送" in page
    client.force_login(firm_user)
    page = client.get("/filings/", {"period": "2026Q3"}).content.decode()
    assert "已于 2026-10-10 报送" in page
    assert client.get("/filings/", {"period": "2026Q7"}).status_code == 422


def test_the_unit_sees_its_unfiled_quarter_as_a_to_do(api_as, firm, firm_user, on_day) -> None:
    on_day(D(2026, 10, 3))
    items = api_as(firm_user).get("/api/v1/todo").json()["items"]
    mine = [i for i in items if i["kind"] == "statistics_quarter"]
    assert len(mine) == 1 and mine[0]["due"] == "2026-10-15" and "2026年第三季度" in mine[0]["title"]
