"""Hazards as Excel workbooks: a filtered list (every row the list filters select), and one hazard's
timeline (全过程记录).

The list goes through ``hazard_list`` (so through the actor's scope) and streams tuples
(``values_list`` + ``iterator``): one query whatever the number of rows. The derived figures (cohort,
overdue, closed on time) are computed by the SQL of ``rules``, the same as the list's filters use.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import BooleanField, Case, Value, When

from zhiben.accounts.models import User
from zhiben.audit.models import Event
from zhiben.common import kit
from zhiben.common.xlsx import Column, write_table

from . import rules
from .filters import HazardFilterSet
from .models import Hazard, Level, Source, Status, SupervisionLevel
from .selectors import TimelineEntry, hazard_list

CHUNK = 2000

# (values_list path or annotation, column)
FIELDS: list[tuple[str, Column]] = [
    ("id", Column("编号", 8, "int")),
    ("enterprise__credit_code", Column("统一社会信用代码", 22)),
    ("enterprise__name", Column("企业名称", 30)),
    ("region__full_name", Column("所在区划", 30)),
    ("region_id", Column("区划代码", 12)),
    ("sector__name", Column("行业领域", 16)),
    ("level", Column("隐患级别", 8)),
    ("source", Column("来源", 14)),
    ("status", Column("状态", 10)),
    ("title", Column("隐患名称", 30)),
    ("description", Column("隐患描述", 40)),
    ("location", Column("隐患部位", 20)),
    ("criterion_id", Column("判定依据条款", 14)),
    ("discovered_on", Column("发现日期", 12, "date")),
    ("deadline", Column("整改期限", 12, "date")),
    ("x_cohort", Column("存量/增量", 9)),
    ("x_overdue", Column("逾期", 6)),
    ("closed_on", Column("销号日期", 12, "date")),
    ("x_closed_on_time", Column("按期销号", 8)),
    ("supervision_level", Column("挂牌督办", 14)),
    ("supervision_notice_no", Column("督办文号", 16)),
    ("listed_on", Column("挂牌日期", 12, "date")),
    ("supervision_deadline", Column("督办期限", 12, "date")),
    ("external_ref", Column("外部编号", 14)),
    ("responsible_person", Column("整改责任人", 10)),
    ("measures", Column("整改措施", 40)),
    ("funds", Column("整改资金（元）", 14, "decimal")),
    ("created_at", Column("登记时间", 17, "datetime")),
]
COLUMNS = [column for _, column in FIELDS]
PATHS = [path for path, _ in FIELDS] + ["region__name"]

LEVELS = {Level.MAJOR.value: "重大", Level.GENERAL.value: "一般"}
COHORTS = {rules.STOCK: "存量", rules.INCREMENT: "增量"}
LABELS: dict[str, dict[Any, str]] = {
    "level": LEVELS,
    "source": dict(Source.choices),
    "status": dict(Status.choices),
    "x_cohort": COHORTS,
    "supervision_level": dict(SupervisionLevel.choices),
}
_REGION = PATHS.index("region__full_name")
_STATUS = PATHS.index("status")
_CLOSED_ON_TIME = PATHS.index("x_closed_on_time")
_LABELLED = [(PATHS.index(path), labels) for path, labels in LABELS.items()]


def _flag(q: Any) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def hazard_rows(
    *, actor: User, filters: Mapping[str, Any] | HazardFilterSet | None = None
) -> Generator[list[Any], None, None]:
    """The cells of each hazard the list shows ``actor`` for ``filters`` (the list's query parameters or
    its bound filterset), in the list's order. FieldErrors for an invalid parameter."""
    qs = (
        hazard_list(actor=actor, filters=filters)
        .annotate(
            x_cohort=rules.cohort_expression(),
            x_overdue=_flag(rules.q_overdue()),
            x_closed_on_time=_flag(rules.q_closed_on_time()),
        )
        .values_list(*PATHS)
    )
    closed = Status.CLOSED.value
    for values in qs.iterator(chunk_size=CHUNK):
        row = list(values)
        region_name = row.pop()
        row[_REGION] = row[_REGION] or region_name
        if row[_STATUS] != closed:
            row[_CLOSED_ON_TIME] = None  # only a closed hazard was closed on time or late
        for index, labels in _LABELLED:
            row[index] = labels.get(row[index], row[index])
        yield row


def hazards_xlsx(*, actor: User, filters: Mapping[str, Any] | HazardFilterSet | None = None) -> bytes:
    """The filtered list as a workbook (every row, no paging). FieldErrors for an invalid parameter."""
    return write_table("隐患清单", COLUMNS, hazard_rows(actor=actor, filters=filters))


def list_filename() -> tuple[str, str]:
    """The download's name and its ASCII fallback, dated by the Beijing day."""
    day = f"{rules.today():%Y%m%d}"
    return f"隐患清单-{day}.xlsx", f"hazards-{day}.xlsx"


# The timeline ---------------------------------------------------------------------------------

TIMELINE_COLUMNS = [
    Column("序号", 6, "int"),
    Column("时间（北京时间）", 18, "datetime"),
    Column("事项", 14),
    Column("操作人", 16),
    Column("内容", 80),
]


def timeline_rows(events: Sequence[Event | TimelineEntry]) -> Iterator[list[Any]]:
    for number, event in enumerate(events, start=1):
        label, text = kit.event_view("hazard", event.kind, event.payload)
        yield [number, event.at, label, event.actor_name, text]


def timeline_xlsx(hazard: Hazard, events: Sequence[Event | TimelineEntry]) -> bytes:
    """``events`` (from ``hazard_events``, the caller having found ``hazard`` in scope) as a workbook."""
    return write_table(f"隐患{hazard.pk}全过程记录", TIMELINE_COLUMNS, timeline_rows(events))


def timeline_filename(hazard: Hazard) -> tuple[str, str]:
    return f"隐患{hazard.pk}全过程记录.xlsx", f"hazard-{hazard.pk}-timeline.xlsx"
