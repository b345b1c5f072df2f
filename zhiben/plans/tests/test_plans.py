"""Plans and tasks: saving all or nothing, the units kept and flagged, who may take which step (对账销号), due
days, overdue and missing reports (Beijing days), scope, the board and its workbook, the pages."""

from __future__ import annotations

import datetime
import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from zhiben.audit.models import Event
from zhiben.common.errors import Conflict, FieldErrors
from zhiben.plans.inputs import plan_input
from zhiben.plans.models import Plan, Task, TaskStatus, TaskUnit
from zhiben.plans.selectors import board, task_list, task_stats
from zhiben.plans.services import plan_create, progress_report, task_accept, task_done, task_reject
from zhiben.tests_support import files

from .support import COUNTY, CREATED, County, county, make_plan, plan_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def c() -> County:
    return county()


def client(user: Any) -> Client:
    cl = Client()
    cl.force_login(user)
    return cl


def post(user: Any, url: str, body: Any) -> Any:
    return client(user).post(url, json.dumps(body), content_type="application/json")


def task(plan: Plan, number: str) -> Task:
    return plan.tasks.get(number=number)


# --- saving ---------------------------------------------------------------------------------------------


def test_it_saves_a_plan_with_its_tasks_units_and_due_rules(c: County) -> None:
    r = post(c.users["county"], "/api/v1/plans", plan_body(c))
    assert r.status_code == 201, r.content
    plan = Plan.objects.get(pk=r.json()["id"])
    assert plan.tasks.count() == 4
    one, two, three, four = (task(plan, n) for n in "1234")
    assert (one.due_kind, one.due_on) == ("month_end", datetime.date(2026, 6, 30))
    assert (two.due_kind, two.due_on) == ("date", datetime.date(2026, 9, 30))
    assert three.due_kind == "ongoing"
    assert three.due_on is None
    assert three.report_every == "quarter"
    assert three.report_due is not None
    generic = three.units.get()
    assert (generic.generic, generic.flag) == ("township", "generic")
    kept = four.units.get()
    assert (kept.text, kept.flag, kept.department_id) == ("县考核办", "unmatched", None)
    assert {u.department_id for u in two.units.all()} == {c.housing.pk, c.emergency.pk}
    assert Event.objects.filter(subject_type="plan", subject_id=str(plan.pk), kind="created").exists()


def test_a_unit_of_another_region_refuses_the_whole_plan_naming_it(c: County) -> None:
    from zhiben.departments.models import Department

    elsewhere = Department.objects.create(region_id="110105", name="朝阳区应急管理局", kind="emergency")
    body = plan_body(c)
    body["tasks"][1]["lead_units"] = [{"text": "应急局", "department": elsewhere.pk}]
    before = (Plan.objects.count(), Task.objects.count(), TaskUnit.objects.count(), Event.objects.count())
    r = post(c.users["county"], "/api/v1/plans", body)
    assert r.status_code == 422
    assert "tasks[1].lead_units[0]" in r.json()["errors"]
    assert (Plan.objects.count(), Task.objects.count(), TaskUnit.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"tasks": []}, "tasks"),
        ({"tasks": [{"number": "1", "text": ""}]}, "tasks[0].text"),
        ({"tasks": [{"number": "1", "text": "x", "due": "明年"}]}, "tasks[0].due"),
        ({"tasks": [{"number": "1.1", "text": "x", "parent_number": "1"}]}, "tasks[0].parent_number"),
        ({"tasks": [{"number": "1", "text": "x", "lead_units": "县应急局"}]}, "tasks[0].lead_units"),
        (
            {"tasks": [{"number": "1", "text": "x", "lead_units": [{"text": "镇", "region": "110105001"}]}]},
            "tasks[0].lead_units[0]",
        ),
        ({"region": "abc"}, "region"),
        ({"issued_on": "0001-01-01"}, "issued_on"),
        ({"issued_on": "9999-12-31"}, "issued_on"),
        ({"tasks": [{"number": "1", "text": "x", "due": "0001-01-01"}]}, "tasks[0].due"),
        ({"tasks": [{"number": "1", "text": "x", "due": "9999-12-31"}]}, "tasks[0].due"),
        (
            {"tasks": [{"number": "1", "text": "x", "due_rule": {"kind": "date", "due": "1999-12-31"}}]},
            "tasks[0].due_rule",
        ),
        (
            {"tasks": [{"number": "1", "text": "x", "due_rule": {"kind": "annual", "month": 2, "day": 31}}]},
            "tasks[0].due_rule",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field(c: County, change: dict[str, Any], field: str) -> None:
    r = post(c.users["county"], "/api/v1/plans", plan_body(c, **change))
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"], r.json()
    assert not Plan.objects.exists()


def test_an_annex_row_sits_under_its_main_task(c: County) -> None:
    body = plan_body(c)
    body["tasks"].append({"number": "1.1", "text": "化工园区专项排查", "parent_number": "1", "due": "2026-05-31"})
    plan = Plan.objects.get(pk=post(c.users["county"], "/api/v1/plans", body).json()["id"])
    assert task(plan, "1.1").parent == task(plan, "1")


def test_a_plan_sits_under_a_plan_of_a_higher_region_only(c: County) -> None:
    city = plan_create(
        actor=c.users["admin"],
        data=plan_input({"region": "50", "title": "重庆市方案", "tasks": [{"number": "1", "text": "x"}]}),
    )
    plan = make_plan(c, parent=city.pk)
    assert plan.parent == city
    with pytest.raises(FieldErrors) as info:
        make_plan(c, parent=plan.pk)
    assert "parent" in info.value.errors


def test_an_outsider_cannot_save_a_plan_for_the_county(c: County, firm_user: Any) -> None:
    assert post(c.users["outsider"], "/api/v1/plans", plan_body(c)).status_code == 404
    assert post(firm_user, "/api/v1/plans", plan_body(c)).status_code == 403
    assert not Plan.objects.exists()


# --- the lifecycle ----------------------------------------------------------------------------------------


def test_the_lead_unit_marks_done_and_the_committee_office_accepts(c: County) -> None:
    plan = make_plan(c)
    one = task(plan, "1")
    r = post(
        c.users["emergency"], f"/api/v1/tasks/{one.pk}/progress", {"period": "2026-03", "text": "已部署", "percent": 30}
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "in_progress"
    assert r.json()["progress"][0]["percent"] == 30
    # the co-operating unit reports on task 2, but may not mark it done
    two = task(plan, "2")
    assert (
        post(
            c.users["emergency"],
            f"/api/v1/tasks/{two.pk}/progress",
            {"period": "2026Q1", "text": "配合", "percent": 10},
        ).status_code
        == 201
    )
    assert post(c.users["emergency"], f"/api/v1/tasks/{two.pk}/done", {}).status_code == 403
    # a unit that is not on the task may not report
    assert (
        post(
            c.users["housing"], f"/api/v1/tasks/{one.pk}/progress", {"period": "2026-03", "text": "x", "percent": 1}
        ).status_code
        == 403
    )
    # the lead marks it done; only the committee office accepts
    assert post(c.users["emergency"], f"/api/v1/tasks/{one.pk}/done", {}).json()["status"] == "done"
    assert post(c.users["emergency"], f"/api/v1/tasks/{one.pk}/accept", {}).status_code == 403
    assert post(c.users["county"], f"/api/v1/tasks/{one.pk}/accept", {}).status_code == 403
    r = post(c.users["office"], f"/api/v1/tasks/{one.pk}/accept", {})
    assert r.json()["status"] == "accepted"
    kinds = list(Event.objects.filter(subject_type="task", subject_id=str(one.pk)).values_list("kind", flat=True))
    assert kinds == ["progress_reported", "done", "accepted"]


def test_the_office_refuses_a_done_task_back_with_a_reason(c: County) -> None:
    one = task(make_plan(c), "1")
    task_done(actor=c.users["emergency"], task_id=one.pk)
    r = post(c.users["office"], f"/api/v1/tasks/{one.pk}/reject", {"reason": ""})
    assert r.status_code == 422
    assert "reason" in r.json()["errors"]
    r = post(c.users["office"], f"/api/v1/tasks/{one.pk}/reject", {"reason": "佐证材料不全"})
    assert r.json()["status"] == "in_progress"
    assert Event.objects.get(subject_type="task", kind="rejected").payload["reason"] == "佐证材料不全"


@pytest.mark.parametrize(
    ("step", "who", "status"),
    [
        ("accept", "office", "当前状态为“未开始”，不能验收销号"),
        ("reject", "office", "当前状态为“未开始”，不能退回"),
    ],
)
def test_a_step_from_a_wrong_state_answers_409_in_chinese(c: County, step: str, who: str, status: str) -> None:
    one = task(make_plan(c), "1")
    r = post(c.users[who], f"/api/v1/tasks/{one.pk}/{step}", {"reason": "x"})
    assert r.status_code == 409
    assert r.json()["detail"] == status


def test_nothing_happens_to_an_accepted_task(c: County) -> None:
    one = task(make_plan(c), "1")
    task_done(actor=c.users["emergency"], task_id=one.pk)
    task_accept(actor=c.users["office"], task_id=one.pk)
    with pytest.raises(Conflict, match="当前状态为“已销号”"):
        task_done(actor=c.users["emergency"], task_id=one.pk)
    with pytest.raises(Conflict, match="当前状态为“已销号”"):
        progress_report(actor=c.users["emergency"], task_id=one.pk, period="2026-04", text="x", percent=100)
    with pytest.raises(Conflict):
        task_reject(actor=c.users["office"], task_id=one.pk, reason="x")


def test_a_higher_committee_office_accepts_too(c: County) -> None:
    from zhiben.departments.models import Department
    from zhiben.tests_support import factories

    city_office = Department.objects.create(region_id="50", name="重庆市安委办", kind="committee_office")
    city = factories.user("p-city-office", role="officer", region="50")
    city.department = city_office
    city.save()
    one = task(make_plan(c), "1")
    task_done(actor=c.users["emergency"], task_id=one.pk)
    assert task_accept(actor=city, task_id=one.pk).status == TaskStatus.ACCEPTED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "2026Q5", "text": "x", "percent": 1}, "period"),
        ({"period": "2027-01", "text": "x", "percent": 1}, "period"),
        ({"period": "2026-03", "text": "", "percent": 1}, "text"),
        ({"period": "2026-03", "text": "x", "percent": 101}, "percent"),
        ({"period": "2026-03", "text": "x", "percent": "half"}, "percent"),
        ({"period": "2026-03", "text": "x", "percent": True}, "percent"),
    ],
)
def test_a_bad_progress_report_is_refused_naming_the_field(c: County, body: dict[str, Any], field: str) -> None:
    one = task(make_plan(c), "1")
    r = post(c.users["emergency"], f"/api/v1/tasks/{one.pk}/progress", body)
    assert r.status_code == 422, r.content
    assert field in r.json()["errors"]
    assert not one.progress.exists()


def test_a_periodic_task_takes_reports_of_its_own_period(c: County) -> None:
    three = task(make_plan(c), "3")
    with pytest.raises(FieldErrors) as info:
        progress_report(
            actor=c.users["town"],
            task_id=three.pk,
            period="2026-03",
            text="x",
            percent=5,
            today=datetime.date(2026, 4, 2),
        )
    assert "季度" in info.value.errors["period"]
    progress_report(
        actor=c.users["town"],
        task_id=three.pk,
        period="2026Q1",
        text="网格已划定",
        percent=20,
        today=datetime.date(2026, 4, 2),
    )
    three.refresh_from_db()
    assert (three.report_period, three.report_due) == ("2026Q2", datetime.date(2026, 7, 5))


def test_progress_takes_files_checked_as_evidence(c: County) -> None:
    one = task(make_plan(c), "1")
    png = files.png()
    cl = client(c.users["emergency"])
    r = cl.post(
        f"/api/v1/tasks/{one.pk}/progress",
        {"period": "2026-03", "text": "现场照片", "percent": "40", "files": [io.BytesIO(png)]},
    )
    assert r.status_code == 201, r.content
    assert len(r.json()["progress"][0]["files"]) == 1
    bad = io.BytesIO(b"not an image")
    bad.name = "x.exe"
    r = cl.post(f"/api/v1/tasks/{one.pk}/progress", {"period": "2026-03", "text": "x", "percent": "40", "files": [bad]})
    assert r.status_code == 422
    assert "files" in r.json()["errors"]
    assert one.progress.count() == 1


# --- due days, overdue, missing reports (Beijing) ----------------------------------------------------------


def test_a_task_is_overdue_the_day_after_its_due_day(c: County) -> None:
    one = task(make_plan(c), "1")  # due 2026-06-30
    actor = c.users["county"]
    on_the_day = task_list(actor=actor, overdue=True, today=datetime.date(2026, 6, 30))
    assert one not in on_the_day
    assert one in task_list(actor=actor, overdue=True, today=datetime.date(2026, 7, 1))
    assert task_stats(actor=actor, region=COUNTY, today=datetime.date(2026, 6, 30))["totals"]["overdue"] == 0
    assert task_stats(actor=actor, region=COUNTY, today=datetime.date(2026, 7, 1))["totals"]["overdue"] == 1


def test_a_done_task_is_not_overdue(c: County) -> None:
    one = task(make_plan(c), "1")
    task_done(actor=c.users["emergency"], task_id=one.pk, today=datetime.date(2026, 7, 3))
    assert one not in task_list(actor=c.users["county"], overdue=True, today=datetime.date(2026, 7, 4))


def test_a_missing_report_counts_the_day_after_its_due_day(c: County) -> None:
    three = task(make_plan(c), "3")  # created 2026-03-02: 2026Q1 due 2026-04-05 (5 days' grace)
    assert three.report_due == datetime.date(2026, 4, 5)
    figures = task_stats(actor=c.users["county"], region=COUNTY, today=datetime.date(2026, 4, 5))["totals"]
    assert figures["report_missing"] == 0
    figures = task_stats(actor=c.users["county"], region=COUNTY, today=datetime.date(2026, 4, 6))["totals"]
    assert figures["report_missing"] == 1


def test_the_grace_days_are_a_setting(c: County, settings: Any) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PLAN_REPORT_GRACE_DAYS": 10}
    three = task(make_plan(c), "3")
    assert three.report_due == datetime.date(2026, 4, 10)


def test_the_escalation_sweep_takes_overdue_tasks_and_missing_reports(c: County) -> None:
    from zhiben.escalation.engine import sweep
    from zhiben.plans.models import TaskEscalation

    plan = make_plan(c)
    sweep(today=datetime.date(2026, 7, 2))
    steps = set(TaskEscalation.objects.values_list("task__number", "source", "step"))
    assert ("1", "task_due", "reminder") in steps
    assert ("3", "task_report", "interview") in steps  # 2026Q1 report due 2026-04-05: 88 days late
    assert not any(number == "2" for number, _, _ in steps)  # due 2026-09-30
    assert plan.tasks.count() == 4


# --- scope -------------------------------------------------------------------------------------------------


def test_a_unit_below_sees_its_own_tasks_and_the_plan_header_only(c: County) -> None:
    plan = make_plan(c)
    r = client(c.users["town"]).get(f"/api/v1/plans/{plan.pk}")
    assert r.status_code == 200
    assert [t["number"] for t in r.json()["tasks"]] == ["3"]
    assert r.json()["whole"] is False
    assert client(c.users["town"]).get(f"/api/v1/tasks/{task(plan, '1').pk}").status_code == 404
    town = client(c.users["town"]).get("/api/v1/tasks", {"plan": plan.pk}).json()
    assert [t["number"] for t in town["items"]] == ["3"]
    county_view = client(c.users["county"]).get("/api/v1/tasks", {"plan": plan.pk}).json()
    assert county_view["count"] == 4


def test_officers_above_see_the_plan_and_outsiders_do_not(c: County, firm_user: Any) -> None:
    from zhiben.tests_support import factories

    plan = make_plan(c)
    city = factories.user("p-city", role="officer", region="50")
    assert client(city).get(f"/api/v1/plans/{plan.pk}").status_code == 200
    for user in (c.users["outsider"], firm_user):
        cl = client(user)
        assert cl.get(f"/api/v1/plans/{plan.pk}").status_code == 404
        assert cl.get("/api/v1/plans").json()["count"] == 0
        assert cl.get("/api/v1/tasks").json()["count"] == 0


def test_the_task_list_filters_by_unit_and_status(c: County) -> None:
    plan = make_plan(c)
    cl = client(c.users["county"])
    r = cl.get("/api/v1/tasks", {"unit": c.emergency.pk})
    assert sorted(t["number"] for t in r.json()["items"]) == ["1", "2"]
    assert cl.get("/api/v1/tasks", {"status": "done"}).json()["count"] == 0
    assert cl.get("/api/v1/tasks", {"status": "finished"}).status_code == 422
    assert cl.get("/api/v1/tasks", {"overdue": "maybe"}).status_code == 422
    assert plan.tasks.count() == 4


def test_stats_count_by_plan_unit_and_region(c: County) -> None:
    plan = make_plan(c)
    task_done(actor=c.users["emergency"], task_id=task(plan, "1").pk)
    r = client(c.users["county"]).get("/api/v1/stats/tasks", {"region": COUNTY})
    body = r.json()
    assert body["totals"]["total"] == 4
    assert body["totals"]["done"] == 1
    assert body["plans"][0]["plan"] == plan.pk
    units = {u["name"]: u for u in body["units"]}
    assert units["秀山县应急管理局"]["total"] == 1
    assert units["秀山县应急管理局"]["completion_rate"] == 1.0
    assert body["regions"][0]["region"] == COUNTY
    assert client(c.users["county"]).get("/api/v1/stats/tasks", {"region": "50"}).status_code == 404


# --- the board, its workbook and the pages ------------------------------------------------------------------


def test_the_board_groups_by_action_and_by_unit_and_tallies_states(c: County) -> None:
    plan = make_plan(c)
    task_done(actor=c.users["emergency"], task_id=task(plan, "1").pk)
    data = board(actor=c.users["county"], plan=plan.pk, today=datetime.date(2026, 10, 1))
    assert data["tally"] == {"open": 1, "in_progress": 0, "done": 1, "accepted": 0, "overdue": 2, "total": 4}
    assert data["groups"][0]["title"] == "隐患排查整治行动"
    by_unit = board(actor=c.users["county"], plan=plan.pk, by="unit", today=datetime.date(2026, 10, 1))
    assert {g["title"] for g in by_unit["groups"]} >= {"秀山县应急管理局", "县考核办"}
    assert "2026-06" in [m["month"] for m in data["timeline"]]


def test_the_board_workbook_reads_back(c: County) -> None:
    plan = make_plan(c)
    r = client(c.users["county"]).get(f"/api/v1/plans/{plan.pk}/board.xlsx")
    assert r.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert "共 4 项" in str(rows[0][0])
    assert rows[1][:3] == ["序号", "专项行动", "任务内容"]
    assert rows[2][0] == "1"
    assert rows[2][5] == "秀山县应急管理局"
    assert rows[5][5] == "县考核办"


def test_the_board_workbook_holds_what_the_filtered_board_shows(c: County) -> None:
    plan = make_plan(c)
    page = client(c.users["county"]).get(f"/plans/board/?plan={plan.pk}&unit={c.housing.pk}")
    link = f"/api/v1/plans/{plan.pk}/board.xlsx?unit={c.housing.pk}"
    assert f'href="{link}"' in page.content.decode()
    r = client(c.users["county"]).get(link)
    assert r.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert "共 1 项" in str(rows[0][0])
    assert rows[2][5] == c.housing.name
    r = client(c.users["county"]).get(f"/api/v1/plans/{plan.pk}/board.xlsx?status=lost")
    assert r.status_code == 422 and "status" in r.json()["errors"]


@pytest.mark.parametrize("who", ["county", "emergency", "town", "admin"])
def test_the_pages_render_for_officers(c: County, who: str) -> None:
    plan = make_plan(c)
    cl = client(c.users[who])
    visible = task_list(actor=c.users[who], plan=plan.pk).first()
    assert visible is not None
    for url in (
        "/plans/",
        "/plans/import/",
        f"/plans/{plan.pk}/",
        f"/plans/board/?plan={plan.pk}",
        f"/plans/board/?plan={plan.pk}&by=unit&status=overdue",
        f"/plans/tasks/{visible.pk}/",
    ):
        r = cl.get(url)
        assert r.status_code == 200, (who, url)
        assert "table-wrap" in r.content.decode() or url.endswith("import/")


def test_the_task_page_reports_progress_and_shows_refusals(c: County) -> None:
    one = task(make_plan(c), "1")
    cl = client(c.users["emergency"])
    r = cl.post(
        f"/plans/tasks/{one.pk}/", {"action": "progress", "period": "2026-03", "text": "推进中", "percent": "50"}
    )
    assert r.status_code == 302
    r = cl.post(f"/plans/tasks/{one.pk}/", {"action": "progress", "period": "下月", "text": "x", "percent": "50"})
    assert r.status_code == 422
    assert "报送期应写作" in r.content.decode()
    assert "验收销号" not in client(c.users["emergency"]).get(f"/plans/tasks/{one.pk}/").content.decode()


def test_the_pages_answer_404_out_of_scope(c: County, firm_user: Any) -> None:
    plan = make_plan(c)
    one = task(plan, "1")
    for user in (c.users["outsider"], firm_user, c.users["town"]):
        cl = client(user)
        assert cl.get(f"/plans/tasks/{one.pk}/").status_code == 404
        assert cl.post(f"/plans/tasks/{one.pk}/", {"action": "done"}).status_code == 404
    for user in (c.users["outsider"], firm_user):
        assert client(user).get(f"/plans/{plan.pk}/").status_code == 404
        assert client(user).get(f"/plans/board/?plan={plan.pk}").status_code == 404
    assert Task.objects.get(pk=one.pk).status == TaskStatus.OPEN


def test_the_import_page_saves_what_the_user_confirmed(c: County) -> None:
    preview = {
        "title": "秀山县方案",
        "tasks": [
            {
                "number": "1",
                "text": "排查",
                "due_text": "2026年6月底前",
                "due_rule": {"kind": "month_end", "due": "2026-06-30"},
                "lead_units": [{"text": "县应急局", "candidates": [{"id": c.emergency.pk, "name": "x"}]}],
                "co_units": [{"text": "县考核办"}],
            },
            {"number": "2", "text": "不要的行", "due_text": "", "lead_units": []},
        ],
    }
    r = client(c.users["county"]).post(
        "/plans/import/",
        {
            "confirm": "1",
            "preview": json.dumps(preview),
            "region": COUNTY,
            "title": "秀山县方案（修订）",
            "due_text-0": "2026年6月底前",
            "due-0": "2026-06-30",
            "unit-0-lead_units-0": f"d:{c.emergency.pk}",
            "unit-0-co_units-0": "",
            "skip-1": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    plan = Plan.objects.get()
    assert plan.title == "秀山县方案（修订）"
    only = plan.tasks.get()
    assert only.due_on == datetime.date(2026, 6, 30)
    assert only.units.get(role="lead").department == c.emergency
    assert only.units.get(role="co").flag == "unmatched"


def test_the_import_page_keeps_nothing_on_a_bad_confirm(c: County) -> None:
    r = client(c.users["county"]).post(
        "/plans/import/", {"confirm": "1", "preview": "{not json", "region": COUNTY, "title": "x"}
    )
    assert r.status_code == 422
    assert "预览数据已损坏" in r.content.decode()
    assert not Plan.objects.exists()


def test_created_day_is_the_start_of_reporting(c: County) -> None:
    assert make_plan(c, today=CREATED).tasks.get(number="3").starts_on == CREATED


def test_county_officers_see_the_city_tasks_given_to_their_county(c: County) -> None:
    city = plan_create(
        actor=c.users["admin"],
        data=plan_input(
            {
                "region": "50",
                "title": "重庆市方案",
                "tasks": [
                    {"number": "1", "text": "各区县落实", "lead_units": [{"text": "各区县政府"}]},
                    {"number": "2", "text": "秀山县专项", "lead_units": [{"text": "秀山县", "region": COUNTY}]},
                    {"number": "3", "text": "市级部门任务", "lead_units": [{"text": "市应急局"}]},
                ],
            }
        ),
    )
    seen = client(c.users["county"]).get("/api/v1/tasks", {"plan": city.pk}).json()
    assert sorted(t["number"] for t in seen["items"]) == ["1", "2"]
    assert client(c.users["town"]).get("/api/v1/tasks", {"plan": city.pk}).json()["count"] == 0
    assert client(c.users["outsider"]).get(f"/api/v1/plans/{city.pk}").status_code == 404
    # the county's own unit reports on the city's task given to every county
    one = city.tasks.get(number="1")
    assert (
        post(
            c.users["county"], f"/api/v1/tasks/{one.pk}/progress", {"period": "2026-03", "text": "x", "percent": 5}
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("各区县（自治县）政府", "county"),
        ("有关区县政府", "county"),
        ("区县应急局", "county"),
        ("各乡镇（街道）", "township"),
        ("各镇街", "township"),
        ("乡镇人民政府", "township"),
        ("县应急局", ""),
        ("市区县协调办", ""),
        ("镇安办", ""),
    ],
)
def test_generic_units_are_told_by_their_words(text: str, level: str) -> None:
    from zhiben.plans.matching import generic_level

    assert generic_level(text) == level


def test_the_todo_lists_tasks_to_report_to_accept_and_overdue(c: County) -> None:
    from zhiben.notifications.todo import todo_for

    plan = make_plan(c)
    one, two = task(plan, "1"), task(plan, "2")
    task_done(actor=c.users["housing"], task_id=two.pk)

    def kinds(who: str, day: datetime.date) -> set[tuple[str, int]]:
        return {(i["kind"], i["id"]) for i in todo_for(c.users[who], today=day).items}

    before = kinds("emergency", datetime.date(2026, 5, 1))
    assert ("task_report", one.pk) in before
    assert ("task_report", two.pk) not in before  # done: nothing more to report
    assert ("task_overdue", one.pk) in kinds("emergency", datetime.date(2026, 7, 1))
    assert ("task_report", one.pk) not in kinds("emergency", datetime.date(2026, 7, 1))
    assert ("task_accept", two.pk) in kinds("office", datetime.date(2026, 5, 1))
    assert ("task_accept", two.pk) not in kinds("emergency", datetime.date(2026, 5, 1))
    assert not {k for k in kinds("outsider", datetime.date(2026, 7, 1)) if k[0].startswith("task_")}


@pytest.mark.parametrize(
    ("utc", "overdue"),
    [
        (datetime.datetime(2026, 6, 30, 15, 59, tzinfo=datetime.UTC), False),  # Beijing 06-30 23:59: the due day
        (datetime.datetime(2026, 6, 30, 16, 0, tzinfo=datetime.UTC), True),  # Beijing 07-01 00:00: the day after
    ],
)
def test_overdue_turns_at_beijing_midnight(c: County, monkeypatch: Any, utc: datetime.datetime, overdue: bool) -> None:
    from django.utils import timezone

    one = task(make_plan(c), "1")  # due 2026-06-30
    monkeypatch.setattr(timezone, "now", lambda: utc)
    body = client(c.users["county"]).get(f"/api/v1/tasks/{one.pk}").json()
    assert body["overdue"] is overdue
    listed = client(c.users["county"]).get("/api/v1/tasks", {"overdue": "true"}).json()
    assert (one.pk in [t["id"] for t in listed["items"]]) is overdue


def test_a_line_department_officer_does_not_act_for_the_county_named_as_a_unit(admin_user) -> None:
    """A city plan names 各区县政府 as co-operating: every county officer sees the task, but only those who act for
    the county (no unit, or the committee office) get it in their to-do and may report on it — not 住建局's."""
    from zhiben.departments.models import Department
    from zhiben.departments.services import departments_seed, member_set
    from zhiben.notifications.todo import todo_for
    from zhiben.plans.inputs import plan_input
    from zhiben.plans.selectors import actor_units, task_get
    from zhiben.plans.services import plan_create
    from zhiben.tests_support import factories

    departments_seed(actor=admin_user, region="50")
    departments_seed(actor=admin_user, region="500241")
    city = Department.objects.get(region_id="50", kind="emergency")
    data = plan_input(
        {
            "region": "50",
            "title": "重庆市治本攻坚方案",
            "tasks": [
                {
                    "number": "1",
                    "text": "开展重大事故隐患排查整治",
                    "due": "2026-12-31",
                    "lead_units": [{"department": city.pk}],
                    "co_units": [{"text": "各区县政府"}],
                }
            ],
        }
    )
    plan = plan_create(actor=admin_user, data=data, today=datetime.date(2026, 11, 30))
    housing = member_set(
        actor=admin_user,
        user=factories.user("hs9", role="officer", region="500241"),
        department=Department.objects.get(region_id="500241", kind="housing").pk,
    )
    office = member_set(
        actor=admin_user,
        user=factories.user("of9", role="officer", region="500241"),
        department=Department.objects.get(region_id="500241", kind="committee_office").pk,
    )
    task_pk = plan.tasks.get().pk
    for user, acts in ((housing, False), (office, True)):
        task = task_get(actor=user, task_id=task_pk)
        assert task is not None  # both see it
        assert bool(actor_units(user, task)) is acts
        kinds = {i["kind"] for i in todo_for(user, limit=100).items if i["subject"] == "task"}
        assert ("task_report" in kinds) is acts, user.username


def test_a_task_is_added_to_a_saved_plan_by_the_page_and_the_api(admin_user) -> None:
    """Officers of the plan's region or above add a task (its due text read by the parser, its units matched); a
    unit below is refused (403), an outsider 404; a number already in the plan is refused naming it; a form sent
    twice adds one task."""
    from django.test import Client

    from zhiben.departments.models import Department
    from zhiben.departments.services import departments_seed, member_set
    from zhiben.plans.inputs import plan_input
    from zhiben.plans.models import Task
    from zhiben.plans.services import plan_create
    from zhiben.tests_support import factories

    departments_seed(actor=admin_user, region="500241")
    emergency = Department.objects.get(region_id="500241", kind="emergency")
    housing = Department.objects.get(region_id="500241", kind="housing")
    first = {"number": "1", "text": "开展专项排查", "due": "2026-12-31", "lead_units": [{"department": emergency.pk}]}
    plan = plan_create(
        actor=admin_user,
        data=plan_input({"region": "500241", "title": "秀山县方案", "tasks": [first]}),
        today=datetime.date(2026, 11, 30),
    )
    county = factories.user("cty9", role="officer", region="500241")
    c = Client()
    c.force_login(county)
    body = {
        "number": "2",
        "text": "完成燃气管道隐患整治",
        "due_text": "2027年6月底前",
        "lead_units": [{"department": housing.pk}],
    }
    r = c.post(f"/api/v1/plans/{plan.pk}/tasks", body, content_type="application/json")
    assert r.status_code == 201, r.content
    added = Task.objects.get(plan=plan, number="2")
    assert (added.due_on, added.units.get().text) == (datetime.date(2027, 6, 30), housing.name)
    r = c.post(f"/api/v1/plans/{plan.pk}/tasks", {**body, "text": "又一项"}, content_type="application/json")
    assert r.status_code == 422 and "number" in r.json()["errors"]
    r = c.post(f"/api/v1/plans/{plan.pk}/tasks", {"number": "9"}, content_type="application/json")
    assert r.status_code == 422 and "text" in r.json()["errors"]
    outsider = Client()
    outsider.force_login(factories.user("far9", role="officer", region="110105"))
    assert outsider.post(f"/api/v1/plans/{plan.pk}/tasks", body, content_type="application/json").status_code == 404
    town = factories.township("500241100", "清溪场镇", "500241")
    below = Client()  # the township sees its own tasks of the plan, but adds none
    below.force_login(
        member_set(
            actor=admin_user,
            user=factories.user("twn9", role="officer", region=town.pk),
            department=None,
        )
    )
    three = {"number": "3", "text": "乡镇排查", "lead_units": [{"region": town.pk}]}
    assert c.post(f"/api/v1/plans/{plan.pk}/tasks", three, content_type="application/json").status_code == 201
    refused = below.post(f"/api/v1/plans/{plan.pk}/tasks", {**three, "number": "4"}, content_type="application/json")
    assert refused.status_code == 403

    page = c.get(f"/plans/{plan.pk}/").content.decode()
    assert "增加任务" in page
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token
    form = {
        "form_token": token.group(1),
        "number": "5",
        "task_text": "开展应急演练",
        "due_text": "每季度",
        "lead": str(emergency.pk),
        "co": [str(housing.pk)],
    }
    for _ in range(2):  # the second is the replay of the first (303 to the same place)
        assert c.post(f"/plans/{plan.pk}/", form).status_code in (302, 303)
    added = Task.objects.get(plan=plan, number="5")
    assert (added.due_kind, added.report_every) == ("ongoing", "quarter")
    assert sorted(u.role for u in added.units.all()) == ["co", "lead"]
    bad = c.post(f"/plans/{plan.pk}/", {"number": "6", "task_text": ""})
    assert bad.status_code == 422 and "任务内容" in bad.content.decode()
    assert not Task.objects.filter(plan=plan, number="6").exists()
