"""The writes of the national dual-prevention interface and of the 风险分级管控清单 ledger (issue 15).

``dual_prevention_import`` takes the interface's document (the shape ``selectors.interface.dual_prevention_tables``
writes) for one enterprise: risk units, events, control measures and check tasks are upserted by the id their
source system gave them (``external_id``; our own ids as exported are found too), parents resolved within the
document or among rows already there; ``deleted`` "1" is a soft delete. Every row is checked first — the scoring
and grading rules (``rules.score``, ``rules.grade_for``), the national classes (``rules.check_classification``),
the cycles (``checks.check_cycle``; a task's ``phase`` by ``checks.phase_of``) — and nothing is written unless
all are good. Check records and hazards are not imported: in zhiben a record is a cycle the day's generation opened
and its assignee filled (``services.records.records_submit`` refuses a check no open cycle holds, as a past one from
another platform would be), and a hazard follows from a failed check; the answer counts them as not imported.

``register_ledger_write`` writes the ledger's checked rows (``zhiben/risks/ledgers.py``), creating units and events
by name within the enterprise. Both regrade the enterprise (``grades.regrade``) and log one event per risk unit
touched (subject ``risk_unit``) and one for the exchange (subject ``risk_exchange``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from zhiben.audit.services import NewEvent, event_append_many
from zhiben.common import dates
from zhiben.common.errors import Conflict, FieldErrors, PermissionDenied
from zhiben.common.names import name_key
from zhiben.common.validators import clean_text
from zhiben.enterprises.models import Enterprise

from .. import checks, grades, rules
from .. import interface as nat
from ..models import CheckKind, CheckTask, ControlMeasure, Method, RiskEvent, RiskProfile, RiskUnit, UnitKind
from ..selectors import (
    enterprise_visible,
    events_visible,
    may_edit,
    measures_visible,
    tasks_visible,
    units_visible,
)
from ..selectors.interface import parse_instant
from .tasks import FIRST_START, LAST_START

REFUSAL = "双重预防数据由企业自行维护：只有本企业用户和管理员可以导入"
# The factor fields of an event row by our factor name (L×S: the matrix's L and S)
FACTOR_FIELDS = {"l": "l", "e": "e", "c": "c", "likelihood": "l", "severity": "s"}


@dataclass
class Planned:
    """One row of the document, checked: what it does to which row (``target`` None: a new row)."""

    table: str
    index: int
    key: str  # the row's id in the document
    target: Any = None
    delete: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    parent: Any = None  # a Planned of the document or an existing row
    saved: Any = None  # the row once written


class _Check:
    """The errors of one document, by ``table[index].field`` in Chinese."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, table: str, index: int, name: str, message: str) -> None:
        self.errors.setdefault(f"{table}[{index}].{name}", message)

    def text(self, row: Mapping[str, Any], table: str, index: int, name: str, label: str, size: int, **kw: Any) -> str:
        raw = row.get(name)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = str(raw)
        try:
            return clean_text(raw, label=label, max_length=size, **kw)
        except ValueError as exc:
            self.add(table, index, name, str(exc))
            return ""


def _flag(raw: Any) -> bool | None:
    """``deleted``: "0"/"1" (also 0/1, true/false); None when it is neither."""
    if raw is None or raw == "":
        return False
    text = str(raw).strip().lower()
    if text in ("0", "false"):
        return False
    if text in ("1", "true"):
        return True
    return None


def _existing(qs: models.QuerySet[Any], keys: Iterable[str]) -> dict[str, Any]:
    """The rows of ``qs`` (one enterprise's) that document ids name: by ``external_id``, or — for an id that is
    one of ours as exported (a number, no external id) — by primary key."""
    keys = {k for k in keys if k}
    found: dict[str, Any] = {}
    for row in qs.filter(external_id__in=keys):
        found[row.external_id] = row
    ours = [int(k) for k in keys if k.isdigit() and k not in found and len(k) < 18]
    for row in qs.filter(external_id="", pk__in=ours):
        found[str(row.pk)] = row
    return found


def _rows(document: Mapping[str, Any], table: str, check: _Check) -> list[tuple[int, Mapping[str, Any]]]:
    raw = document.get(table)
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.errors[table] = f"{nat.TABLE_NAMES[table]}（{table}）应为数组"
        return []
    out: list[tuple[int, Mapping[str, Any]]] = []
    for i, row in enumerate(raw):
        if isinstance(row, dict):
            out.append((i, row))
        else:
            check.errors[f"{table}[{i}]"] = f"{nat.TABLE_NAMES[table]}的每一行应为对象"
    return out


class _Plan:
    """A document checked table by table, parents before children."""

    def __init__(self, actor: Any, enterprise: Enterprise, document: Mapping[str, Any]) -> None:
        self.actor = actor
        self.enterprise = enterprise
        self.check = _Check()
        self.method = (
            RiskProfile.objects.filter(enterprise=enterprise).values_list("method", flat=True).first() or Method.LEC
        )
        self.planned: dict[str, dict[str, Planned]] = {t: {} for t in nat.IMPORTED}
        company = document.get("companyCode")
        if company not in (None, "") and str(company).strip().upper() != enterprise.credit_code:
            self.check.errors["companyCode"] = f"企业编码与地址中的企业（{enterprise.credit_code}）不一致"
        self.rows = {t: _rows(document, t, self.check) for t in nat.TABLES}
        units = units_visible(actor).filter(enterprise=enterprise)
        events = events_visible(actor).filter(enterprise=enterprise)
        measures = measures_visible(actor).filter(enterprise=enterprise)
        self.existing = {
            "riskUnit": _existing(units, self._keys("riskUnit")),
            "riskEvent": _existing(events, self._keys("riskEvent")),
            "riskMeasure": _existing(measures, self._keys("riskMeasure")),
            "checkTask": _existing(tasks_visible(actor).filter(enterprise=enterprise), self._keys("checkTask")),
        }
        # parents an existing child names but the document does not give (events of a unit not in the document)
        self.parents = {
            "riskUnit": _existing(units, self._refs("riskEvent", "riskUnitId")),
            "riskEvent": _existing(events, self._refs("riskMeasure", "riskEventId")),
            "riskMeasure": _existing(measures, self._refs("checkTask", "riskMeasureId")),
        }

    def _keys(self, table: str) -> set[str]:
        return {str(r.get("id") or "").strip() for _, r in self.rows[table]}

    def _refs(self, table: str, name: str) -> set[str]:
        return {str(r.get(name) or "").strip() for _, r in self.rows[table]}

    def start(self, table: str, index: int, row: Mapping[str, Any]) -> Planned | None:
        """The row's id, deletion flag and target; None when it is refused or has nothing to do."""
        key = self.check.text(row, table, index, "id", "主键（id）", 64, required=True)
        if not key:
            return None
        if key in self.planned[table]:
            self.check.add(table, index, "id", f"主键 {key} 在本表中重复")
            return None
        deleted = _flag(row.get("deleted"))
        if deleted is None:
            self.check.add(table, index, "deleted", "删除状态应为 0（正常）或 1（已删除）")
            return None
        target = self.existing[table].get(key)
        if deleted and (target is None or target.deleted):
            # nothing to delete: counted as skipped when written
            self.planned[table][key] = Planned(table, index, key, target, delete=True)
            return None
        planned = Planned(table, index, key, target, delete=deleted)
        self.planned[table][key] = planned
        return planned

    def parent(self, table: str, index: int, row: Mapping[str, Any], name: str, parent_table: str) -> Any:
        """The live parent a row names, in the document or among the enterprise's rows; an error otherwise."""
        key = str(row.get(name) or "").strip()
        label = nat.TABLE_NAMES[parent_table]
        if not key:
            self.check.add(table, index, name, f"请填写所属{label}的 ID")
            return None
        planned = self.planned[parent_table].get(key)
        if planned is not None:
            if planned.delete:
                self.check.add(table, index, name, f"所属{label} {key} 在本次数据中被删除")
                return None
            return planned
        existing = self.existing[parent_table].get(key) or self.parents[parent_table].get(key)
        if existing is None:
            self.check.add(table, index, name, f"找不到{label} {key}（须在本次数据中或此前已导入本企业）")
            return None
        if existing.deleted:
            self.check.add(table, index, name, f"所属{label} {key} 已删除")
            return None
        return existing

    # --- the tables -----------------------------------------------------------------------------------------

    def units(self) -> None:
        t = "riskUnit"
        for i, row in self.rows[t]:
            p = self.start(t, i, row)
            if p is None or p.delete:
                continue
            kind = str(row.get("riskUnitType") or (p.target.kind if p.target else UnitKind.INSTALLATION))
            if kind not in UnitKind.values:
                self.check.add(t, i, "riskUnitType", "单元类型应为 " + "、".join(UnitKind.values) + " 之一")
            p.values = {
                "name": self.check.text(row, t, i, "riskUnitName", "风险分析单元名称", 100, required=True),
                "hazard_source_code": self.check.text(row, t, i, "hazardCode", "风险分析对象编码", 40),
                "department": self.check.text(row, t, i, "hazardDep", "责任部门", 60, required=True),
                "responsible": self.check.text(row, t, i, "hazardLiablePerson", "责任人", 40, required=True),
                "kind": kind,
                "deleted": False,
            }

    def events(self) -> None:
        t = "riskEvent"
        for i, row in self.rows[t]:
            p = self.start(t, i, row)
            if p is None or p.delete:
                continue
            p.parent = self.parent(t, i, row, "riskUnitId", "riskUnit")
            p.values = {
                "name": self.check.text(row, t, i, "riskEventName", "风险事件名称", 100, required=True),
                "consequence": self.check.text(row, t, i, "consequence", "可能导致的事故类型", 100),
                "deleted": False,
                **self.scored(row, t, i),
            }

    def scored(self, row: Mapping[str, Any], t: str, i: int) -> dict[str, Any]:
        """The method, factors, score and grade of an event row (``rules.score``, ``rules.grade_for``)."""
        method = str(row.get("evaluateMethod") or self.method).strip().lower()
        if method not in Method.values:
            self.check.add(t, i, "evaluateMethod", "风险评价方法应为 lec（LEC）或 ls（L×S）")
            return {}
        names = ("l", "e", "c") if method == Method.LEC else ("likelihood", "severity")
        given = {n: row.get(FACTOR_FIELDS[n]) for n in names}
        if all(v in (None, "") for v in given.values()):
            shown = "l、e、c" if method == Method.LEC else "l、s"
            self.check.add(
                t,
                i,
                FACTOR_FIELDS[names[0]],
                f"国家接口的风险事件表不含风险评价因子，无法评定风险等级：导入时请按{Method(method).label}填写 {shown}",
            )
            return {}
        try:
            factors, value = rules.score(method, given)
        except FieldErrors as exc:
            for name, message in exc.errors.items():
                self.check.add(t, i, FACTOR_FIELDS.get(name, "evaluateMethod"), message)
            return {}
        grade = rules.grade_for(method, value)
        level = str(row.get("riskLevel") or "").strip()
        if level and nat.RISK_LEVEL_GRADE.get(level) != grade:
            self.check.add(
                t,
                i,
                "riskLevel",
                f"风险等级应为 0–3 的代码，且与风险值 {rules.value_text(value)} 所定的"
                f"{rules.GRADE_NAMES[grade]}（{nat.GRADE_RISK_LEVEL[grade]}）一致",
            )
        stated = row.get("riskValue")
        if stated not in (None, ""):
            try:
                same = Decimal(str(stated).strip()) == value
            except ArithmeticError:
                same = False
            if not same:
                self.check.add(t, i, "riskValue", f"风险值应为各因子之积 {rules.value_text(value)}")
        empty: dict[str, Any] = {"l": None, "e": None, "c": None, "likelihood": None, "severity": None}
        return {**empty, **factors, "method": method, "score": value, "grade": grade}

    def measures(self) -> None:
        t = "riskMeasure"
        for i, row in self.rows[t]:
            p = self.start(t, i, row)
            if p is None or p.delete:
                continue
            p.parent = self.parent(t, i, row, "riskEventId", "riskEvent")
            c1 = str(row.get("classify1") or "").strip()
            c2 = str(row.get("classify2") or "").strip()
            try:
                rules.check_classification(c1, c2)
            except FieldErrors as exc:
                for name, message in exc.errors.items():
                    self.check.add(t, i, name, message)
            source = str(row.get("dataSrc") or "").strip()
            if source and source not in nat.DATA_SRC:
                self.check.add(t, i, "dataSrc", "管控方式应为 1（自动化监控）或 2（隐患排查）")
            p.values = {
                "description": self.check.text(row, t, i, "riskMeasureDesc", "管控措施描述", 500, required=True),
                "classify1": c1,
                "classify2": c2,
                "classify3": self.check.text(row, t, i, "classify3", "管控措施分类3", 60),
                "content": self.check.text(row, t, i, "troubleshootContent", "隐患排查内容", 500),
                "department": self.check.text(row, t, i, "measureDep", "措施责任部门", 60),
                "responsible": self.check.text(row, t, i, "measureLiablePerson", "措施责任人", 40),
                "deleted": False,
            }

    def tasks(self) -> None:
        t = "checkTask"
        for i, row in self.rows[t]:
            p = self.start(t, i, row)
            if p is None or p.delete:
                continue
            work_type = str(row.get("workType") or "0").strip()
            if work_type not in nat.WORK_TYPE:
                self.check.add(t, i, "workType", "任务类型应为 0–3 的代码")
            kind = str(row.get("taskKind") or "").strip() or (
                CheckKind.PRINCIPAL if work_type == "1" else CheckKind.MEASURE
            )
            if kind not in CheckKind.values:
                self.check.add(t, i, "taskKind", "任务类型应为 " + "、".join(CheckKind.values) + " 之一")
            if kind == CheckKind.MEASURE or row.get("riskMeasureId"):
                p.parent = self.parent(t, i, row, "riskMeasureId", "riskMeasure")
            p.values = {
                "content": self.check.text(row, t, i, "troubleshootContent", "隐患排查内容", 500, required=True),
                "kind": kind,
                **self.cycle(row, t, i, p),
                "deleted": False,
            }
            if p.target is not None and p.target.deleted:
                p.values["active"] = True  # brought back: a deleted task had been stopped

    def cycle(self, row: Mapping[str, Any], t: str, i: int, p: Planned) -> dict[str, Any]:
        """A task's cycle: a whole number ≥ 1 of 小时/天/月/年, every day or working days, from a start day."""
        out: dict[str, Any] = {}
        word = str(row.get("checkCycleUnit") or "").strip()
        unit = nat.CHECK_CYCLE_UNIT.get(word, word if word in nat.CYCLE_UNIT_WORD else "")
        if not unit:
            self.check.add(t, i, "checkCycleUnit", "排查周期单位应为 小时、天、月、年 之一")
        else:
            raw = row.get("checkCycle")
            try:  # the task register's rule: whole, within the unit's bounds, hours dividing a day
                out["cycle_value"] = checks.check_cycle(unit, raw if isinstance(raw, int | str) else str(raw))
            except ValueError as exc:
                self.check.add(t, i, "checkCycle", str(exc))
        out["cycle_unit"] = unit
        day_type = str(row.get("workDayType") or "0").strip()
        if day_type not in ("0", "1"):
            self.check.add(t, i, "workDayType", "工作日类型应为 0（每天）或 1（法定工作日）；不支持 2（非法定工作日）")
        out["working_days_only"] = day_type == "1"
        try:
            start = parse_instant(row.get("taskStartTime"), f"{t}[{i}].taskStartTime", "任务开始时间")
        except FieldErrors as exc:
            self.check.errors.update(exc.errors)
            return out
        if start is not None:
            out["starts_on"] = dates.beijing_day(start)
            if not FIRST_START <= out["starts_on"] <= LAST_START:
                self.check.add(t, i, "taskStartTime", "任务开始时间应在 2000 年至 2100 年之间")
        elif p.target is None:
            out["starts_on"] = dates.today()
        return out

    def others(self) -> dict[str, int]:
        """How many check records and hazards the document gives (not imported)."""
        return {t: len(self.rows[t]) for t in ("checkRecord", "hazard")}


def _resolved(parent: Any) -> Any:
    return parent.saved if isinstance(parent, Planned) else parent


def _write_rows(plan: _Plan, counts: dict[str, Counter[str]], touched: dict[int, Counter[str]]) -> None:
    enterprise = plan.enterprise
    models_of: dict[str, type[models.Model]] = {
        "riskUnit": RiskUnit,
        "riskEvent": RiskEvent,
        "riskMeasure": ControlMeasure,
        "checkTask": CheckTask,
    }
    for table in nat.IMPORTED:
        model = models_of[table]
        for p in plan.planned[table].values():
            if p.delete and (p.target is None or p.target.deleted or _gone(p.target)):
                counts[table]["skipped"] += 1  # unknown, deleted before, or with its parent just now
                continue
            parent = _resolved(p.parent)
            values = dict(p.values)
            if table == "riskEvent":
                values["unit"] = parent
            elif table == "riskMeasure":
                values["event"] = parent
            elif table == "checkTask":
                values["measure"] = parent
                if not p.delete:  # where the start falls in the cycle: the day's generation finds the task by it
                    starts_on = values.get("starts_on") or p.target.starts_on
                    values["phase"], values["anchor_day"] = checks.phase_of(
                        values["cycle_unit"], values["cycle_value"], starts_on
                    )
            if p.delete:
                p.target.deleted = True
                fields = ["deleted", "updated_at"]
                if table == "checkTask":  # as the task register deletes: stopped, kept for the feed
                    p.target.active = False
                    fields.append("active")
                p.target.save(update_fields=fields)
                p.saved, action = p.target, "deleted"
                _cascade(table, p.target, counts)
            elif p.target is None:
                extra: dict[str, Any] = {"enterprise": enterprise, "external_id": p.key}
                if table in ("riskUnit", "checkTask"):
                    extra.update(region_id=enterprise.region_id, sector_id=enterprise.sector_id)
                p.saved = model._default_manager.create(**extra, **values)
                action = "created"
            else:
                changed = [k for k, v in values.items() if _differs(p.target, k, v)]
                if changed:
                    for k in changed:
                        setattr(p.target, k, values[k])
                    p.target.save()
                    action = "updated"
                else:
                    action = "skipped"
                p.saved = p.target
            counts[table][action] += 1
            unit_id = _unit_of(table, p.saved)
            if unit_id is not None and action != "skipped":
                touched[unit_id][f"{table}:{action}"] += 1


PARENTS = ("unit", "event", "measure")


def _differs(row: Any, name: str, value: Any) -> bool:
    """Whether ``row``'s ``name`` is not ``value`` (a parent compared by id: no query per row)."""
    if name in PARENTS:
        return bool(getattr(row, f"{name}_id") != (value.pk if value is not None else None))
    return bool(getattr(row, name) != value)


def _gone(row: Any) -> bool:
    """Whether a row was deleted since it was read (with a parent deleted earlier in the same import)."""
    return bool(type(row)._default_manager.filter(pk=row.pk, deleted=True).exists())


def _cascade(table: str, row: Any, counts: dict[str, Counter[str]]) -> None:
    """A deleted unit takes its live events, measures and their check tasks with it (a deleted event its measures
    and tasks, a deleted measure its tasks): no task keeps generating checks of a risk that is gone, and the feed
    tells every row as deleted. Counted as deleted in their tables."""
    now = timezone.now()
    if table == "riskUnit":
        events = RiskEvent.objects.filter(unit=row, deleted=False)
        counts["riskEvent"]["deleted"] += events.update(deleted=True, updated_at=now)
        measures = ControlMeasure.objects.filter(event__unit=row, deleted=False)
    elif table == "riskEvent":
        measures = ControlMeasure.objects.filter(event=row, deleted=False)
    elif table == "riskMeasure":
        measures = ControlMeasure.objects.filter(pk=row.pk)
    else:
        return
    tasks = CheckTask.objects.filter(measure__in=list(measures.values_list("pk", flat=True)), deleted=False)
    if table != "riskMeasure":
        counts["riskMeasure"]["deleted"] += measures.update(deleted=True, updated_at=now)
    counts["checkTask"]["deleted"] += tasks.update(deleted=True, active=False, updated_at=now)


def _unit_of(table: str, row: Any) -> int | None:
    if table == "riskUnit":
        return int(row.pk)
    if table == "riskEvent":
        return int(row.unit_id)
    if table == "riskMeasure":
        return int(row.event.unit_id)
    if table == "checkTask" and row.measure_id is not None:
        return int(row.measure.event.unit_id)
    return None


def _log(actor: Any, enterprise: Enterprise, source: str, touched: Mapping[int, Counter[str]], totals: Any) -> None:
    """One event per risk unit touched (what changed in its register) and one for the exchange."""
    made = [
        NewEvent("risk_unit", str(unit_id), "exchange_imported", {"source": source, "changes": dict(c)})
        for unit_id, c in sorted(touched.items())
    ]
    event_append_many(actor=actor, events=made)
    event_append_many(
        actor=actor,
        events=[
            NewEvent("risk_exchange", str(enterprise.pk), "imported", {"source": source, "tables": totals}),
        ],
    )


def dual_prevention_import(*, actor: Any, credit_code: str, document: Any) -> dict[str, Any]:
    """Import the national interface's document for one enterprise (all rows or none).

    ``document`` is ``{"companyCode"?, "riskUnit": [...], "riskEvent": [...], "riskMeasure": [...],
    "checkTask": [...], "checkRecord"?: [...], "hazard"?: [...]}`` in the fields of ``interface.FIELDS``. Answers
    ``{"companyCode", "grade", "tables": {table: {"created", "updated", "deleted", "skipped"}}}``; check records and
    hazards add ``"not_imported"`` (their count in the document). Raises ``NotFound`` for an enterprise the actor
    may not see, ``PermissionDenied`` unless the actor may edit its register (``selectors.may_edit``: its staff,
    admins), ``FieldErrors`` keyed ``table[index].field`` (e.g. ``riskMeasure[3].classify2``) naming every bad
    row, with nothing written; ``Conflict`` when another import of the same rows ran at the same moment (the
    same ids created twice: nothing of this one is written, and sending it again updates those rows)."""
    try:
        return _import(actor, credit_code, document)
    except IntegrityError:
        raise Conflict("同时有另一次导入写入了相同编号的数据：本次未写入任何数据，请重新提交") from None


@transaction.atomic
def _import(actor: Any, credit_code: str, document: Any) -> dict[str, Any]:
    enterprise = enterprise_visible(actor, credit_code)
    if not may_edit(actor, enterprise.pk):
        raise PermissionDenied(REFUSAL)
    if not isinstance(document, Mapping):
        raise FieldErrors({"body": "请求体应为 JSON 对象（双重预防数据交换文档）"})
    plan = _Plan(actor, enterprise, document)
    plan.units()
    plan.events()
    plan.measures()
    plan.tasks()
    if plan.check.errors:
        raise FieldErrors(plan.check.errors)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    touched: dict[int, Counter[str]] = defaultdict(Counter)
    _write_rows(plan, counts, touched)
    tables: dict[str, dict[str, int]] = {}
    for table in nat.IMPORTED:
        tables[table] = {k: counts[table][k] for k in ("created", "updated", "deleted", "skipped")}
    for table, n in plan.others().items():
        tables[table] = {"created": 0, "updated": 0, "deleted": 0, "skipped": n, "not_imported": n}
    _log(actor, enterprise, "dual-prevention.json", touched, tables)
    grade = grades.regrade([enterprise.pk])[enterprise.pk]
    return {"companyCode": enterprise.credit_code, "grade": grade, "tables": tables}


# --- the 风险分级管控清单 ledger --------------------------------------------------------------------------------


def register_ledger_write(
    *, actor: Any, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None = None
) -> dict[str, int]:
    """Write the checked rows of the 风险分级管控清单 (``ledgers.RegisterRows.check``), in the caller's transaction
    or its own: each ``{"enterprise_id", "measure_id" (a known measure or None), "unit": {name, kind, department,
    responsible}, "event": {name, consequence, method, l, e, c, likelihood, severity, score, grade}, "measure":
    {description, classify1, classify2, classify3, content} or None}``. A unit is found by name within the
    enterprise (an event by name within its unit) or created; a measure by ``measure_id``, else by its description
    within its event, or created. Answers the counts of rows created and updated by table; regrades the
    enterprises. Raises ``PermissionDenied`` for an enterprise the actor may not edit."""
    totals: Counter[str] = Counter()
    with transaction.atomic():
        by_enterprise: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
        for row in rows:
            by_enterprise[int(row["enterprise_id"])].append(row)
        for enterprise_id, items in by_enterprise.items():
            if not may_edit(actor, enterprise_id):
                raise PermissionDenied(REFUSAL)
            enterprise = Enterprise.objects.get(pk=enterprise_id)
            counts: Counter[str] = Counter()  # this enterprise's, for its event
            touched: dict[int, Counter[str]] = defaultdict(Counter)
            # names matched as the ledger's check matched them (``name_key``: （）and (), full-width letters …)
            units = {name_key(u.name): u for u in RiskUnit.objects.filter(enterprise=enterprise, deleted=False)}
            events = {
                (e.unit_id, name_key(e.name)): e for e in RiskEvent.objects.filter(enterprise=enterprise, deleted=False)
            }
            for row in items:
                found = units.get(name_key(row["unit"]["name"]))
                unit = _save(found, RiskUnit, row["unit"], counts, "riskUnit", enterprise)
                units[name_key(unit.name)] = unit
                key = (unit.pk, name_key(row["event"]["name"]))
                event = events.get(key)
                event = _save(event, RiskEvent, {**row["event"], "unit": unit}, counts, "riskEvent", enterprise)
                events[key] = event
                touched[unit.pk]["rows"] += 1  # the ledger's rows on this unit
                if row.get("measure") is None:
                    continue
                measure = None
                if row.get("measure_id"):
                    measure = ControlMeasure.objects.get(pk=row["measure_id"], enterprise=enterprise)
                else:
                    wanted = name_key(row["measure"]["description"])
                    measure = next(
                        (
                            m
                            for m in ControlMeasure.objects.filter(event=event, deleted=False).order_by("id")
                            if name_key(m.description) == wanted
                        ),
                        None,
                    )
                _save(measure, ControlMeasure, {**row["measure"], "event": event}, counts, "riskMeasure", enterprise)
            _log(actor, enterprise, "风险分级管控清单", touched, dict(counts))
            grades.regrade([enterprise.pk])
            totals.update(counts)
    return dict(totals)


def _save(
    row: Any, model: type[models.Model], values: Mapping[str, Any], counts: Counter[str], table: str, enterprise: Any
) -> Any:
    """Create ``model`` with ``values`` (``row`` None) or change what differs in ``row``; counts what it did."""
    if row is None:
        extra: dict[str, Any] = {"enterprise": enterprise}
        if model is RiskUnit:
            extra.update(region_id=enterprise.region_id, sector_id=enterprise.sector_id)
        counts[f"{table}_created"] += 1
        return model._default_manager.create(**extra, **values)
    changed = [k for k, v in values.items() if _differs(row, k, v)]
    if changed:
        for k in changed:
            setattr(row, k, values[k])
        row.save()
        counts[f"{table}_updated"] += 1
    return row
