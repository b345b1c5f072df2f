"""Typed inputs of the plan register (DESIGN.md §8): a plan with its tasks and units as the API and the import
page send it, read into dataclasses with every bad field named the way the client wrote it
(``tasks[3].lead_units[0]``)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from zhiben.common.dates import NotADay, parse_day
from zhiben.common.errors import ErrorCollector

from .models import DueKind
from .periods import FIRST_YEAR, KINDS, LAST_YEAR

MAX_TASKS = 3000
MAX_UNITS = 40
TITLE_MAX = 200
TEXT_MAX = 4000


@dataclass
class UnitInput:
    """One responsible unit: ``text`` as written; ``department`` (a member unit's id) or ``region`` (a lower
    region's code) when the user matched it; neither: kept as text (flagged)."""

    text: str
    department: int | None = None
    region: str | None = None


@dataclass
class DueInput:
    """A normalised due rule (the parser's DueRule)."""

    kind: str = DueKind.UNKNOWN
    due: datetime.date | None = None
    month: int | None = None
    day: int | None = None
    every: str | None = None
    years: tuple[int, ...] = ()


@dataclass
class TaskInput:
    number: str
    text: str
    action_number: str = ""
    action: str = ""
    due_text: str = ""
    due: DueInput | None = None
    parent_number: str = ""
    lead_units: list[UnitInput] = field(default_factory=list)
    co_units: list[UnitInput] = field(default_factory=list)


@dataclass
class PlanInput:
    region: str
    title: str
    parent: int | None = None
    doc_number: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    source_name: str = ""
    tasks: list[TaskInput] = field(default_factory=list)


def _text(errors: ErrorCollector, name: str, raw: Any, *, limit: int, required: bool = False) -> str:
    if raw is None:
        raw = ""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        errors.add(name, "应为文本")
        return ""
    text = raw.strip().replace("\x00", "")
    if required and not text:
        errors.add(name, "必填")
    elif len(text) > limit:
        errors.add(name, f"不能超过{limit}个字符")
    return text


def _int(errors: ErrorCollector, name: str, raw: Any, *, low: int, high: int) -> int | None:
    if raw in (None, ""):
        return None
    try:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
        value = int(raw)
    except (TypeError, ValueError):
        errors.add(name, "应为整数")
        return None
    if not low <= value <= high:
        errors.add(name, f"应在 {low}–{high} 之间")
        return None
    return value


def _day(errors: ErrorCollector, name: str, raw: Any, label: str) -> datetime.date | None:
    """A Beijing day of the years a plan can name (those of its reporting periods, 2000–2100): 0001-01-01 or
    9999-12-31 is a slip that would make a task overdue for ever or never due."""
    try:
        day = parse_day(raw, label=label)
    except NotADay as exc:
        errors.add(name, str(exc))
        return None
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.add(name, f"{label}应在 {FIRST_YEAR}–{LAST_YEAR} 年之间，现为 {day:%Y-%m-%d}")
        return None
    return day


def _units(errors: ErrorCollector, name: str, raw: Any) -> list[UnitInput]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add(name, "应为列表")
        return []
    if len(raw) > MAX_UNITS:
        errors.add(name, f"单位不能超过 {MAX_UNITS} 个")
        return []
    found = []
    for i, item in enumerate(raw):
        here = f"{name}[{i}]"
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            errors.add(here, "应为 JSON 对象 {text, department?, region?}")
            continue
        department = _int(errors, here, item.get("department"), low=1, high=2**62)
        region = item.get("region")
        # the text as written; a unit given by id or code may leave it out (its name is taken)
        matched = department is not None or region not in (None, "")
        text = _text(errors, here, item.get("text"), limit=120, required=not matched)
        if region not in (None, "") and not isinstance(region, str | int):
            errors.add(here, "region 应为区划代码")
            region = None
        found.append(UnitInput(text, department, str(region) if region not in (None, "") else None))
    return found


def _due_rule(errors: ErrorCollector, name: str, raw: Any) -> DueInput | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, dict):
        errors.add(name, "应为 JSON 对象 {kind, due, month, day, every, years}")
        return None
    kind = str(raw.get("kind") or DueKind.UNKNOWN)
    if kind not in DueKind.values:
        errors.add(name, f"时限类别应为 {'、'.join(DueKind.values)} 之一")
        return None
    every = raw.get("every") or None
    if every is not None and every not in KINDS:
        errors.add(name, f"报送周期应为 {'、'.join(KINDS)} 之一")
        return None
    years_raw = raw.get("years") or []
    if not isinstance(years_raw, list | tuple) or not all(
        isinstance(y, int) and not isinstance(y, bool) and 2000 <= y <= 2100 for y in years_raw
    ):
        errors.add(name, "years 应为年份列表，如 [2024, 2025, 2026]")
        return None
    month = _int(errors, name, raw.get("month"), low=1, high=12)
    day = _int(errors, name, raw.get("day"), low=1, high=31)
    if month is not None and day is not None and day > calendar.monthrange(2000, month)[1]:  # 2000: 2月29日 is one
        errors.add(name, f"{month}月没有{day}日")
    return DueInput(
        kind=kind,
        due=_day(errors, name, raw.get("due"), "完成期限"),
        month=month,
        day=day,
        every=every,
        years=tuple(sorted(set(years_raw))),
    )


def plan_input(body: Any) -> PlanInput:
    """The plan a client sent: ``{region, parent?, title, doc_number?, issuer?, issued_on?, source_name?,
    tasks: [{number, action_number?, action?, text, due_text?, due?, due_rule?, parent_number? (or
    ``parent``, as the preview names it), lead_units: [{text, department?|region?} or text], co_units: […]}]}``:
    the preview of ``POST /api/v1/plans/parse`` can be sent back as it is, corrected. Raises FieldErrors naming
    every bad field (``tasks[3].lead_units[0]``). Scope and the units' existence are the service's checks."""
    errors = ErrorCollector()
    if not isinstance(body, dict):
        errors.add("body", "请求体应为 JSON 对象")
        errors.raise_if_any()
    region = body.get("region")
    if not isinstance(region, str | int) or isinstance(region, bool) or not str(region).strip():
        errors.add("region", "必填")
    plan = PlanInput(
        region=str(region or "").strip(),
        title=_text(errors, "title", body.get("title"), limit=TITLE_MAX, required=True),
        parent=_int(errors, "parent", body.get("parent"), low=1, high=2**62),
        doc_number=_text(errors, "doc_number", body.get("doc_number"), limit=60),
        issuer=_text(errors, "issuer", body.get("issuer"), limit=120),
        issued_on=_day(errors, "issued_on", body.get("issued_on"), "印发日期"),
        source_name=_text(errors, "source_name", body.get("source_name"), limit=200),
    )
    tasks = body.get("tasks")
    if not isinstance(tasks, list) or not tasks:
        errors.add("tasks", "至少需要一项任务")
        errors.raise_if_any()
    assert isinstance(tasks, list)
    if len(tasks) > MAX_TASKS:
        errors.add("tasks", f"任务不能超过 {MAX_TASKS} 项")
        errors.raise_if_any()
    for i, raw in enumerate(tasks):
        found = _task(errors, f"tasks[{i}]", raw)
        if found is not None:
            plan.tasks.append(found)
    errors.raise_if_any()
    return plan


def _task(errors: ErrorCollector, here: str, raw: Any) -> TaskInput | None:
    """One task as a client sent it (see :func:`plan_input`); fields named ``{here}.number`` … (``here`` empty: the
    bare names)."""
    at = f"{here}." if here else ""
    if not isinstance(raw, dict):
        errors.add(here or "body", "应为 JSON 对象")
        return None
    due = _due_rule(errors, f"{at}due_rule", raw.get("due_rule"))
    if raw.get("due") not in (None, ""):
        # the preview's shape: the date beside its rule (a rule sent without one takes it), or a date alone
        day = _day(errors, f"{at}due", raw.get("due"), "完成期限")
        if day is not None and due is not None and due.kind not in (DueKind.UNKNOWN, DueKind.DATE):
            due.due = day
        elif day is not None:
            due = DueInput(kind=DueKind.DATE, due=day)
    parent_number = raw.get("parent_number") or raw.get("parent")  # the preview names it ``parent``
    return TaskInput(
        number=_text(errors, f"{at}number", raw.get("number"), limit=20),
        text=_text(errors, f"{at}text", raw.get("text"), limit=TEXT_MAX, required=True),
        action_number=_text(errors, f"{at}action_number", raw.get("action_number"), limit=20),
        action=_text(errors, f"{at}action", raw.get("action"), limit=200),
        due_text=_text(errors, f"{at}due_text", raw.get("due_text"), limit=200),
        due=due,
        parent_number=_text(errors, f"{at}parent_number", parent_number, limit=20),
        lead_units=_units(errors, f"{at}lead_units", raw.get("lead_units")),
        co_units=_units(errors, f"{at}co_units", raw.get("co_units")),
    )


def task_input(body: Any) -> TaskInput:
    """One task to add to a saved plan: the shape of one of :func:`plan_input`'s ``tasks``, its fields named bare
    (``text``, ``lead_units[0]``). Raises FieldErrors naming every bad field."""
    errors = ErrorCollector()
    found = _task(errors, "", body)
    errors.raise_if_any()
    assert found is not None
    return found
