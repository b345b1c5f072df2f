"""The writes of the orders area: orders issued at an inspection (责令限期整改指令书 · 现场处理措施决定书) and the
re-inspection of a rectification order (复查). Each is one transaction: the order or re-inspection, what it does
to the findings (through the hazard register's own services: ``hazard_order``, ``hazard_close_on_reinspection``,
``hazard_attach``) and the events on the inspection's chain, together or not at all.

The rules applied:

- only a team with at least two law-enforcement officers holding certificates issues orders and documents
  (行政处罚法 第四十二条, ``rules.issue_refusal``), and only for an inspection recorded with its unit;
- a rectification order's deadline is not before the inspection's day (issue 14) and becomes the findings'
  regulator-owned deadline (DESIGN.md §3); its re-inspection falls due ``ZHIBEN["REINSPECTION_DAYS"]`` days after
  the deadline (a setting: the national rules read here give no figure of days after the deadline);
- on-site measures (现场处理措施) are those of 安全生产法 第六十五条第一款第（三）、（四）项 (撤出作业人员,
  暂时停产停业, 停止使用相关设施、设备, 查封、扣押), plus 停止作业 and free text;
- one order of each kind per inspection (a second is refused, 409): each is a numbered document of the
  inspection (``GET /api/v1/inspections/{id}/documents/{kind}``), and so is its re-inspection's opinion;
- a re-inspection is of an open rectification order, on a day not before the order nor after today. Passed:
  every open finding of the order is closed (the officer's verdict is the review) and the inspection's on-site
  measures whose findings are all closed are lifted (安全生产法 第六十五条: 重大事故隐患排除后，经审查同意，方可恢复生产
  经营和使用). Failed: the order is failed and a penalty is proposed (the unit's to-do); a continuing daily
  penalty (安全生产法 第一百一十二条: 自作出责令改正之日的次日起，按照原处罚数额按日连续处罚) may be recorded from a day
  after the order.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import IO, Annotated, Any

from django.conf import settings
from django.db import transaction
from ninja import Field
from pydantic import BeforeValidator

from zhiben.accounts.models import User
from zhiben.audit.services import event_append
from zhiben.common import dates
from zhiben.common.errors import Conflict, ErrorCollector, NotFound, PermissionDenied
from zhiben.common.hooks import events_written
from zhiben.common.inputs import Input, choice, parse, required
from zhiben.common.inputs import text as words
from zhiben.common.validators import clean_text
from zhiben.hazards.models import ACTIVE_STATUSES, AttachmentKind, Hazard
from zhiben.hazards.models import Status as HazardStatus
from zhiben.hazards.services import hazard_attach, hazard_close_on_reinspection, hazard_order

from ..models import Inspection, Order, OrderKind, OrderStatus, Reinspection
from ..rules import DAILY_BASIS
from ..selectors import inspections_visible, orders_visible
from ..selectors.orders import ISSUERS, findings_of, order_get, team_refusal

# 安全生产法 第六十五条第一款第（三）项 (撤出作业人员, 暂时停产停业, 停止使用相关设施、设备) and 第（四）项
# (查封, 扣押);
# 停止作业 is how the documents write the first of them at a workplace. Free text is accepted besides.
MEASURES: tuple[str, ...] = (
    "停止作业",
    "从危险区域内撤出作业人员",
    "暂时停产停业",
    "停止使用相关设施、设备",
    "查封",
    "扣押",
)
MAX_MEASURES = 12
# A finding still to be rectified can be ordered; one waiting for review is rectified already (its re-inspection
# closes it), so a measures order may name it but a rectification order does not.
RECTIFIABLE = (HazardStatus.OPEN, HazardStatus.RECTIFYING)


def reinspection_days() -> int:
    """Days after a rectification deadline by which its re-inspection is due (``ZHIBEN["REINSPECTION_DAYS"]``:
    local practice, no national figure found, so a setting; 3 by default)."""
    return int(settings.ZHIBEN["REINSPECTION_DAYS"])


# ----------------------------------------------------------------------------------------- inputs
def _measures(raw: Any) -> list[str]:
    """现场处理措施: a list of texts (the fixed ones or the officer's own words), blanks dropped, each once."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise ValueError('现场处理措施应为列表，如 ["停止作业", "从危险区域内撤出作业人员"]')
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise ValueError("每项现场处理措施应为文本")
        cleaned = clean_text(item, label="现场处理措施", max_length=200)
        if cleaned and cleaned not in out:
            out.append(cleaned)
    if len(out) > MAX_MEASURES:
        raise ValueError(f"现场处理措施最多{MAX_MEASURES}项")
    return out


def _hazard_ids(raw: Any) -> list[int] | None:
    """涉及隐患: the findings' hazard numbers (whole numbers), or None for the default."""
    if raw is None:
        return None
    if not isinstance(raw, list | tuple):
        raise ValueError("涉及隐患应为隐患编号的列表")
    ids: list[int] = []
    for item in raw:
        if isinstance(item, bool) or not str(item).strip().isdigit() or len(str(item).strip()) > 18:
            raise ValueError("涉及隐患应为隐患编号（整数）")
        if int(str(item).strip()) not in ids:
            ids.append(int(str(item).strip()))
    return ids


def _passed(raw: Any) -> bool:
    """复查结论: true/false, or what a form or a person writes (合格/不合格, passed/failed, 1/0)."""
    if isinstance(raw, bool):
        return raw
    value = str(raw if raw is not None else "").strip().lower()
    if value in ("true", "1", "passed", "pass", "合格", "是"):
        return True
    if value in ("false", "0", "failed", "fail", "不合格", "否"):
        return False
    raise ValueError("请选择复查结论：合格（true）或不合格（false）")


class OrderIssue(Input):
    """An order at an inspection: 责令限期整改 (``rectify``: ``deadline`` required) or 现场处理措施 (``measures``:
    at least one measure). ``hazards``: the findings it concerns (default: every finding still to be rectified);
    ``issued_on``: default today (Beijing)."""

    kind: Annotated[OrderKind, choice("文书类别", OrderKind.choices, allow_blank=False)] = required(
        title="文书类别", description="rectify（责令限期整改指令书）| measures（现场处理措施决定书）"
    )
    issued_on: datetime.date | None = Field(None, title="下达日期", description="默认今天；不早于检查日期")
    deadline: datetime.date | None = Field(
        None, title="整改期限", description="责令限期整改必填；不早于检查日期，成为隐患的整改期限（监管部门责令）"
    )
    measures: Annotated[list[str], BeforeValidator(_measures)] = Field(
        default_factory=list,
        title="现场处理措施",
        description="现场处理措施必填：" + "、".join(MEASURES) + "，或其他措施（文字）",
    )
    hazards: Annotated[list[int] | None, BeforeValidator(_hazard_ids)] = Field(
        None, title="涉及隐患", description="本次检查发现的隐患编号；默认为全部待整改的隐患"
    )
    text: Annotated[str, words("内容", 2000)] = Field("", max_length=2000, title="内容", description="补充说明")


class ReinspectionRecord(Input):
    """A re-inspection (复查) of a rectification order: the day, the conclusion and the officer's opinion; a failed
    one may record the day a continuing daily penalty runs from (安全生产法 第一百一十二条)."""

    on: Annotated[datetime.date, BeforeValidator(lambda raw: _required_day(raw, "复查日期"))] = required(
        title="复查日期", description="不早于指令下达日期，不晚于今天"
    )
    passed: Annotated[bool, BeforeValidator(_passed)] = required(
        title="复查结论", description="true 合格 | false 不合格"
    )
    verdict: Annotated[str, words("复查意见", 2000, required=True)] = required(max_length=2000, title="复查意见")
    daily_penalty_from: datetime.date | None = Field(
        None, title="按日连续处罚起始日", description="复查不合格时可填：不早于责令改正之日的次日"
    )


def _required_day(raw: Any, label: str) -> datetime.date:
    day = dates.parse_day(raw, label=label)
    if day is None:
        raise ValueError(f"请填写{label}")
    return day


# ----------------------------------------------------------------------------------------- helpers
def _require_issuer(actor: User) -> None:
    if actor.role not in ISSUERS:
        raise PermissionDenied("只有执法人员可以下达执法指令和复查")


def _inspection_locked(actor: User, inspection_id: int) -> Inspection:
    """The inspection, locked for this transaction (one order of a kind at a time), if ``actor`` may see it."""
    found = (
        inspections_visible(actor)
        .select_for_update(of=("self",))
        .select_related("enterprise", "department")
        .filter(pk=inspection_id)
        .first()
    )
    if found is None:
        raise NotFound("检查不存在")
    return found


def _log(actor: User, inspection: Inspection, kind: str, payload: dict[str, Any]) -> None:
    """An event on the inspection's chain, and the notices the register's rules give it, in this transaction."""
    event_append(actor=actor, subject_type="inspection", subject_id=str(inspection.pk), kind=kind, payload=payload)
    events_written(actor=actor, subject_type="inspection", model=Inspection, events=[(inspection, kind, payload)])


def _chosen(inspection: Inspection, kind: str, ids: list[int] | None, errors: ErrorCollector) -> list[Hazard]:
    """The findings an order concerns: those named (each a finding of this inspection, still to be rectified), or
    by default every finding still to be rectified (a measures order: waiting for review too)."""
    findings = findings_of(inspection)
    allowed = RECTIFIABLE if kind == OrderKind.RECTIFY else ACTIVE_STATUSES
    if ids is None:
        chosen = [h for h in findings if h.status in allowed]
        if kind == OrderKind.RECTIFY and not chosen:
            errors.add("hazards", "本次检查没有待整改的隐患，不能下达责令限期整改指令书")
        return chosen
    by_id = {h.pk: h for h in findings}
    chosen = []
    for hazard_id in ids:
        hazard = by_id.get(hazard_id)
        if hazard is None:
            errors.add("hazards", f"隐患 {hazard_id} 不是本次检查发现的问题")
        elif hazard.status not in allowed:
            errors.add("hazards", f"隐患“{hazard.title}”当前为“{hazard.get_status_display()}”，不能再责令整改")
        else:
            chosen.append(hazard)
    if kind == OrderKind.RECTIFY and not ids:
        errors.add("hazards", "请选择责令限期整改的隐患")
    return chosen


# ----------------------------------------------------------------------------------------- orders
def order_issue(*, actor: User, inspection_id: int, data: Mapping[str, Any] | OrderIssue) -> Order:
    """Issue an order at inspection ``inspection_id`` (``OrderIssue``; see the module's rules) and answer it.

    A rectification order sets each finding's regulator-owned deadline (``hazard_order``: set, or moved earlier;
    a finding with an earlier deadline of its own refuses the order, naming ``deadline``) and its
    ``reinspection_due`` (deadline + ``reinspection_days()``). Event ``order_issued`` on the inspection's chain;
    the findings' ``deadline_ordered`` on theirs. Raises NotFound (the inspection out of scope: before the input
    is read), PermissionDenied (not an officer), Conflict (the team cannot issue documents; an order of this kind
    already issued), FieldErrors (``kind``, ``issued_on``, ``deadline``, ``measures``, ``hazards``, ``text``)."""
    with transaction.atomic():
        inspection = _inspection_locked(actor, inspection_id)
        _require_issuer(actor)
        refusal = team_refusal(inspection)
        if refusal:
            raise Conflict(refusal, field="team")
        form = parse(OrderIssue, data)
        label = OrderKind(form.kind).label
        if Order.objects.filter(inspection=inspection, kind=form.kind).exists():
            raise Conflict(f"本次检查已下达《{label}》，不能重复下达", field="kind")
        today = dates.today()
        issued_on = form.issued_on or today
        errors = ErrorCollector()
        if issued_on < inspection.on:
            errors.add("issued_on", f"下达日期不能早于检查日期 {inspection.on:%Y-%m-%d}")
        elif issued_on > today:
            errors.add("issued_on", "下达日期不能晚于今天")
        if form.kind == OrderKind.RECTIFY:
            if form.deadline is None:
                errors.add("deadline", "责令限期整改须填写整改期限")
            elif form.deadline < inspection.on:
                errors.add("deadline", f"整改期限不能早于检查日期 {inspection.on:%Y-%m-%d}")
            elif form.deadline < issued_on:
                errors.add("deadline", f"整改期限不能早于下达日期 {issued_on:%Y-%m-%d}")
            if form.measures:
                errors.add("measures", "现场处理措施请以现场处理措施决定书下达")
        else:
            if not form.measures:
                errors.add("measures", "请选择或填写至少一项现场处理措施")
            if form.deadline is not None:
                errors.add("deadline", "现场处理措施决定书不设整改期限；限期整改请下达责令限期整改指令书")
        hazards = _chosen(inspection, form.kind, form.hazards, errors)
        errors.raise_if_any()
        deadline = form.deadline if form.kind == OrderKind.RECTIFY else None
        order = Order.objects.create(
            inspection=inspection,
            kind=form.kind,
            issued_on=issued_on,
            deadline=deadline,
            measures=form.measures,
            text=form.text,
            reinspection_due=deadline + datetime.timedelta(days=reinspection_days()) if deadline else None,
            region_code=inspection.region_id,
            created_by=actor,
        )
        order.hazards.set(hazards)
        if deadline is not None:
            for hazard in hazards:
                hazard_order(hazard_id=hazard.pk, actor=actor, deadline=deadline, order_ref=f"order:{order.pk}")
        payload = {
            "order": order.pk,
            "kind": order.kind,
            "label": label,
            "issued_on": issued_on,
            "deadline": deadline,
            "reinspection_due": order.reinspection_due,
            "measures": form.measures,
            "hazards": [h.pk for h in hazards],
        }
        _log(actor, inspection, "order_issued", payload)
    found = order_get(actor=actor, order_id=order.pk)
    assert found is not None  # just written, in the actor's scope
    return found


def _order_locked(actor: User, order_id: int) -> Order:
    found = (
        orders_visible(actor)
        .select_for_update(of=("self",))
        .select_related("inspection__enterprise", "inspection__department")
        .filter(pk=order_id)
        .first()
    )
    if found is None:
        raise NotFound("指令不存在")
    return found


def _again(uploads: Sequence[tuple[IO[bytes], str, int | None]]) -> list[tuple[IO[bytes], str, int | None]]:
    """The uploads read from their start (the same photos go to each finding)."""
    for stream, _, _ in uploads:
        stream.seek(0)
    return list(uploads)


def reinspection_record(
    *,
    actor: User,
    order_id: int,
    data: Mapping[str, Any] | ReinspectionRecord,
    files: Sequence[tuple[IO[bytes], str, int | None]] = (),
) -> Reinspection:
    """Record the re-inspection (复查) of rectification order ``order_id`` (``ReinspectionRecord``; the module's
    rules) and answer it.

    Passed: each finding of the order still open is closed by ``hazard_close_on_reinspection`` with the verdict
    as the review and ``files`` (photos of the rectified site) as its evidence — a major finding without any
    evidence refuses the whole re-inspection, naming ``files``; the order becomes ``passed``, and the
    inspection's open measures orders whose findings are all closed are lifted (event ``measures_lifted``).
    Failed: the order becomes ``failed`` (a penalty is proposed: ``selectors.orders.penalties_to_propose``),
    ``files`` are kept as photos of the findings as found, and ``daily_penalty_from`` is recorded.
    Event ``reinspected`` on the inspection's chain. Raises NotFound, PermissionDenied, Conflict (a measures
    order, an order re-inspected already, a team that cannot issue documents), FieldErrors (``on``, ``passed``,
    ``verdict``, ``daily_penalty_from``, ``files``)."""
    with transaction.atomic():
        order = _order_locked(actor, order_id)
        _require_issuer(actor)
        form = parse(ReinspectionRecord, data)
        if order.kind != OrderKind.RECTIFY:
            raise Conflict("现场处理措施决定书不单独复查：复查责令限期整改指令书合格后措施一并解除")
        if order.status != OrderStatus.OPEN:
            raise Conflict(f"该指令已复查（{order.get_status_display()}），不能再次复查")
        inspection = order.inspection
        refusal = team_refusal(inspection)
        if refusal:
            raise Conflict(refusal, field="team")
        errors = ErrorCollector()
        if form.on < order.issued_on:
            errors.add("on", f"复查日期不能早于指令下达日期 {order.issued_on:%Y-%m-%d}")
        elif form.on > dates.today():
            errors.add("on", "复查日期不能晚于今天")
        first_day = order.issued_on + datetime.timedelta(days=1)
        if form.daily_penalty_from is not None:
            if form.passed:
                errors.add("daily_penalty_from", "复查合格的，不记录按日连续处罚")
            elif form.daily_penalty_from < first_day:
                errors.add(
                    "daily_penalty_from",
                    f"按日连续处罚自作出责令改正之日的次日起计（不早于 {first_day:%Y-%m-%d}，{DAILY_BASIS}）",
                )
        errors.raise_if_any()
        reinspection = Reinspection.objects.create(
            order=order,
            on=form.on,
            passed=form.passed,
            verdict=form.verdict,
            daily_penalty_from=form.daily_penalty_from,
            created_by=actor,
        )
        open_hazards = list(order.hazards.filter(status__in=ACTIVE_STATUSES).order_by("id"))
        lifted: list[int] = []
        if form.passed:
            for hazard in open_hazards:
                hazard_close_on_reinspection(
                    hazard_id=hazard.pk, actor=actor, verdict=form.verdict, on=form.on, files=_again(files)
                )
            order.status = OrderStatus.PASSED
            lifted = _lift_measures(actor, inspection, form.on)
        else:
            order.status = OrderStatus.FAILED
            for hazard in open_hazards if files else ():
                hazard_attach(hazard_id=hazard.pk, actor=actor, uploads=_again(files), kind=AttachmentKind.PHOTO)
        order.save(update_fields=["status"])
        payload: dict[str, Any] = {
            "order": order.pk,
            "reinspection": reinspection.pk,
            "on": form.on,
            "passed": form.passed,
            "verdict": form.verdict,
            "hazards": [h.pk for h in open_hazards],
        }
        if lifted:
            payload["lifted"] = lifted
        if not form.passed:
            payload["penalty_proposed"] = True
            if form.daily_penalty_from is not None:
                payload["daily_penalty_from"] = form.daily_penalty_from
        _log(actor, inspection, "reinspected", payload)
    return reinspection


def _lift_measures(actor: User, inspection: Inspection, on: datetime.date) -> list[int]:
    """Mark the inspection's open measures orders whose findings are all closed (or cancelled) as passed (措施
    解除), each with its event; answers their ids."""
    lifted = []
    for measures in Order.objects.select_for_update().filter(
        inspection=inspection, kind=OrderKind.MEASURES, status=OrderStatus.OPEN
    ):
        if measures.hazards.filter(status__in=ACTIVE_STATUSES).exists():
            continue
        measures.status = OrderStatus.PASSED
        measures.save(update_fields=["status"])
        lifted.append(measures.pk)
        _log(actor, inspection, "measures_lifted", {"order": measures.pk, "on": on, "measures": measures.measures})
    return lifted
