"""Writes of duty lists, the duty ledger and pressures; each a transaction that writes its event, or nothing.

Who may write (who may see is selectors.py; a record one may see but not change answers 403, one one may not
see 404):

- lists and their items: the committee office (安委会办公室) of the list's region or above, and admins
  (``departments.services.can_manage``: the office keeps its members' and leaders' lists, DESIGN.md §4);
- ledger entries: the leader named on the list, the members of the unit whose list it is, whoever may keep
  the list, and admins;
- pressures: the committee office of a region above the target — a lower region, or a member unit of its
  own region or below — and admins; 挂牌督办 only of a region;
- a pressure's follow-up: the target's officers, the issuing office, admins.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Sequence
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope
from zhiben.audit.services import event_append
from zhiben.common import dates
from zhiben.common.errors import Conflict, ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.common.validators import clean_choice, clean_text
from zhiben.departments.models import Department
from zhiben.departments.services import can_manage
from zhiben.hazards.evidence import EvidenceRejected, check_upload, stored_files
from zhiben.plans.periods import FIRST_YEAR, LAST_YEAR
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from . import rules, workbooks
from .models import (
    DueKind,
    DutyAttachment,
    DutyEntry,
    DutyItem,
    DutyList,
    ListKind,
    Pressure,
    PressureKind,
    ReportPeriod,
)
from .selectors import is_target_officer, office_region

TEXT_MAX = 2000
ENTRY_MAX = 4000
FILES_MAX = 9
# An uploaded file: (stream, name, size in bytes or None).
Upload = tuple[IO[bytes], str, int | None]


def _text(errors: ErrorCollector, field: str, raw: object, label: str, max_length: int, *, required: bool) -> str:
    try:
        return clean_text(raw, label=label, max_length=max_length, required=required)
    except ValueError as exc:
        errors.add(field, str(exc))
        return ""


def _day(errors: ErrorCollector, field: str, raw: object, label: str, *, required: bool) -> datetime.date | None:
    """A Beijing day of the years the registers work in (the plans' 2000–2100): 0001-01-01 or 9999-12-31 is
    a slip, which would make a follow-up overdue for ever or never due."""
    try:
        day = dates.parse_day(raw, label=label)
    except ValueError as exc:
        errors.add(field, str(exc))
        return None
    if day is None and required:
        errors.add(field, f"请填写{label}")
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.add(field, f"{label}应在 {FIRST_YEAR}–{LAST_YEAR} 年之间，现为 {day:%Y-%m-%d}")
        return None
    return day


def _not_future(errors: ErrorCollector, field: str, day: datetime.date | None, label: str) -> None:
    if day is not None and day > dates.today():
        errors.add(field, f"{label}不能晚于今天（{dates.today():%Y-%m-%d}）")


def _year(errors: ErrorCollector, raw: object) -> int:
    try:
        year = int(str(raw).strip()) if raw not in (None, "") and not isinstance(raw, bool | float) else 0
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        errors.add("year", "年度应为 2000–2100 之间的年份，如 2026")
    return year


def may_keep(actor: User, duty_list: DutyList) -> bool:
    """Whether ``actor`` may change ``duty_list`` and its items (the committee office in scope, or an admin)."""
    return can_manage(actor, duty_list.region_id)


def may_record(actor: User, duty_list: DutyList) -> bool:
    """Whether ``actor`` may add ledger entries to ``duty_list``: the leader, the unit's members, its keepers."""
    if actor.role == Role.ADMIN or may_keep(actor, duty_list):
        return True
    if duty_list.leader_id and duty_list.leader_id == actor.pk:
        return True
    return bool(duty_list.department_id) and actor.is_regulator and actor.department_id == duty_list.department_id


def _place(actor: User, raw: object) -> Region:
    code = parse_region(raw)
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise FieldErrors({"region": f"区划代码 {code} 不存在"})
    if not region_in_scope(actor, code):
        raise NotFound("区划不存在")
    if not can_manage(actor, code):
        raise PermissionDenied("履职清单由安委会办公室或系统管理员登记")
    return region


@transaction.atomic
def duty_list_create(
    *,
    actor: User,
    region: object,
    year: object,
    kind: object = ListKind.DUTY,
    title: object = "",
    leader: object = None,
    leader_name: object = "",
    leader_post: object = "",
    department: object = None,
    filed_on: object = None,
) -> DutyList:
    """Register a duty list of ``region`` (a GB/T 2260 code) for ``year``: a leader's — ``leader`` (a user id of
    an officer of that region) and/or ``leader_name`` with ``leader_post`` (“县长”, “张三”) — or a member unit's
    (``department``: a unit id of that region), never both. ``kind``: ``duty`` (安全生产职责清单) or ``annual``
    (年度安全生产重点工作清单); ``filed_on`` the day it was filed with the office above (报上级安委办备案), not
    in the future; ``title`` defaults to “<owner><year>年<kind>”.

    Raises FieldErrors naming each bad field (region, year, kind, leader, leader_name, department, filed_on,
    title), NotFound (region out of scope), PermissionDenied (not the committee office or an admin)."""
    place = _place(actor, region)
    errors = ErrorCollector()
    the_year = _year(errors, year)
    try:
        # only a blank takes the default: a list or an object sent for the kind is refused, not read as blank
        the_kind = clean_choice(
            ListKind.DUTY if kind in (None, "") else kind, label="清单类别", choices=ListKind.choices, allow_blank=False
        )
    except ValueError as exc:
        errors.add("kind", str(exc))
        the_kind = ListKind.DUTY
    name = _text(errors, "leader_name", leader_name, "领导干部姓名", 40, required=False)
    post = _text(errors, "leader_post", leader_post, "职务", 60, required=False)
    head = _text(errors, "title", title, "标题", 120, required=False)
    person = None
    if leader not in (None, ""):
        person = _user_of(errors, place, leader)
    unit = None
    if department not in (None, ""):
        unit = _unit_of(errors, place, department, "department")
    if unit is not None and (person is not None or name):
        errors.add("department", "一份清单属于一位领导干部或一个成员单位，不能同时填写")
    if unit is None and person is None and not name and "department" not in errors.errors:
        errors.add("leader_name", "请填写领导干部（姓名和职务）或选择成员单位")
    filed = _day(errors, "filed_on", filed_on, "备案日期", required=False)
    _not_future(errors, "filed_on", filed, "备案日期")
    errors.raise_if_any()
    if person is not None and not name:
        name = person.full_name or person.username
    owner = unit.name if unit is not None else f"{post}{name}"
    duty_list = DutyList.objects.create(
        region=place,
        kind=the_kind,
        year=the_year,
        title=head or f"{owner}{the_year}年{ListKind(the_kind).label}",
        leader=person,
        leader_name=name,
        leader_post=post,
        department=unit,
        filed_on=filed,
        created_by=actor,
    )
    event_append(
        actor=actor,
        subject_type="duty_list",
        subject_id=str(duty_list.pk),
        kind="created",
        payload={"title": duty_list.title, "year": the_year, "kind": the_kind, "region": place.pk},
    )
    return duty_list


def _user_of(errors: ErrorCollector, place: Region, raw: object) -> User | None:
    try:
        pk = int(str(raw))
    except ValueError:
        errors.add("leader", "应为用户编号")
        return None
    person = User.objects.filter(pk=pk, is_active=True, role=Role.OFFICER, region_id=place.pk).first()
    if person is None:
        errors.add("leader", f"用户 {pk} 不是{place.name}的监管人员")
    return person


def _unit_of(errors: ErrorCollector, place: Region, raw: object, field: str) -> Department | None:
    try:
        pk = int(str(raw))
    except ValueError:
        errors.add(field, "应为成员单位编号")
        return None
    unit = Department.objects.filter(pk=pk, region_id=place.pk).first()
    if unit is None:
        errors.add(field, f"成员单位 {pk} 不是{place.name}的成员单位")
    return unit


def _due(errors: ErrorCollector, year: int, due_on: object, due_text: str, period: object) -> rules.Due:
    """The item's due rule from a date (``due_on``), a reporting period (长期) or the deadline's text."""
    the_period = ""
    if period not in (None, ""):
        try:
            the_period = clean_choice(period, label="报告周期", choices=ReportPeriod.choices, allow_blank=False)
        except ValueError as exc:
            errors.add("period", str(exc))
            return rules.Due(DueKind.UNKNOWN)
    day = _day(errors, "due_on", due_on, "完成时限", required=False)
    if "due_on" in errors.errors:
        return rules.Due(DueKind.UNKNOWN)
    if day is not None and the_period:
        errors.add("period", "有完成时限的事项不设报告周期（报告周期用于长期事项）")
        return rules.Due(DueKind.UNKNOWN)
    if day is not None:
        due = rules.Due(DueKind.DATE, on=day)
    elif the_period:
        return rules.Due(DueKind.ONGOING, period=the_period)
    else:
        due = rules.due_from_text(due_text, year)
        if due.kind == DueKind.ONGOING and not due.period:
            errors.add("period", "长期事项请选择报告周期（每月、每季度或每年）")
            return due
        if due.kind == DueKind.UNKNOWN and due_text:
            errors.add("due_text", f"读不出完成时限“{due_text}”：请写成“2026年6月底前”“每季度”“长期坚持”等")
            return due
        if due.kind == DueKind.UNKNOWN:
            errors.add("due_on", "请填写完成时限（日期），或为长期事项选择报告周期")
            return due
    when = rules.due_day(due, year)
    if when is not None and when.year != year:
        errors.add("due_on", f"完成时限应在清单年度（{year}年）之内，现为 {when:%Y-%m-%d}")
    return due


@transaction.atomic
def duty_item_add(
    *,
    actor: User,
    duty_list: DutyList,
    number: object,
    text: object,
    due_on: object = None,
    due_text: object = "",
    period: object = None,
) -> DutyItem:
    """Add an item to ``duty_list`` (one ``actor`` may see): ``number`` (序号, e.g. “3” or “2.1”), ``text``, and
    its due rule — ``due_on`` (a date in the list's year), or ``period`` (``month``/``quarter``/``year``: a 长期
    item reported each period), or a deadline's ``due_text`` read by rules.due_from_text (the plans' reader:
    “2026年6月底前”, “每年3月31日前”, “每季度”, “长期坚持” reported each quarter unless ``period`` says).
    Raises FieldErrors naming number, text, due_on, due_text or period;
    PermissionDenied when ``actor`` may not keep the list."""
    if not may_keep(actor, duty_list):
        raise PermissionDenied("清单事项由安委会办公室或系统管理员登记")
    errors = ErrorCollector()
    if isinstance(number, int) and not isinstance(number, bool):  # 3 as well as "3"
        number = str(number)
    the_number = _text(errors, "number", number, "序号", 12, required=True)
    body = _text(errors, "text", text, "事项内容", TEXT_MAX, required=True)
    words = _text(errors, "due_text", due_text, "完成时限（原文）", 100, required=False)
    due = _due(errors, duty_list.year, due_on, words, period)
    errors.raise_if_any()
    locked = DutyList.objects.select_for_update().get(pk=duty_list.pk)
    position = locked.items.count() + 1
    item = DutyItem.objects.create(
        duty_list=locked,
        number=the_number,
        position=position,
        text=body,
        due_text=words or (due.on.isoformat() if due.on else ""),
        due_kind=due.kind,
        due_on=due.on,
        due_month=due.month,
        due_day=due.day,
        period=due.period,
    )
    event_append(
        actor=actor,
        subject_type="duty_list",
        subject_id=str(duty_list.pk),
        kind="item_added",
        payload={"number": the_number, "text": body[:200], "due": item.due_text, "period": item.period},
    )
    return item


# Where an item's fields are in an imported workbook (workbooks.LABELS): a refusal names the column.
_IMPORT_COLUMNS = {
    "number": "number",
    "text": "text",
    "due_on": "due_text",
    "due_text": "due_text",
    "period": "due_text",
}


@transaction.atomic
def duty_items_import(*, actor: User, duty_list: DutyList, upload: Any) -> list[DutyItem]:
    """Add the items of an uploaded .xlsx (``upload``, a Django UploadedFile; columns 序号, 职责内容 or 工作任务,
    完成时限: see workbooks.read_items) to ``duty_list`` (one ``actor`` may see), each as duty_item_add would, in
    order. All or nothing: one bad row and no item is added.

    Raises PermissionDenied (not the list's keeper); FieldErrors ``{"file": why}`` for a file that is not a
    workbook of items, else one error per bad cell, keyed ``rows.<row>.<column>`` (``number``, ``text``,
    ``due_text``) and saying “第 N 行「完成时限」：…” (N the Excel row number)."""
    if not may_keep(actor, duty_list):
        raise PermissionDenied("清单事项由安委会办公室或系统管理员登记")
    try:
        rows = workbooks.read_items(workbooks.upload_bytes(upload))
    except workbooks.WorkbookRejected as exc:
        raise FieldErrors({"file": str(exc)}) from None
    added: list[DutyItem] = []
    refused: dict[str, str] = {}
    for row in rows:
        try:
            with transaction.atomic():  # a savepoint: a bad row leaves nothing, the others are still checked
                added.append(
                    duty_item_add(
                        actor=actor,
                        duty_list=duty_list,
                        number=row.number,
                        text=row.text,
                        due_on=row.due_on,
                        due_text=row.due_text,
                    )
                )
        except FieldErrors as exc:
            for field, message in exc.errors.items():
                column = _IMPORT_COLUMNS.get(field, "text")
                refused.setdefault(
                    f"rows.{row.row}.{column}", f"第 {row.row} 行「{workbooks.LABELS[column]}」：{message}"
                )
    if refused:
        raise FieldErrors(refused)
    return added


def duty_entry_add(
    *,
    actor: User,
    item: DutyItem,
    done_on: object,
    text: object,
    files: Sequence[Upload] = (),
) -> DutyEntry:
    """Record in the duty ledger (履职台账) what was done against ``item`` (one ``actor`` may see): ``done_on`` a
    Beijing day, not in the future and not before the list's year; ``text``; ``files`` images or PDFs
    (hazards.evidence: JPEG, PNG, WebP, PDF, size-capped), at most nine. All or nothing: a refused file
    leaves no entry and no stored file.

    Raises PermissionDenied (not the leader, a member of the unit, the committee office or an admin),
    FieldErrors naming done_on, text or files."""
    duty_list = item.duty_list
    if not may_record(actor, duty_list):
        raise PermissionDenied("只有清单所属领导干部、成员单位人员或安委会办公室可以记录履职台账")
    errors = ErrorCollector()
    day = _day(errors, "done_on", done_on, "履职日期", required=True)
    _not_future(errors, "done_on", day, "履职日期")
    if day is not None and day.year < duty_list.year:
        errors.add("done_on", f"履职日期不能早于清单年度（{duty_list.year}年）")
    body = _text(errors, "text", text, "履职情况", ENTRY_MAX, required=True)
    if len(files) > FILES_MAX:
        errors.add("files", f"附件不能超过 {FILES_MAX} 个")
    checked = []
    for stream, name, size in files if "files" not in errors.errors else ():
        try:
            checked.append(check_upload(stream, name=name, size=size))
        except EvidenceRejected as exc:
            errors.add("files", f"{name or '附件'}：{exc}")
            break
    errors.raise_if_any()
    assert day is not None
    saved: list[str] = []
    try:
        with transaction.atomic():
            entry = DutyEntry.objects.create(item=item, done_on=day, text=body, recorded_by=actor)
            for one in checked:
                content, _ = stored_files(one)
                attachment = DutyAttachment(
                    entry=entry,
                    content_type=one.content_type,
                    size=len(one.content),
                    sha256=one.sha256,
                    name=one.original_name,
                )
                attachment.file.save(content.name or "file", content, save=False)
                saved.append(attachment.file.name)
                attachment.save()
            event_append(
                actor=actor,
                subject_type="duty_list",
                subject_id=str(duty_list.pk),
                kind="entry_added",
                payload={
                    "number": item.number,
                    "done_on": day.isoformat(),
                    "text": body[:200],
                    "files": [c.original_name for c in checked],
                },
            )
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise
    return entry


# --- pressures ----------------------------------------------------------------------------------------


def _issuer(actor: User, raw: object) -> Region:
    """The region whose committee office issues: the actor's office; an admin names it (``issuer_region``)."""
    office = office_region(actor)
    if actor.role != Role.ADMIN:
        if not office:
            raise PermissionDenied("督促问责措施由上级安委会办公室登记")
        return Region.objects.get(pk=office)
    code = parse_region(raw, field="issuer_region")
    region = Region.objects.filter(pk=code).first()
    if region is None:
        raise FieldErrors({"issuer_region": f"区划代码 {code} 不存在"})
    return region


@transaction.atomic
def pressure_create(
    *,
    actor: User,
    kind: object,
    target_kind: object,
    target: object,
    reason: object,
    on: object,
    follow_up_due: object,
    task_id: object = None,
    issuer_region: object = None,
) -> Pressure:
    """Record a measure against a target that falls behind: ``kind`` one of PressureKind (警示通报, 督促函, 约谈,
    书面检讨, 会议检讨, 挂牌督办 — key or label); ``target_kind`` ``region`` (``target`` a region code strictly
    below the issuing office's region) or ``department`` (``target`` a member-unit id of that region or below);
    ``reason``; ``on`` (not in the future) and ``follow_up_due`` (not before ``on``); ``task_id`` a plan task's
    number, if it is about one. The issuing office is the actor's committee office (an admin gives
    ``issuer_region``, default the region above the target).

    Raises PermissionDenied (not a committee office or admin), FieldErrors naming kind, target_kind, target
    (not below the office; 挂牌督办 of a unit), reason, on, follow_up_due, task_id or issuer_region."""
    if actor.role != Role.ADMIN and not office_region(actor):
        raise PermissionDenied("督促问责措施由上级安委会办公室登记")
    errors = ErrorCollector()
    try:
        the_kind = clean_choice(kind, label="措施", choices=PressureKind.choices, allow_blank=False)
    except ValueError as exc:
        errors.add("kind", str(exc))
        the_kind = ""
    the_target_kind = str(target_kind or "").strip()
    if the_target_kind not in ("region", "department"):
        errors.add("target_kind", "对象类别应为 region（下级区划）或 department（成员单位）")
    target_region, target_unit = None, None
    if the_target_kind == "region":
        try:
            code = parse_region(target, field="target")
            target_region = Region.objects.filter(pk=code).first()
            if target_region is None:
                errors.add("target", f"区划代码 {code} 不存在")
        except FieldErrors as exc:
            errors.add("target", exc.errors["target"])
    elif the_target_kind == "department":
        with contextlib.suppress(ValueError):
            target_unit = Department.objects.select_related("region").filter(pk=int(str(target))).first()
        if target_unit is None:
            errors.add("target", "成员单位不存在")
    if the_kind == PressureKind.LISTED_SUPERVISION and the_target_kind == "department":
        errors.add("target", "挂牌督办只适用于下级区划，不适用于成员单位")
    body = _text(errors, "reason", reason, "事由", 4000, required=True)
    day = _day(errors, "on", on, "日期", required=True)
    _not_future(errors, "on", day, "日期")
    due = _day(errors, "follow_up_due", follow_up_due, "反馈期限", required=True)
    if day is not None and due is not None and due < day:
        errors.add("follow_up_due", f"反馈期限不能早于措施日期（{day:%Y-%m-%d}）")
    task = None
    if task_id not in (None, ""):
        try:
            task = int(str(task_id))
        except ValueError:
            task = 0
        if isinstance(task_id, bool) or task <= 0:
            errors.add("task_id", "关联任务编号应为正整数")
    if actor.role == Role.ADMIN and issuer_region in (None, ""):
        below = target_region or (target_unit.region if target_unit else None)
        if target_region is not None and target_region.parent_id:
            issuer_region = target_region.parent_id
        elif below is not None:
            issuer_region = below.pk
    errors.raise_if_any()
    issuer = _issuer(actor, issuer_region)
    place = target_region if target_region is not None else target_unit.region  # type: ignore[union-attr]
    if target_region is not None and not (place.pk.startswith(issuer.pk) and place.pk != issuer.pk):
        raise FieldErrors({"target": f"只能对{issuer.name}的下级区划采取督促问责措施"})
    if target_unit is not None and not place.pk.startswith(issuer.pk):
        raise FieldErrors({"target": f"只能对{issuer.name}及其下级的成员单位采取督促问责措施"})
    office = (
        actor.department
        if actor.role != Role.ADMIN
        else Department.objects.filter(region=issuer, kind="committee_office").first()
    )
    assert day is not None
    assert due is not None
    pressure = Pressure.objects.create(
        kind=the_kind,
        issuer_region=issuer,
        issuer=office,
        target_region=target_region,
        target_department=target_unit,
        region=place,
        ladder_region=place.pk if target_region is not None else (issuer.parent_id or ""),
        reason=body,
        on=day,
        follow_up_due=due,
        task_id=task,
        issued_by=actor,
    )
    event_append(
        actor=actor,
        subject_type="pressure",
        subject_id=str(pressure.pk),
        kind="created",
        payload={
            "kind": PressureKind(the_kind).label,
            "target": pressure.target_name,
            "on": day.isoformat(),
            "follow_up_due": due.isoformat(),
            "reason": body[:200],
        },
    )
    return pressure


def may_answer(actor: User, pressure: Pressure) -> bool:
    """Whether ``actor`` may record ``pressure``'s follow-up: its target's officers, the issuing office, admins."""
    office = office_region(actor)
    return actor.role == Role.ADMIN or office == pressure.issuer_region_id or is_target_officer(actor, pressure)


@transaction.atomic
def pressure_follow_up(*, actor: User, pressure: Pressure, done_on: object, result: object) -> Pressure:
    """Record the follow-up of ``pressure`` (one ``actor`` may see): ``done_on`` (not in the future, not before
    the measure's day) and ``result`` (what the target did). Once only. Raises PermissionDenied (not the
    target's officers, the issuing office or an admin), Conflict (already answered), FieldErrors naming
    done_on or result."""
    if not may_answer(actor, pressure):
        raise PermissionDenied("整改反馈由被督促对象或发出督促的安委会办公室登记")
    locked = Pressure.objects.select_for_update().get(pk=pressure.pk)
    if locked.done_on is not None:
        raise Conflict(f"已于 {locked.done_on:%Y-%m-%d} 登记整改反馈", field="done_on")
    errors = ErrorCollector()
    day = _day(errors, "done_on", done_on, "反馈日期", required=True)
    _not_future(errors, "done_on", day, "反馈日期")
    if day is not None and day < locked.on:
        errors.add("done_on", f"反馈日期不能早于措施日期（{locked.on:%Y-%m-%d}）")
    text = _text(errors, "result", result, "整改反馈情况", 4000, required=True)
    errors.raise_if_any()
    assert day is not None
    locked.done_on, locked.result = day, text
    locked.save(update_fields=["done_on", "result"])
    event_append(
        actor=actor,
        subject_type="pressure",
        subject_id=str(pressure.pk),
        kind="followed_up",
        payload={
            "done_on": day.isoformat(),
            "late": day > locked.follow_up_due,
            "result": text[:200],
        },
    )
    pressure.done_on, pressure.result = locked.done_on, locked.result
    return pressure
