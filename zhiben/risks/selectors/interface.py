"""The reads of the national dual-prevention interface and of the ledgers (issue 15): an enterprise's six tables in
the interface's field names and codes (``zhiben/risks/interface.py``), whole or since an update time, and the rows
of the 风险分级管控清单 and 隐患排查记录台账 workbooks. Every read starts from the scoped selectors of
``selectors/__init__.py``; an enterprise the actor may not see answers ``NotFound``."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from zhiben.accounts.scope import scoped
from zhiben.common import dates
from zhiben.common.errors import FieldErrors
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.models import Hazard, Source

from .. import interface as nat
from .. import rules
from ..models import CheckKind, CheckRecord, CheckTask, ControlMeasure, RecordStatus, RiskEvent, RiskUnit
from . import enterprise_visible, events_visible, measures_visible, records_visible, tasks_visible, units_visible

_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$")


EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC)


def parse_instant(raw: Any, field: str, label: str) -> datetime.datetime | None:
    """An instant as the interface or a client writes it: ``yyyy-MM-dd HH:mm:ss`` (Beijing wall time), the park
    variant's ``yyyyMMddHHmmss``, a day alone (its start), or ISO 8601 with an offset or ``Z`` (read as the instant
    it names). None for blank. Raises ``FieldErrors`` naming ``field`` otherwise."""
    if raw is None:
        return None
    if isinstance(raw, datetime.datetime):
        value = raw
    else:
        text = str(raw).strip()
        if not text:
            return None
        m = _COMPACT.match(text)
        if m:
            text = "{}-{}-{} {}:{}:{}".format(*m.groups())
        try:
            value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise FieldErrors({field: f"{label}应为时间（如 2026-11-20 08:30:00），现为“{text[:40]}”"}) from None
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dates.zone())
        utc = value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):  # 0001-01-01T00:00:00+23:59 is before the calendar's first instant
        raise FieldErrors({field: f"{label}超出可用范围（1900—2100 年）"}) from None
    if not EARLIEST <= utc < LATEST:
        raise FieldErrors({field: f"{label}应在 1900 年至 2100 年之间"})
    return value


def exchange_id(row: Any) -> str:
    """The id a row has in the interface: the id its source system gave it (an imported row), else ours."""
    return str(row.external_id or row.pk)


def _deleted(flag: bool) -> str:
    return "1" if flag else "0"


def _number(value: Decimal | int | None) -> str:
    return "" if value is None else rules.value_text(Decimal(value))


def _audit(row: Any) -> dict[str, str]:
    return {
        "deleted": _deleted(row.deleted),
        "createDate": nat.stamp(row.created_at),
        "createBy": "",
        "updateDate": nat.stamp(row.updated_at),
        "updateBy": "",
    }


def unit_row(unit: RiskUnit, company: str) -> dict[str, Any]:
    """One 风险分析单元 in the interface's fields (``nat.FIELDS["riskUnit"]``)."""
    return {
        "id": exchange_id(unit),
        "companyCode": company,
        "riskUnitName": unit.name,
        "hazardCode": unit.hazard_source_code,
        "hazardDep": unit.department,
        "hazardLiablePerson": unit.responsible,
        **_audit(unit),
        "riskUnitType": unit.kind,
        "riskLevel": nat.GRADE_RISK_LEVEL.get(unit.grade, ""),
    }


def event_row(event: RiskEvent, company: str) -> dict[str, Any]:
    """One 风险事件 (``nat.FIELDS["riskEvent"]``); L is the LEC's L or the matrix's likelihood."""
    lec = event.method == "lec"
    return {
        "id": exchange_id(event),
        "companyCode": company,
        "riskUnitId": exchange_id(event.unit),
        "riskEventName": event.name,
        **_audit(event),
        "consequence": event.consequence,
        "evaluateMethod": event.method,
        "l": _number(event.l if lec else event.likelihood),
        "e": _number(event.e) if lec else "",
        "c": _number(event.c) if lec else "",
        "s": "" if lec else _number(event.severity),
        "riskValue": _number(event.score),
        "riskLevel": nat.GRADE_RISK_LEVEL.get(event.grade, ""),
    }


def measure_row(measure: ControlMeasure, company: str) -> dict[str, Any]:
    """One 风险管控措施 (``nat.FIELDS["riskMeasure"]``)."""
    return {
        "id": exchange_id(measure),
        "companyCode": company,
        "riskEventId": exchange_id(measure.event),
        "dataSrc": "2",
        "riskMeasureDesc": measure.description,
        "classify1": measure.classify1,
        "classify2": measure.classify2,
        "classify3": measure.classify3,
        "troubleshootContent": measure.content,
        **_audit(measure),
        "measureDep": measure.department,
        "measureLiablePerson": measure.responsible,
    }


def task_row(task: CheckTask, company: str) -> dict[str, Any]:
    """One 隐患排查任务 (``nat.FIELDS["checkTask"]``)."""
    return {
        "id": exchange_id(task),
        "companyCode": company,
        "riskMeasureId": exchange_id(task.measure) if task.measure is not None else "",
        "troubleshootContent": task.content,
        "checkCycle": task.cycle_value,
        "checkCycleUnit": nat.CYCLE_UNIT_WORD[task.cycle_unit],
        "taskStartTime": nat.day_stamp(task.starts_on),
        "workStartTime": "",
        "workEndTime": "",
        "workDayType": "1" if task.working_days_only else "0",
        "workType": "1" if task.kind == CheckKind.PRINCIPAL else "0",
        "taskNum": "",
        **_audit(task),
        "taskKind": task.kind,
    }


def record_row(record: CheckRecord, company: str) -> dict[str, Any]:
    """One 隐患排查记录 (``nat.FIELDS["checkRecord"]``): a done check (its result) or a missed one (未排查)."""
    missed = record.status == RecordStatus.MISSED
    done_by = record.done_by.full_name or record.done_by.username if record.done_by is not None else ""
    checked_at = record.due_at if missed else record.done_at
    return {
        "id": exchange_id(record),
        "companyCode": company,
        "checkTaskId": exchange_id(record.task),
        "checkTime": nat.stamp(checked_at),
        "mobileMe": "",
        "isDefend": "1" if record.task.kind == CheckKind.PRINCIPAL else "0",
        "checkStatus": "2" if missed else nat.RECORD_STATUS_CODE.get(record.result, "3"),
        "deleted": "0",
        "createDate": nat.stamp(record.received_at or checked_at),
        "createBy": done_by,
        "createByMobile": "",
        "updateDate": nat.stamp(record.updated_at),
        "updateBy": done_by,
        "updateByMobile": "",
        "recordStatus": record.status,
    }


def hazard_row(hazard: Hazard, company: str, record: CheckRecord | None) -> dict[str, Any]:
    """One 隐患信息 (``nat.FIELDS["hazard"]``); ``record`` is the check record that found it, if one did."""
    measure = record.task.measure if record is not None else None
    registrant = hazard.created_by.full_name or hazard.created_by.username if hazard.created_by is not None else ""
    funds = hazard.funds
    return {
        "id": str(hazard.pk),
        "companyCode": company,
        "hazardCode": measure.event.unit.hazard_source_code if measure is not None else "",
        "riskMeasureId": exchange_id(measure) if measure is not None else "",
        "checkRecordId": exchange_id(record) if record is not None else "",
        "dangerName": hazard.title,
        "dangerLevel": nat.HAZARD_LEVEL_CODE.get(hazard.level, "0"),
        "registTime": nat.stamp(hazard.created_at),
        "registrant": registrant,
        "dangerSrc": "1",
        "dangerManageType": "1" if hazard.deadline else "0",
        "hazardDangerType": "8",
        "hazardCategory": "1" if record is not None and record.task.kind == CheckKind.PRINCIPAL else "0",
        "dangerDesc": hazard.description or hazard.title,
        "dangerReason": "",
        "controlMeasures": hazard.interim_measures,
        "cost": "" if funds is None else rules.value_text((funds / Decimal(10000)).quantize(Decimal("0.000001"))),
        "dangerManageDeadline": nat.day_stamp(hazard.deadline, end=True),
        "liablePerson": hazard.responsible_person,
        "checkAcceptPerson": "",
        "checkAcceptTime": nat.day_stamp(hazard.closed_on),
        "checkAcceptComment": "",
        "dangerState": nat.HAZARD_STATE_CODE.get(hazard.status, "0"),
        "deleted": _deleted(hazard.status == "cancelled"),
        "createDate": nat.stamp(hazard.created_at),
        "createBy": registrant,
        "updateDate": nat.stamp(hazard.updated_at),
        "updateBy": "",
    }


def _since(qs: QuerySet[Any], since: datetime.datetime | None) -> QuerySet[Any]:
    return qs if since is None else qs.filter(updated_at__gt=since)


def dual_prevention_tables(*, actor: Any, credit_code: str, since: datetime.datetime | None = None) -> dict[str, Any]:
    """The national interface's document for one enterprise the actor may see: ``{"companyCode", "generatedAt",
    "since", "riskUnit": [...], "riskEvent": [...], "riskMeasure": [...], "checkTask": [...], "checkRecord": [...],
    "hazard": [...]}``, rows in the fields of ``interface.FIELDS``. With ``since`` (an aware instant) only the rows
    updated after it, deleted ones included (``deleted`` "1"). Check records: done, uploaded late or missed (a
    planned one is no record yet). Hazards: the enterprise's self-check hazards and those a check record cites.
    Raises ``NotFound`` for an enterprise the actor may not see."""
    enterprise = enterprise_visible(actor, credit_code)
    company = enterprise.credit_code
    units = _since(units_visible(actor).filter(enterprise=enterprise), since).order_by("id")
    events = _since(events_visible(actor).filter(enterprise=enterprise), since).select_related("unit").order_by("id")
    measures = (
        _since(measures_visible(actor).filter(enterprise=enterprise), since).select_related("event").order_by("id")
    )
    tasks = _since(tasks_visible(actor).filter(enterprise=enterprise), since).select_related("measure").order_by("id")
    records = (
        _since(records_visible(actor).filter(enterprise=enterprise), since)
        .exclude(status=RecordStatus.PLANNED)
        .select_related("task", "done_by")
        .order_by("id")
    )
    hazards = (
        _since(scoped(Hazard.objects, actor).filter(enterprise=enterprise), since)
        .filter(Q(check_record__isnull=False) | Q(source=Source.SELF_CHECK))
        .select_related("created_by", "check_record__task__measure__event__unit")
        .order_by("id")
    )
    hazard_rows = []
    for hazard in hazards:
        try:
            record: CheckRecord | None = hazard.check_record
        except CheckRecord.DoesNotExist:
            record = None
        hazard_rows.append(hazard_row(hazard, company, record))
    return {
        "companyCode": company,
        "generatedAt": nat.stamp(timezone.now()),
        "since": nat.stamp(since) if since is not None else None,
        "riskUnit": [unit_row(u, company) for u in units],
        "riskEvent": [event_row(e, company) for e in events],
        "riskMeasure": [measure_row(m, company) for m in measures],
        "checkTask": [task_row(t, company) for t in tasks],
        "checkRecord": [record_row(r, company) for r in records],
        "hazard": hazard_rows,
    }


def exchange_panel(actor: Any, enterprise: Enterprise) -> dict[str, Any]:
    """What the enterprise page shows of its dual-prevention data (``kit.Panel``): the live units, measures and
    check tasks the actor sees, counted, and when the register last changed (an aware instant or None)."""
    figures: dict[str, Any] = {"enterprise": enterprise}
    latest = []
    for name, qs in (
        ("units", units_visible(actor)),
        ("measures", measures_visible(actor)),
        ("tasks", tasks_visible(actor)),
    ):
        found = (
            qs.filter(enterprise=enterprise)
            .order_by()
            .aggregate(n=Count("id", filter=Q(deleted=False)), at=Max("updated_at"))
        )
        figures[name] = found["n"]
        if found["at"] is not None:
            latest.append(found["at"])
    figures["updated_at"] = max(latest) if latest else None
    return figures


# --- the ledgers' rows ----------------------------------------------------------------------------------------


def register_ledger_rows(*, actor: Any, enterprise: Enterprise) -> Iterator[dict[str, Any]]:
    """The 风险分级管控清单 of an enterprise the actor sees: one dict per live control measure (its event and unit
    with it), in unit, event, measure order; an event without measures gives one row without a measure (a unit
    without events is not listed: every row of the list names a risk event)."""
    measures = (
        measures_visible(actor)
        .filter(enterprise=enterprise, deleted=False, event__deleted=False, event__unit__deleted=False)
        .select_related("event__unit")
        .order_by("event__unit_id", "event_id", "id")
    )
    shown_events: set[int] = set()
    for m in measures.iterator(chunk_size=1000):
        shown_events.add(m.event_id)
        yield {"measure": m, "event": m.event, "unit": m.event.unit}
    bare = (
        events_visible(actor)
        .filter(enterprise=enterprise, deleted=False, unit__deleted=False)
        .exclude(pk__in=shown_events)
        .select_related("unit")
        .order_by("unit_id", "id")
    )
    for e in bare:
        yield {"measure": None, "event": e, "unit": e.unit}


def records_ledger(
    *, actor: Any, enterprise: Enterprise, start: datetime.date | None, end: datetime.date | None
) -> Iterable[CheckRecord]:
    """The check records of an enterprise the actor sees whose Beijing ``day`` lies in ``[start, end]`` (either
    end open when None), oldest first, with their task, measure, assignee, checker and hazard."""
    qs = records_visible(actor).filter(enterprise=enterprise)
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return (
        qs.select_related("task__measure", "task__assignee", "done_by")
        .order_by("day", "opens_at", "id")
        .iterator(chunk_size=1000)
    )
