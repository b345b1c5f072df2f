"""Duty lists, the ledger and the completion rate through the API: who may record what, all or nothing, the
year-end report read back, and the figures by person and by unit."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from zhiben.audit.models import Event
from zhiben.duties.models import DutyAttachment, DutyEntry, DutyItem, DutyList
from zhiben.duties.services import duty_entry_add
from zhiben.tests_support import files

from .conftest import COUNTY, Duties, item, leader_list, unit_list

pytestmark = pytest.mark.django_db
D = datetime.date


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_the_committee_office_registers_a_leaders_list_and_its_items(duties: Duties) -> None:
    office = duties.client("office")
    r = post(
        office,
        "/api/v1/duty-lists",
        {
            "region": COUNTY,
            "year": 2026,
            "leader": duties.users["leader"].pk,
            "leader_post": "县长",
            "filed_on": "2026-01-20",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["owner"] == "县长 张三"
    assert body["title"] == "县长张三2026年安全生产职责清单"
    r = post(
        office,
        f"/api/v1/duty-lists/{body['id']}/items",
        {"number": "1", "text": "每季度研究安全生产", "period": "quarter"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["due_kind"] == "ongoing"
    r = post(
        office, f"/api/v1/duty-lists/{body['id']}/items", {"number": "2", "text": "组织专题学习", "due_text": "6月底前"}
    )
    assert r.json()["due_on"] == "2026-06-30"
    assert r.json()["due_kind"] == "month_end"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": 2026}, "leader_name"),
        ({"year": "今年", "leader_name": "张三"}, "year"),
        ({"year": 2026, "leader_name": "张三", "department": 999999}, "department"),
        ({"year": 2026, "leader_name": "张三", "filed_on": "2099-01-01"}, "filed_on"),
        ({"year": 2026, "leader_name": "张三", "kind": "weekly"}, "kind"),
        ({"year": 2026, "leader_name": "张三", "kind": []}, "kind"),
        ({"year": 2026, "leader_name": "张三", "kind": {}}, "kind"),
        ({"year": 2026, "leader_name": "张三", "filed_on": "0001-01-01"}, "filed_on"),
    ],
)
def test_a_bad_list_is_refused_naming_the_field_and_nothing_is_written(duties: Duties, body, field) -> None:
    events = Event.objects.count()
    r = post(duties.client("office"), "/api/v1/duty-lists", {"region": COUNTY, **body})
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert DutyList.objects.count() == 0
    assert Event.objects.count() == events


def test_a_unit_list_and_a_leader_at_once_is_refused(duties: Duties) -> None:
    r = post(
        duties.client("office"),
        "/api/v1/duty-lists",
        {"region": COUNTY, "year": 2026, "leader_name": "张三", "department": duties.units["emergency"].pk},
    )
    assert r.status_code == 422
    assert "department" in r.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": "1", "text": "x"}, "due_on"),
        ({"number": "1", "text": "x", "due_on": "2027-01-05"}, "due_on"),
        ({"number": "1", "text": "x", "due_text": "每半年"}, "period"),
        ({"number": "1", "text": "x", "due_text": "尽快"}, "due_text"),
        ({"number": "1", "text": "x", "period": "weekly"}, "period"),
        ({"number": "", "text": "x", "due_on": "2026-05-01"}, "number"),
        ({"number": "1", "text": "", "due_on": "2026-05-01"}, "text"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(duties: Duties, body, field) -> None:
    duty_list = leader_list(duties)
    r = post(duties.client("office"), f"/api/v1/duty-lists/{duty_list.pk}/items", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert DutyItem.objects.count() == 0


def test_only_the_committee_office_keeps_lists(duties: Duties) -> None:
    for who in ("leader", "emergency", "county"):
        r = post(duties.client(who), "/api/v1/duty-lists", {"region": COUNTY, "year": 2026, "leader_name": "李四"})
        assert r.status_code == 403, who
    duty_list = leader_list(duties)
    # the leader sees the list but may not change its items
    r = post(
        duties.client("leader"),
        f"/api/v1/duty-lists/{duty_list.pk}/items",
        {"number": "1", "text": "x", "due_on": "2026-05-01"},
    )
    assert r.status_code == 403
    # the city above sees it, but keeps only through its committee office
    r = post(
        duties.client("city"),
        f"/api/v1/duty-lists/{duty_list.pk}/items",
        {"number": "1", "text": "x", "due_on": "2026-05-01"},
    )
    assert r.status_code == 403
    assert DutyItem.objects.count() == 0


def test_who_may_record_ledger_entries(duties: Duties) -> None:
    mine = item(duties, leader_list(duties))
    unit_item = item(duties, unit_list(duties))
    body = {"done_on": "2026-06-30", "text": "召开县政府常务会议专题研究"}
    assert post(duties.client("leader"), f"/api/v1/duty-items/{mine.pk}/entries", body).status_code == 201
    assert post(duties.client("office"), f"/api/v1/duty-items/{mine.pk}/entries", body).status_code == 201
    assert post(duties.client("emergency"), f"/api/v1/duty-items/{unit_item.pk}/entries", body).status_code == 201
    # the city sees both lists but the ledger is the county's to keep
    assert post(duties.client("city"), f"/api/v1/duty-items/{mine.pk}/entries", body).status_code == 403
    # another unit of the county does not see the leader's list, nor the emergency bureau's
    assert post(duties.client("housing"), f"/api/v1/duty-items/{unit_item.pk}/entries", body).status_code == 404
    assert post(duties.client("emergency"), f"/api/v1/duty-items/{mine.pk}/entries", body).status_code == 404
    assert DutyEntry.objects.count() == 3


@pytest.mark.parametrize(
    ("done_on", "message"),
    [("2099-01-01", "不能晚于今天"), ("2025-12-31", "不能早于清单年度"), ("", "请填写履职日期"), ("昨天", "应为日期")],
)
def test_an_entry_date_is_a_past_day_of_the_lists_year(duties: Duties, done_on, message) -> None:
    mine = item(duties, leader_list(duties))
    r = post(duties.client("leader"), f"/api/v1/duty-items/{mine.pk}/entries", {"done_on": done_on, "text": "x"})
    assert r.status_code == 422
    assert message in r.json()["errors"]["done_on"]


def test_an_entry_with_files_is_all_or_nothing(duties: Duties, settings) -> None:
    mine = item(duties, leader_list(duties))
    client = duties.client("leader")
    good = SimpleUploadedFile("会议.png", files.png(), content_type="image/png")
    bad = SimpleUploadedFile("x.exe", b"MZ not a picture", content_type="application/octet-stream")
    r = client.post(
        f"/api/v1/duty-items/{mine.pk}/entries", {"done_on": "2026-06-01", "text": "召开会议", "files": [good, bad]}
    )
    assert r.status_code == 422
    assert "files" in r.json()["errors"]
    assert DutyEntry.objects.count() == 0
    assert DutyAttachment.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True
    good = SimpleUploadedFile("会议.png", files.png(), content_type="image/png")
    r = client.post(
        f"/api/v1/duty-items/{mine.pk}/entries", {"done_on": "2026-06-01", "text": "召开会议", "files": [good]}
    )
    assert r.status_code == 201, r.content
    url = r.json()["files"][0]["url"]
    assert client.get(url).status_code == 200
    assert duties.client("housing").get(url).status_code == 404


def _entry(duties: Duties, duty_item: DutyItem, day: datetime.date, who: str = "office") -> None:
    duty_entry_add(actor=duties.users[who], item=duty_item, done_on=day, text=f"{day} 已履职")


def test_the_completion_rate_counts_the_due_day_as_on_time(duties: Duties) -> None:
    duty_list = leader_list(duties, year=2025)
    on_day = item(duties, duty_list, "1", due_on=D(2025, 6, 30))
    day_after = item(duties, duty_list, "2", due_on=D(2025, 6, 30))
    item(duties, duty_list, "3", due_on=D(2025, 6, 30))  # no entry: missing
    quarterly = item(duties, duty_list, "4", period="quarter")
    item(duties, duty_list, "5", due_on=D(2025, 12, 31))  # due on the year's last day: counted at year end
    _entry(duties, on_day, D(2025, 6, 30))
    _entry(duties, day_after, D(2025, 7, 1))
    for day in (D(2025, 3, 31), D(2025, 6, 30), D(2025, 10, 1)):  # Q1, Q2, and Q4 (not Q3)
        _entry(duties, quarterly, day)
    r = duties.client("office").get(f"/api/v1/duty-lists/{duty_list.pk}")
    body = r.json()
    assert body["as_of"] == "2025-12-31"
    # due: 3 dated items + 4 quarters + 1 = 8; on time: 1 + 3 quarters = 4; late: 1; missing: 1 + Q3 + item 5 = 3
    assert body["completion"] == {
        "due": 8,
        "on_time": 4,
        "done": 5,
        "late": 1,
        "missing": 3,
        "rate": 0.5,
        "done_rate": 0.625,
    }
    r = duties.client("office").get(f"/api/v1/duty-lists/{duty_list.pk}", {"as_of": "2025-06-29"})
    assert r.json()["completion"]["due"] == 1  # only Q1 had ended
    r = duties.client("office").get(f"/api/v1/duty-lists/{duty_list.pk}", {"as_of": "2025-06-30"})
    assert r.json()["completion"]["due"] == 5
    assert r.json()["completion"]["on_time"] == 3


def test_the_figures_by_person_and_by_unit(duties: Duties) -> None:
    mine = item(duties, leader_list(duties, year=2025), due_on=D(2025, 3, 1))
    unit_item = item(duties, unit_list(duties, year=2025), due_on=D(2025, 3, 1))
    _entry(duties, mine, D(2025, 2, 1))
    r = duties.client("office").get("/api/v1/stats/duties", {"region": COUNTY, "year": "2025"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["totals"]["due"] == 2
    assert body["totals"]["on_time"] == 1
    assert [(p["name"], p["rate"]) for p in body["people"]] == [("县长 张三", 1.0)]
    assert [(u["name"], u["rate"]) for u in body["departments"]] == [(duties.units["emergency"].name, 0.0)]
    # another unit of the county counts neither list; a region outside answers 404
    other = duties.client("housing").get("/api/v1/stats/duties", {"region": COUNTY, "year": "2025"}).json()
    assert other["totals"]["due"] == 0
    assert unit_item.pk
    assert duties.client("outsider").get("/api/v1/stats/duties", {"region": COUNTY, "year": "2025"}).status_code == 404
    assert duties.client("office").get("/api/v1/stats/duties", {"year": "x"}).status_code == 422


def test_the_year_end_report_reads_back(duties: Duties) -> None:
    duty_list = leader_list(duties, year=2025)
    done = item(duties, duty_list, "1", due_on=D(2025, 6, 30))
    item(duties, duty_list, "2", due_on=D(2025, 9, 30))
    _entry(duties, done, D(2025, 6, 18))
    r = duties.client("leader").get(f"/api/v1/duty-lists/{duty_list.pk}/report.docx")
    assert r.status_code == 200
    assert "attachment" in r["Content-Disposition"]
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "县长张三2025年安全生产职责清单" in text
    assert "按期完成率 50.0%" in text
    assert "本人（签字）" in text
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["序号", "事项", "完成时限", "履职情况", "完成情况"]
    assert rows[1][3] == "2025年6月18日：2025-06-18 已履职"
    assert rows[1][4] == "按期完成"
    assert rows[2][4] == "应履职 1 次，未完成 1 次"


def test_the_list_shows_completion_and_hides_lists_of_others(duties: Duties) -> None:
    duty_list = leader_list(duties)
    item(duties, duty_list)
    seen = duties.client("city").get("/api/v1/duty-lists", {"year": "2026"}).json()
    assert seen["count"] == 1
    assert seen["items"][0]["completion"]["due"] == 1
    for who in ("housing", "county", "township", "outsider", "enterprise", "emergency"):
        assert duties.client(who).get("/api/v1/duty-lists").json()["count"] == 0, who
    assert duties.client("leader").get("/api/v1/duty-lists").json()["count"] == 1


def test_the_pages_fit_the_flow(duties: Duties) -> None:
    duty_list = leader_list(duties)
    duty_item = item(duties, duty_list)
    client = duties.client("leader")
    page = client.get("/duty-lists/")
    assert page.status_code == 200
    assert duty_list.title in page.content.decode()
    detail = client.get(f"/duty-lists/{duty_list.pk}/")
    assert "table-wrap" in detail.content.decode()
    assert 'name="files"' in detail.content.decode()
    r = client.post(f"/duty-lists/{duty_list.pk}/", {"item": duty_item.pk, "done_on": "2026-06-30", "text": "已开会"})
    assert r.status_code == 302
    assert DutyEntry.objects.filter(item=duty_item).count() == 1
    r = client.post(f"/duty-lists/{duty_list.pk}/", {"item": duty_item.pk, "done_on": "2099-06-30", "text": "x"})
    assert r.status_code == 422
    assert "不能晚于今天" in r.content.decode()
    assert duties.client("housing").get(f"/duty-lists/{duty_list.pk}/").status_code == 404
