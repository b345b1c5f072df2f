"""Check cycles, the day's generation, records (one, many, late, offline, refused), the missed sweep and its ladder,
and the tallies against a recount (issue 15)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiben.common import dates
from zhiben.common.dates import zone
from zhiben.common.errors import FieldErrors, PermissionDenied
from zhiben.hazards.models import Hazard
from zhiben.notifications.models import Notification
from zhiben.risks import checks, ladder, tallies
from zhiben.risks.models import (
    CheckKind,
    CheckRecord,
    CheckTask,
    CheckWarning,
    CycleUnit,
    RecordStatus,
    RiskProfile,
)
from zhiben.risks.selectors.checks import check_stats
from zhiben.risks.services.records import records_submit
from zhiben.risks.services.tasks import principal_cycle_months, rhythm_ensure, task_create, task_update
from zhiben.tests_support import factories

from .factories_checks import measure_of

pytestmark = pytest.mark.django_db

# 2026-10-01..07 国庆 (days off); 2026-10-08 the first working day after, 2026-10-10 a Saturday worked (调休上班)
HOLIDAY = datetime.date(2026, 10, 2)


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone())


def task_of(unit: str, value: int, starts_on: datetime.date, *, working: bool = False) -> CheckTask:
    task = CheckTask(cycle_unit=unit, cycle_value=value, starts_on=starts_on, working_days_only=working)
    task.phase, task.anchor_day = checks.phase_of(unit, value, starts_on)
    return task


@pytest.fixture
def firm():
    enterprise = factories.enterprise(sector="hazardous_chemicals")
    staff = factories.user("chem-a", role="enterprise", enterprise=enterprise)
    other = factories.user("chem-b", role="enterprise", enterprise=enterprise)
    measure = measure_of(enterprise)
    return enterprise, staff, other, measure


# --- cycles -----------------------------------------------------------------------------------------------


@given(
    start=st.dates(datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)),
    n=st.integers(1, 40),
    offset=st.integers(0, 400),
)
@settings(max_examples=200, deadline=None)
def test_a_day_cycle_opens_every_n_days_from_its_start(start, n, offset):
    task = task_of(CycleUnit.DAY, n, start)
    day = start + datetime.timedelta(days=offset)
    opened = checks.windows(task, day)
    assert bool(opened) == (offset % n == 0)
    if opened:
        assert opened[0].opens_at == at(day, 0) and opened[0].due_at == at(day + datetime.timedelta(days=n), 0)


@given(
    start=st.dates(datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)),
    n=st.sampled_from([1, 2, 3, 6, 12]),
    months=st.integers(0, 36),
)
@settings(max_examples=200, deadline=None)
def test_a_month_cycle_opens_on_the_same_day_or_the_months_last(start, n, months):
    task = task_of(CycleUnit.MONTH, n, start)
    index = checks.month_index(start) + months
    year, month = divmod(index, 12)
    import calendar

    last = calendar.monthrange(year, month + 1)[1]
    expected = datetime.date(year, month + 1, min(start.day, last))
    opened = [d for d in (expected + datetime.timedelta(days=k) for k in range(-3, 4)) if checks.windows(task, d)]
    assert opened == ([expected] if months % n == 0 else [])


def test_hourly_cycles_split_the_day_and_must_divide_it():
    task = task_of(CycleUnit.HOUR, 8, datetime.date(2026, 11, 1))
    spans = checks.windows(task, datetime.date(2026, 11, 30))
    assert [(w.opens_at.hour, w.due_at.hour) for w in spans] == [(0, 8), (8, 16), (16, 0)]
    with pytest.raises(ValueError, match="整除24"):
        checks.check_cycle(CycleUnit.HOUR, 5)
    with pytest.raises(ValueError, match="正整数"):
        checks.check_cycle(CycleUnit.DAY, 0)


def test_working_days_only_skips_days_off_and_moves_longer_cycles():
    daily = task_of(CycleUnit.DAY, 1, datetime.date(2026, 9, 1), working=True)
    assert checks.windows(daily, HOLIDAY) == []
    assert checks.windows(daily, datetime.date(2026, 10, 9))  # a working day after 国庆
    # a monthly cycle due on 10-03 (a day off) opens on the first working day after, and ends when it would have
    monthly = task_of(CycleUnit.MONTH, 1, datetime.date(2026, 9, 3), working=True)
    assert checks.windows(monthly, datetime.date(2026, 10, 3)) == []
    assert checks.windows(monthly, datetime.date(2026, 10, 9)) == []
    moved = checks.windows(monthly, datetime.date(2026, 10, 8))
    assert len(moved) == 1 and moved[0].due_at == at(datetime.date(2026, 11, 3), 0)
    # the same task on every day opens on the day itself
    every = task_of(CycleUnit.MONTH, 1, datetime.date(2026, 9, 3))
    assert checks.windows(every, datetime.date(2026, 10, 3))


# --- generation ----------------------------------------------------------------------------------------------


def _tasks(firm_, specs):
    _enterprise, staff, _, measure = firm_
    out = []
    for unit, value, start, working in specs:
        out.append(
            task_create(
                actor=staff,
                data={
                    "measure": measure.pk,
                    "cycle_unit": unit,
                    "cycle_value": value,
                    "starts_on": start.isoformat(),
                    "working_days_only": working,
                    "assignee": staff.username,
                },
            )
        )
    return out


@pytest.mark.parametrize(
    "day", [datetime.date(2026, 10, 9), HOLIDAY, datetime.date(2026, 2, 28), datetime.date(2026, 11, 30)]
)
def test_generation_in_sql_matches_the_cycle_rules(firm, day):
    specs = [
        (CycleUnit.HOUR, 8, datetime.date(2026, 1, 1), False),
        (CycleUnit.HOUR, 12, datetime.date(2026, 1, 1), True),
        (CycleUnit.DAY, 1, datetime.date(2026, 1, 1), True),
        (CycleUnit.DAY, 7, datetime.date(2026, 1, 5), False),
        (CycleUnit.DAY, 7, datetime.date(2026, 1, 3), True),
        (CycleUnit.MONTH, 1, datetime.date(2026, 1, 31), False),
        (CycleUnit.MONTH, 1, datetime.date(2026, 1, 30), True),
        (CycleUnit.MONTH, 3, datetime.date(2026, 1, 3), True),
        (CycleUnit.MONTH, 1, datetime.date(2026, 1, 9), False),
        (CycleUnit.YEAR, 1, datetime.date(2025, 10, 2), True),
    ]
    tasks = _tasks(firm, specs)
    made = checks.generate(day)
    expected = {(t.pk, w.opens_at, w.due_at) for t in tasks for w in checks.windows(t, day)}
    got = set(CheckRecord.objects.filter(day=day).values_list("task_id", "opens_at", "due_at"))
    assert got == expected and made == len(expected)
    assert checks.generate(day) == 0  # idempotent
    assert tallies.rebuild(check=True) == []


def test_generation_skips_stopped_deleted_and_future_tasks(firm):
    a, b, _c = _tasks(
        firm,
        [(CycleUnit.DAY, 1, datetime.date(2026, 1, 1), False)] * 2
        + [(CycleUnit.DAY, 1, datetime.date(2026, 12, 31), False)],
    )
    task_update(actor=firm[1], task_id=b.pk, data={"active": False})
    checks.generate(datetime.date(2026, 11, 30))
    assert set(CheckRecord.objects.filter(day=datetime.date(2026, 11, 30)).values_list("task_id", flat=True)) == {a.pk}


# --- records ---------------------------------------------------------------------------------------------------


def _daily(firm_, **extra):
    _enterprise, staff, _, measure = firm_
    return task_create(
        actor=staff,
        data={
            "measure": measure.pk,
            "cycle_unit": "day",
            "cycle_value": 1,
            "starts_on": "2026-11-01",
            "assignee": staff.username,
            **extra,
        },
    )


def test_a_check_fills_its_cycle_and_is_counted(firm, settings):
    task = _daily(firm)
    checks.generate(datetime.date(2026, 11, 30))
    done_at = at(datetime.date(2026, 11, 30), 10)
    answer = records_submit(actor=firm[1], items=[{"task": task.pk, "done_at": done_at.isoformat(), "result": "pass"}])
    record = CheckRecord.objects.get(pk=answer[0]["id"])
    assert record.done_at == done_at and record.done_by == firm[1]
    assert record.status in (RecordStatus.DONE, RecordStatus.LATE)
    assert tallies.rebuild(check=True) == []


def test_refusals_name_the_item_and_write_nothing(firm):
    task = _daily(firm)
    checks.generate(datetime.date(2026, 11, 30))
    good = {"task": task.pk, "done_at": at(datetime.date(2026, 11, 30), 10).isoformat(), "result": "pass"}
    cases = [
        (
            {"task": task.pk, "done_at": at(datetime.date(2026, 11, 29), 10).isoformat(), "result": "pass"},
            "items[1].done_at",
            "不在排查周期内",
        ),
        ({"task": task.pk, "done_at": "2026-13-01 08:00", "result": "pass"}, "items[1].done_at", "日期时间"),
        ({"task": task.pk, "done_at": "9999-12-31T23:59:59-23:59", "result": "pass"}, "items[1].done_at", ""),
        ({"task": task.pk, "done_at": good["done_at"], "result": "maybe"}, "items[1].result", "pass"),
        ({"task": 999999, "done_at": good["done_at"], "result": "pass"}, "items[1].task", "不存在"),
        (good, "items[1].done_at", "同一排查周期"),
    ]
    for bad, field, words in cases:
        with pytest.raises(FieldErrors) as err:
            records_submit(actor=firm[1], items=[good, bad])
        assert field in err.value.errors and words in err.value.errors[field]
    assert not CheckRecord.objects.exclude(status=RecordStatus.PLANNED).exists()
    with pytest.raises(FieldErrors) as err:
        records_submit(actor=firm[2], items=[good])  # not the assignee
    assert "排查人" in err.value.errors["items[0].task"]


def test_an_offline_check_keeps_its_time_and_is_marked_late_even_after_the_sweep(firm, settings):
    task = _daily(firm)
    day = datetime.date(2026, 11, 28)
    checks.generate(day)
    assert checks.sweep_missed(at(day + datetime.timedelta(days=1), 0, 1)) == 1
    record = CheckRecord.objects.get(task=task, day=day)
    assert record.status == RecordStatus.MISSED
    records_submit(
        actor=firm[1],
        items=[{"task": task.pk, "done_at": at(day, 10).isoformat(), "result": "pass", "client_id": "phone-1"}],
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.LATE and record.done_at == at(day, 10)
    # a retry of the same upload is answered, not counted twice
    again = records_submit(
        actor=firm[1],
        items=[{"task": task.pk, "done_at": at(day, 10).isoformat(), "result": "pass", "client_id": "phone-1"}],
    )
    assert again[0]["duplicate"] is True
    assert tallies.rebuild(check=True) == []


def test_a_failed_check_opens_a_hazard_citing_the_record_and_measure(firm):
    task = _daily(firm)
    checks.generate(datetime.date(2026, 11, 30))
    answer = records_submit(
        actor=firm[1],
        items=[
            {
                "task": task.pk,
                "done_at": at(datetime.date(2026, 11, 30), 9).isoformat(),
                "result": "fail",
                "note": "联锁被旁路",
                "hazard": {"title": "液位联锁被旁路"},
            }
        ],
    )
    hazard = Hazard.objects.get(pk=answer[0]["hazard"])
    assert hazard.source == "self_check" and hazard.title == "液位联锁被旁路"
    assert CheckRecord.objects.get(hazard=hazard).task.measure == firm[3]
    assert tallies.rebuild(check=True) == []


def test_the_ladder_climbs_with_missed_cycles_in_a_row(firm, settings):
    enterprise, staff, other, _ = firm
    officer = factories.user("officer-x", role="officer", region=enterprise.region_id[:6])
    RiskProfile.objects.create(enterprise=enterprise, safety_manager=other)
    task = _daily(firm)
    for k in range(3):
        day = datetime.date(2026, 11, 20) + datetime.timedelta(days=k)
        checks.generate(day)
        checks.sweep_missed(at(day + datetime.timedelta(days=1), 0, 1))
    steps = list(CheckWarning.objects.order_by("id").values_list("step", "missed_in_row"))
    assert steps == [
        ("assignee", 1),
        ("assignee", 2),
        ("safety_manager", 2),
        ("assignee", 3),
        ("safety_manager", 3),
        ("officers", 3),
    ]
    assert Notification.objects.filter(user=staff).count() == 3
    assert Notification.objects.filter(user=other).count() == 2
    assert Notification.objects.filter(user=officer).count() == 1
    task.refresh_from_db()
    assert task.consecutive_missed == 3
    assert ladder.steps_for(1, has_assignee=False) == []


def test_a_new_task_has_todays_cycle_at_once_counted_once(firm):
    task = _daily(firm)
    today_ = dates.today()
    assert CheckRecord.objects.filter(task=task, day=today_).count() == 1
    checks.generate(today_)  # the hourly run finds it there
    assert CheckRecord.objects.filter(task=task, day=today_).count() == 1
    assert tallies.rebuild(check=True) == []


def test_rhythm_tasks_follow_the_plans(firm):
    enterprise, staff, _, _ = firm
    made = rhythm_ensure(actor=staff, enterprise=enterprise)
    kinds = {t.kind: (t.cycle_value, t.cycle_unit) for t in made}
    assert kinds[CheckKind.TEAM_DAILY] == (1, "day")
    assert kinds[CheckKind.DEPT_WEEKLY] == (7, "day")
    assert kinds[CheckKind.PLANT_MONTHLY] == (1, "month")
    assert kinds[CheckKind.PRINCIPAL] == (1, "month")  # hazardous chemicals: high-risk, monthly
    assert rhythm_ensure(actor=staff, enterprise=enterprise) == []
    general = factories.enterprise(sector="machinery")
    assert principal_cycle_months(general) == 3


def test_officers_may_not_write_tasks(firm):
    enterprise, _, _, measure = firm
    officer = factories.user("officer-y", role="officer", region=enterprise.region_id[:6])
    with pytest.raises(PermissionDenied):
        task_create(actor=officer, data={"measure": measure.pk, "cycle_unit": "day", "cycle_value": 1})


def test_stats_read_the_tallies(firm):
    enterprise = firm[0]
    task = _daily(firm)
    for k in range(3):
        checks.generate(datetime.date(2026, 11, 20) + datetime.timedelta(days=k))
    records_submit(
        actor=firm[1],
        items=[{"task": task.pk, "done_at": at(datetime.date(2026, 11, 20), 9).isoformat(), "result": "pass"}],
    )
    checks.sweep_missed(at(datetime.date(2026, 11, 22), 0, 1))
    officer = factories.user("officer-z", role="officer", region=enterprise.region_id[:6])
    stats = check_stats(actor=officer, date_from=datetime.date(2026, 11, 1), date_to=datetime.date(2026, 11, 30))
    totals = stats["totals"]
    assert (totals["planned"], totals["missed"], totals["on_time"] + totals["late"]) == (3, 1, 1)
    assert totals["compliance"] == 0.5


def test_the_hazards_page_cites_the_check_and_the_measure(firm, client):
    task = _daily(firm)
    checks.generate(datetime.date(2026, 11, 30))
    answer = records_submit(
        actor=firm[1],
        items=[
            {
                "task": task.pk,
                "done_at": at(datetime.date(2026, 11, 30), 9).isoformat(),
                "result": "fail",
                "note": "联锁被旁路",
            }
        ],
    )
    client.force_login(firm[1])
    page = client.get(f"/hazards/{answer[0]['hazard']}/").content.decode()
    assert "来源排查" in page and "储罐液位高限报警联锁" in page and "液氯储罐区" in page
    # the other enterprise's user sees neither the hazard nor its source
    stranger = factories.user("chem-x", role="enterprise", enterprise=factories.enterprise(region="110105"))
    client.force_login(stranger)
    assert client.get(f"/hazards/{answer[0]['hazard']}/").status_code == 404


@pytest.mark.parametrize(
    ("value", "unit", "working", "text"),
    [
        (1, "day", False, "每天"),
        (12, "hour", False, "每 12 小时"),
        (10, "year", False, "每 10 年"),
        (120, "month", True, "每 120 个月（仅工作日）"),
        (1, "month", False, "每月"),
    ],
)
def test_cycles_read_as_words(value, unit, working, text):
    assert checks.cycle_text(value, unit, working) == text


def test_a_task_starts_within_the_calendar_the_cycles_reach(firm):
    _, staff, _, measure = firm
    for day in ("0001-01-01", "9999-12-31", "1999-12-31"):
        with pytest.raises(FieldErrors) as err:
            task_create(
                actor=staff, data={"measure": measure.pk, "cycle_value": 1, "cycle_unit": "day", "starts_on": day}
            )
        assert "starts_on" in err.value.errors
