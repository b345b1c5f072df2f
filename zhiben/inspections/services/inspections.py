"""The writes of an inspection on site (DESIGN.md §4, §8): record it with its team and checklist, record results,
turn findings into hazards in one step, add photos, complete it with the enterprise's acknowledgement.

Each write is one transaction: the change, its event (subject type ``inspection``) and the enforcement tallies
(``tallies.enforcement_add``) commit together or not at all. Refusals: ``FieldErrors`` (422, naming the field),
``NotFound`` (404: missing or outside the actor's scope, alike), ``PermissionDenied`` (403: the role or person
may not), ``Conflict`` (409: the inspection is done).
"""

from __future__ import annotations

import datetime
import io
import secrets
from collections.abc import Mapping, Sequence
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageOps

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.common.hooks import events_written
from zhiben.common.inputs import parse
from zhiben.departments.models import Department
from zhiben.enterprises.models import Enterprise
from zhiben.hazards import evidence
from zhiben.hazards.evidence import EvidenceRejected, check_upload, reduce_for_decoding
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.services import hazard_create
from zhiben.reference.models import Kind
from zhiben.reference.selectors import criteria_in_force
from zhiben.tips.selectors import tip_get

from .. import rules, tallies
from ..models import (
    CheckItem,
    CheckResult,
    Draw,
    DrawStatus,
    Expert,
    ExpertRelation,
    Finding,
    Inspection,
    InspectionFlag,
    InspectionKind,
    InspectionPhoto,
    InspectionStatus,
    LawOfficer,
    OwnCheckItem,
    PlanItem,
    RelationKind,
    TeamMember,
    TeamRole,
)
from ..selectors import inspections_visible
from ..selectors.inspections import (
    SUBJECT,
    beijing_drawn_on,
    draw_for,
    experts_available,
    officers_available,
    picked,
    plan_item_for,
    results_count,
)
from ..selectors.stats import self_check_saw
from .inspections_inputs import Completion, FindingNew, FindingsFromFailed, InspectionNew, ItemResults, TeamMemberIn

# Who records inspections: officers and admins (an enterprise reads the inspections at its premises; a tip
# handler verifies tips through the tip's own steps).
WRITERS = frozenset({Role.ADMIN, Role.OFFICER})
PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
RELATIONS = dict(RelationKind.choices)


# ----------------------------------------------------------------------------------------- helpers
def _require_writer(actor: User) -> None:
    if actor.role not in WRITERS:
        raise PermissionDenied("只有执法人员可以登记和填写监督检查")


def _log(actor: User, inspection: Inspection, kind: str, payload: dict[str, Any]) -> None:
    """The event and the notices the register's rules give it, in this transaction."""
    event_append(actor=actor, subject_type=SUBJECT, subject_id=str(inspection.pk), kind=kind, payload=payload)
    events_written(actor=actor, subject_type=SUBJECT, model=Inspection, events=[(inspection, kind, payload)])


def may_edit(inspection: Inspection, actor: User) -> bool:
    """Whether ``actor`` (who sees the inspection) may fill it in: an admin, whoever recorded it, an officer of
    the inspecting unit, or a member of its team. Others in scope (a sector's lead unit, the committee office)
    read it."""
    if actor.role == Role.ADMIN:
        return True
    if actor.role not in WRITERS:
        return False
    if inspection.created_by_id == actor.pk:
        return True
    if inspection.department_id is not None and inspection.department_id == actor.department_id:
        return True
    return TeamMember.objects.filter(inspection=inspection, officer__user_id=actor.pk).exists()


def _locked(actor: User, inspection_id: int) -> Inspection:
    """The inspection, locked for this transaction, if ``actor`` may see it (404 otherwise, before anything
    else) and fill it in (403), while it is open (409)."""
    inspection = (
        inspections_visible(actor).select_for_update().select_related("enterprise").filter(pk=inspection_id).first()
    )
    if inspection is None:
        raise NotFound("检查记录不存在")
    _require_writer(actor)
    if not may_edit(inspection, actor):
        raise PermissionDenied("只有检查组成员、检查单位人员或登记人可以填写本次检查")
    if inspection.status == InspectionStatus.DONE:
        raise Conflict("检查已完成，不能再修改")
    return inspection


def _tally(inspection: Inspection, **deltas: int) -> None:
    tallies.enforcement_add(
        region_code=inspection.region_id, department_id=inspection.department_id, day=inspection.on, **deltas
    )


# ----------------------------------------------------------------------------------------- create
def inspection_create(*, actor: User, data: InspectionNew | Mapping[str, Any]) -> tuple[Inspection, bool]:
    """Record an inspection at an enterprise on a Beijing day, with its team and its checklist; answers
    ``(inspection, created)`` — ``created`` False when ``client_key`` was already used by the actor for an
    inspection recorded before (a form sent again after the network came back), which is answered as it is.

    Starts from a plan item (its enterprise; kind ``planned`` by default), a draw (the enterprise must be one of
    its picks; the draw drawn or published, never discarded; kind ``random``), a tip (in scope; kind ``tip``) or
    nothing (kind required; ``random`` only from a draw). The unit is the actor's own (an admin may name one).
    The team: officers by number or certificate number (in the actor's region; with ``cross_region`` any
    officer by certificate number), experts of the pools the actor may call in, staff without a certificate by
    name; names and certificate numbers are copied; the first officer leads unless a member is marked leader.
    Refused naming ``team``: an inactive officer or expert, an expired certificate, a member twice, an expert
    recorded as related to the enterprise (回避). A team with fewer than two certified officers is recorded, but
    cannot issue documents (``rules.issue_refusal``, 行政处罚法 第四十二条).

    The checklist: the clauses of the enterprise's sector and the all-sector clauses (fire, GB 35181) in force
    on the day (FACTS §2; not a composite element nor a determination, which are not checked line by line),
    then the unit's active own items (of the sector, or of every sector). Writes the ``created`` event and the
    tallies (inspections, 四不两直, 明察暗访, 异地交叉, 执法+专家) in the same transaction.

    Raises PermissionDenied (not an officer), FieldErrors (naming each bad field), Conflict (``client_key``
    used by someone else)."""
    _require_writer(actor)
    new = parse(InspectionNew, data)
    if new.client_key:
        existing = _already(actor, new.client_key)
        if existing is not None:
            return existing, False
    cleaned = _validated(actor, new)
    try:
        with transaction.atomic():
            inspection = _record(actor, new, cleaned)
    except IntegrityError:
        # the same key sent twice at once: the other copy committed first
        existing = _already(actor, new.client_key) if new.client_key else None
        if existing is None:
            raise
        return existing, False
    return inspection, True


def _already(actor: User, key: str) -> Inspection | None:
    found = Inspection.objects.filter(client_key=key).first()
    if found is None:
        return None
    if found.created_by_id != actor.pk:
        raise Conflict("该表单标识已用于另一条检查记录，请刷新页面后重新填写", field="client_key")
    return found


def _validated(actor: User, new: InspectionNew) -> dict[str, Any]:
    """What ``_record`` writes, every field checked against the actor and the register; FieldErrors naming
    every bad field at once."""
    errors = ErrorCollector()
    starts = [name for name in ("plan_item", "draw", "tip") if getattr(new, name) is not None]
    for name in starts[1:]:
        errors.add(name, "计划检查对象、双随机抽查、举报只能选择其一")
    plan_item = plan_item_for(actor, new.plan_item) if new.plan_item is not None else None
    if new.plan_item is not None and plan_item is None:
        errors.add("plan_item", "计划检查对象不存在或不在您的管辖范围内")
    draw = draw_for(actor, new.draw) if new.draw is not None else None
    if new.draw is not None and draw is None:
        errors.add("draw", "双随机抽查不存在或不在您的管辖范围内")
    elif draw is not None and draw.status == DrawStatus.DISCARDED:
        errors.add("draw", f"该次抽查已作废（{draw.discarded_reason or '未说明原因'}），不能据此检查")
    tip = tip_get(actor=actor, tip_id=new.tip) if new.tip is not None else None
    if new.tip is not None and tip is None:
        errors.add("tip", "举报不存在或不在您的管辖范围内")

    enterprise = _enterprise(actor, new, plan_item, tip, errors)
    if enterprise is not None:
        if plan_item is not None and plan_item.enterprise_id != enterprise.pk:
            errors.add("enterprise", f"与计划检查对象的企业（{plan_item.enterprise.name}）不一致")
        if tip is not None and tip.enterprise_id is not None and tip.enterprise_id != enterprise.pk:
            errors.add("enterprise", "与举报所涉企业不一致")
        if draw is not None and draw.status != DrawStatus.DISCARDED and picked(draw, enterprise.credit_code) is None:
            errors.add("enterprise", f"该企业不是本次抽查（{draw.title}）抽中的企业")

    kind = _kind(new, plan_item, draw, tip, errors)
    if tip is not None and new.on < tip.accepted_on:
        errors.add("on", f"检查日期不能早于举报受理日期（{tip.accepted_on:%Y-%m-%d}）")
    drawn_on = beijing_drawn_on(draw) if draw is not None else None
    if drawn_on is not None and new.on < drawn_on:
        errors.add("on", f"检查日期不能早于抽查日期（{drawn_on:%Y-%m-%d}）")
    department = _department(actor, new, errors)
    team = _team(actor, new, enterprise, errors)
    errors.raise_if_any()
    assert enterprise is not None
    return {"enterprise": enterprise, "kind": kind, "department": department, "team": team, "start": starts}


def _enterprise(
    actor: User, new: InspectionNew, plan_item: PlanItem | None, tip: Any, errors: ErrorCollector
) -> Enterprise | None:
    code = new.enterprise
    if not code and plan_item is not None:
        code = plan_item.enterprise.credit_code
    if not code and tip is not None and tip.enterprise_id is not None:
        code = Enterprise.objects.filter(pk=tip.enterprise_id).values_list("credit_code", flat=True).first() or ""
    if not code:
        if "plan_item" not in errors.errors and "tip" not in errors.errors:
            errors.add("enterprise", "请填写被检查单位的统一社会信用代码")
        return None
    found = scoped(Enterprise.objects, actor).select_related("sector").filter(credit_code=code).first()
    if found is None:
        errors.add("enterprise", "企业不存在或不在您的管辖范围内")
    return found


def _kind(new: InspectionNew, plan_item: PlanItem | None, draw: Draw | None, tip: Any, errors: ErrorCollector) -> str:
    """The kind: a draw's inspection is random, a tip's is tip, a plan item's planned unless said; a random
    inspection comes from a draw (its picks are what can be verified)."""
    given = new.kind
    if new.draw is not None:
        if given and given != InspectionKind.RANDOM:
            errors.add("kind", "从双随机抽查开始的检查，检查方式为双随机抽查")
        return InspectionKind.RANDOM
    if new.tip is not None:
        if given and given != InspectionKind.TIP:
            errors.add("kind", "从举报开始的检查，检查方式为举报核查")
        return InspectionKind.TIP
    if given == InspectionKind.RANDOM:
        errors.add("kind", "双随机抽查须从抽查结果开始（请选择抽查和抽中的企业）")
    if new.plan_item is not None:
        return given or InspectionKind.PLANNED
    if not given:
        errors.add("kind", "请选择检查方式")
    return given


def _department(actor: User, new: InspectionNew, errors: ErrorCollector) -> Department | None:
    """The inspecting unit: the actor's own; an admin may name any unit (or none)."""
    if actor.role == Role.ADMIN:
        if new.department is None:
            return None
        found = Department.objects.filter(pk=new.department, active=True).first()
        if found is None:
            errors.add("department", "检查单位不存在或已停用")
        return found
    own = actor.department if actor.department_id is not None else None
    if new.department is not None and new.department != actor.department_id:
        errors.add("department", "只能以本人所在单位的名义登记检查")
    return own


def _team(actor: User, new: InspectionNew, enterprise: Enterprise | None, errors: ErrorCollector) -> list[TeamMember]:
    """The team as it will be recorded (unsaved members, names and certificate numbers copied), or the
    refusals under ``team``."""
    members: list[TeamMemberIn] = new.team
    anywhere = InspectionFlag.CROSS_REGION in new.flags
    ids = {m.officer for m in members if isinstance(m.officer, int)}
    certs = {m.officer for m in members if isinstance(m.officer, str)}
    by_id = {o.pk: o for o in officers_available(actor).filter(pk__in=ids)} if ids else {}
    by_cert = (
        {o.certificate_no: o for o in officers_available(actor, anywhere=anywhere).filter(certificate_no__in=certs)}
        if certs
        else {}
    )
    expert_ids = {m.expert for m in members if m.expert is not None}
    experts = {e.pk: e for e in experts_available(actor).filter(pk__in=expert_ids)} if expert_ids else {}
    related: dict[int, str] = {}
    if experts and enterprise is not None:
        related = dict(
            ExpertRelation.objects.filter(expert_id__in=experts, enterprise=enterprise).values_list("expert_id", "kind")
        )
    problems: list[str] = []
    team: list[TeamMember] = []
    seen: set[tuple[str, Any]] = set()
    for n, m in enumerate(members, start=1):
        member = _member(n, m, by_id, by_cert, experts, related, new.on, problems)
        if member is None:
            continue
        key: tuple[str, Any] = ("officer", member.officer_id) if member.officer_id else ("expert", member.expert_id)
        if not (member.officer_id or member.expert_id):
            key = ("name", member.name)
        if key in seen:
            problems.append(f"第{n}名成员（{member.name}）重复")
            continue
        seen.add(key)
        team.append(member)
    if problems:
        errors.add("team", "；".join(problems))
        return team
    leader = next((t for t, m in zip(team, members, strict=True) if m.leader), None)
    if leader is None:
        leader = next((t for t in team if t.officer_id is not None), None) or next(
            (t for t in team if t.expert_id is None), None
        )
    if leader is not None:
        leader.role = TeamRole.LEADER
    return team


def _member(
    n: int,
    m: TeamMemberIn,
    by_id: dict[Any, LawOfficer],
    by_cert: dict[Any, LawOfficer],
    experts: dict[int, Expert],
    related: dict[int, str],
    on: datetime.date,
    problems: list[str],
) -> TeamMember | None:
    """One member, or None with the reason in ``problems``."""
    if m.officer is not None:
        officer = by_id.get(m.officer) if isinstance(m.officer, int) else by_cert.get(m.officer)
        if officer is None:
            problems.append(f"第{n}名成员：执法人员 {m.officer} 不存在或不在您的管辖范围内")
            return None
        if not officer.active:
            problems.append(f"第{n}名成员：执法人员 {officer.name}（{officer.certificate_no}）已不在岗")
            return None
        if officer.certificate_valid_to is not None and officer.certificate_valid_to < on:
            problems.append(
                f"第{n}名成员：执法人员 {officer.name} 的执法证已于 {officer.certificate_valid_to:%Y-%m-%d} 过期"
            )
            return None
        return TeamMember(
            role=TeamRole.OFFICER, officer=officer, name=officer.name, certificate_no=officer.certificate_no
        )
    if m.expert is not None:
        expert = experts.get(m.expert)
        if expert is None:
            problems.append(f"第{n}名成员：专家 {m.expert} 不在您可选用的专家库中")
            return None
        if not expert.active:
            problems.append(f"第{n}名成员：专家 {expert.name} 已不在专家库中（不在库）")
            return None
        if expert.pk in related:
            why = RELATIONS.get(related[expert.pk], "存在利害关系")
            problems.append(f"第{n}名成员：专家 {expert.name} 与被检查单位有回避关系（{why}），不能参加本次检查")
            return None
        return TeamMember(role=TeamRole.EXPERT, expert=expert, name=expert.name)
    return TeamMember(role=TeamRole.OFFICER, name=m.name)


def _record(actor: User, new: InspectionNew, cleaned: dict[str, Any]) -> Inspection:
    enterprise: Enterprise = cleaned["enterprise"]
    department: Department | None = cleaned["department"]
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        sector_id=enterprise.sector_id,
        department=department,
        kind=cleaned["kind"],
        flags=new.flags,
        on=new.on,
        place=new.place,
        plan_item_id=new.plan_item,
        draw_id=new.draw,
        tip_id=new.tip,
        client_key=new.client_key or None,
        created_by=actor,
    )
    team: list[TeamMember] = cleaned["team"]
    for member in team:
        member.inspection = inspection
    TeamMember.objects.bulk_create(team)
    items = _checklist(inspection)
    has_experts = any(m.role == TeamRole.EXPERT for m in team)
    # counts before the event, as every service of the register: one lock order (tallies, then the chain)
    _tally(
        inspection,
        inspections=1,
        unannounced=int(InspectionFlag.UNANNOUNCED in new.flags),
        covert=int(InspectionFlag.COVERT in new.flags),
        cross_region=int(InspectionFlag.CROSS_REGION in new.flags),
        with_experts=int(has_experts),
    )
    _log(
        actor,
        inspection,
        "created",
        {
            "enterprise": enterprise.credit_code,
            "kind": inspection.kind,
            "flags": new.flags,
            "on": new.on,
            "place": new.place,
            "department": department.pk if department else None,
            "team": [{"role": m.role, "name": m.name, "certificate_no": m.certificate_no} for m in team],
            "start": {name: getattr(new, name) for name in cleaned["start"]},
            "items": items,
            "refusal": rules.issue_refusal(team),
        },
    )
    return inspection


def _checklist(inspection: Inspection) -> int:
    """The inspection's checklist, written once at creation: the clauses in force on its day for its sector
    (its own standards first, then the all-sector ones), then its unit's own items. Returns how many lines."""
    clauses = (
        criteria_in_force(inspection.sector_id, inspection.on)
        .exclude(kind=Kind.DETERMINATION)
        .only("code", "text", "standard_id", "position", "all_sectors")
    )
    lines = [CheckItem(inspection=inspection, criterion_id=c.code, text=c.text) for c in clauses]
    if inspection.department_id is not None:
        own = OwnCheckItem.objects.filter(department_id=inspection.department_id, active=True).filter(
            sector__in=("", inspection.sector_id)
        )
        lines += [CheckItem(inspection=inspection, text=o.text) for o in own.order_by("position", "id")]
    for n, line in enumerate(lines, start=1):
        line.position = n
    CheckItem.objects.bulk_create(lines)
    return len(lines)


# -------------------------------------------------------------------------------------- checklist
@transaction.atomic
def inspection_items_set(*, actor: User, inspection_id: int, data: ItemResults | Mapping[str, Any]) -> Inspection:
    """Record checklist results in bulk (``items``: each line's result and note) and add free lines (``add``).
    Setting a result is idempotent: the same results sent again change nothing and write no event. A line that
    became a finding stays failed (422 naming ``items.N.result``). Writes one ``items_recorded`` event for
    what changed. Raises NotFound, PermissionDenied, Conflict (done), FieldErrors."""
    inspection = _locked(actor, inspection_id)
    results = parse(ItemResults, data)
    wanted = [r.id for r in results.items]
    lines = {i.pk: i for i in CheckItem.objects.filter(inspection=inspection, pk__in=wanted)}
    with_findings = set(Finding.objects.filter(item_id__in=lines).values_list("item_id", flat=True))
    errors = ErrorCollector()
    changed: dict[int, CheckItem] = {}
    for n, r in enumerate(results.items):
        line = lines.get(r.id)
        if line is None:
            errors.add(f"items.{n}.id", f"检查项 {r.id} 不属于本次检查")
            continue
        if line.pk in with_findings and r.result != CheckResult.FAIL:
            errors.add(f"items.{n}.result", f"第{line.position}项已生成隐患，只能为“不符合”")
            continue
        if (line.result, line.note) != (r.result, r.note):
            line.result, line.note = r.result, r.note
            changed[line.pk] = line
    errors.raise_if_any()
    if changed:
        CheckItem.objects.bulk_update(list(changed.values()), ["result", "note"])
    added: list[str] = []
    if results.add:
        last = CheckItem.objects.filter(inspection=inspection).aggregate(m=Max("position"))["m"] or 0
        new_lines = [
            CheckItem(
                inspection=inspection,
                position=last + n,
                text=f.text,
                result=f.result or CheckResult.PENDING,
                note=f.note,
            )
            for n, f in enumerate(results.add, start=1)
        ]
        CheckItem.objects.bulk_create(new_lines)
        added = [f.text for f in results.add]
    if changed or added:
        counts = results_count(changed.values())
        _log(actor, inspection, "items_recorded", {"results": counts, "items": sorted(changed), "added": added})
    return inspection


# --------------------------------------------------------------------------------------- findings
def inspection_finding_add(
    *,
    actor: User,
    inspection_id: int,
    data: FindingNew | Mapping[str, Any],
    files: Sequence[tuple[IO[bytes], str, int | None]] = (),
) -> Finding:
    """A finding, recorded as a hazard in one step through the hazard register (``hazard_create``): source
    ``inspection`` (so its deadline is the regulator's, DESIGN.md §3), found on the inspection's day, at its
    enterprise; linked both ways (``Finding``, ``hazard.finding``). Its photos: ``photos`` (ids of this inspection's
    photos) and ``files`` (uploads from the page), kept as the hazard's photos. ``item`` (a line of this
    checklist) is marked failed; a major finding cites a clause — by default the line's — in force on the day
    for the enterprise's sector (refused naming ``criterion`` otherwise, as every hazard). Tallies 1 finding
    (and 1 major). Raises NotFound, PermissionDenied, Conflict (done), FieldErrors (the hazard's fields,
    ``item``, ``photos``, ``files``)."""
    with transaction.atomic():
        inspection = _locked(actor, inspection_id)
        finding = parse(FindingNew, data)
        item = None
        if finding.item is not None:
            item = CheckItem.objects.filter(inspection=inspection, pk=finding.item).first()
            if item is None:
                raise FieldErrors({"item": f"检查项 {finding.item} 不属于本次检查"})
        criterion = finding.criterion
        if not criterion and item is not None and finding.level == "major":
            criterion = item.criterion_id or ""
        title = finding.title or (item.text[:200] if item is not None else "")
        taken = list(InspectionPhoto.objects.filter(inspection=inspection, pk__in=finding.photos))
        missing = sorted(set(finding.photos) - {p.pk for p in taken})
        if missing:
            raise FieldErrors({"photos": f"照片 {'、'.join(map(str, missing))} 不是本次检查的照片"})
        report = _report(
            inspection,
            title=title,
            level=finding.level,
            criterion=criterion,
            description=finding.description,
            location=finding.location,
            deadline=finding.deadline,
        )
        opened = [p.file.open("rb") for p in taken]
        try:
            kept = [(stream, p.name, p.size) for stream, p in zip(opened, taken, strict=True)]
            return _finding(actor, inspection, report, item, [*kept, *files])
        finally:
            for stream in opened:
                stream.close()


def inspection_findings_from_failed(
    *, actor: User, inspection_id: int, data: FindingsFromFailed | Mapping[str, Any]
) -> list[Finding]:
    """Every failed line without a finding becomes a hazard, in one transaction: titled by its line, citing
    its clause, of ``level``, with ``deadline`` (the same ordered deadline for all). Refused naming
    ``from_failed_items`` when there is none, ``criterion`` when a major finding would have no clause (the
    unit's own lines have none). Same events and tallies as one by one. Raises NotFound, PermissionDenied,
    Conflict, FieldErrors."""
    with transaction.atomic():
        inspection = _locked(actor, inspection_id)
        asked = parse(FindingsFromFailed, data)
        lines = list(
            CheckItem.objects.filter(inspection=inspection, result=CheckResult.FAIL, findings__isnull=True).order_by(
                "position", "id"
            )
        )
        if not lines:
            raise FieldErrors({"from_failed_items": "没有尚未生成隐患的不符合项"})
        if asked.level == "major":
            bare = [str(line.position) for line in lines if not line.criterion_id]
            if bare:
                raise FieldErrors(
                    {
                        "criterion": f"第{'、'.join(bare)}项没有判定标准条款，不能作为重大隐患批量生成："
                        "请逐项生成并引用条款，或作为一般隐患生成"
                    }
                )
        out = []
        for line in lines:
            report = _report(
                inspection,
                title=line.text[:200],
                level=asked.level,
                criterion=(line.criterion_id or "") if asked.level == "major" else "",
                description=line.note,
                location="",
                deadline=asked.deadline,
            )
            out.append(_finding(actor, inspection, report, line, ()))
        return out


def _report(inspection: Inspection, **fields: Any) -> HazardReport:
    """The hazard as the hazard register takes it: found by this inspection, on its day, at its enterprise."""
    data = {
        "enterprise": inspection.enterprise.credit_code,
        "source": "inspection",
        "discovered_on": inspection.on,
        **{k: v for k, v in fields.items() if v not in (None, "")},
    }
    if not data.get("title"):
        raise FieldErrors({"title": "请填写隐患名称（或选择不符合的检查项）"})
    return parse(HazardReport, data)


def _finding(
    actor: User,
    inspection: Inspection,
    report: HazardReport,
    item: CheckItem | None,
    files: Sequence[tuple[IO[bytes], str, int | None]],
) -> Finding:
    hazard = hazard_create(actor=actor, report=report, files=files)
    found = Finding.objects.create(inspection=inspection, hazard=hazard, item=item)
    if item is not None and item.result != CheckResult.FAIL:
        item.result = CheckResult.FAIL
        item.save(update_fields=["result"])
    _tally(inspection, findings=1, major_findings=int(hazard.level == "major"))
    # 有问题查不出: a major hazard the enterprise's own self-check did not record (the statistics' rule), told to
    # the regulators at once so that the self-check's accountability is looked into (参照事故调查处理)
    missed = hazard.level == "major" and not self_check_saw(
        enterprise_id=inspection.enterprise_id, criterion_id=hazard.criterion_id, on=inspection.on
    )
    _log(
        actor,
        inspection,
        "finding_added",
        {
            "self_check_missed": missed,
            "enterprise": inspection.enterprise.name,
            "hazard": hazard.pk,
            "item": item.pk if item is not None else None,
            "position": item.position if item is not None else None,
            "level": hazard.level,
            "title": hazard.title,
            "criterion": hazard.criterion_id,
            "deadline": hazard.deadline,
        },
    )
    return found


# ----------------------------------------------------------------------------------------- photos
def inspection_photo_add(
    *, actor: User, inspection_id: int, upload: tuple[IO[bytes], str, int | None], item: Any = None
) -> tuple[InspectionPhoto, bool]:
    """A photo of the inspection (of one checklist line when ``item`` is given), checked as hazard evidence is
    (type from the content, size cap, pixel bounds: ``hazards.evidence.check_upload``); JPEG, PNG or WebP only.
    A JPEG over ``MAX_DECODE_PIXELS`` (a phone's 200-MP mode) is kept at the largest of 1/2, 1/4, 1/8 of its
    size that fits, upright (``reduce_for_decoding``, as tips keep photos). The same picture sent again to the
    same inspection answers the one kept (``created`` False): a resend after a lost answer adds nothing.
    Raises NotFound, PermissionDenied, Conflict (done), FieldErrors (``file``, ``item``)."""
    stream, name, size = upload
    with transaction.atomic():
        inspection = _locked(actor, inspection_id)
        line = None
        if item not in (None, ""):
            try:
                key = int(str(item).strip())
            except ValueError:
                raise FieldErrors({"item": "检查项应为编号（整数）"}) from None
            line = CheckItem.objects.filter(inspection=inspection, pk=key).first() if 0 < key < 2**63 else None
            if line is None:
                raise FieldErrors({"item": f"检查项 {item} 不属于本次检查"})
        try:
            checked = check_upload(stream, name=name, size=size)
        except EvidenceRejected as exc:
            raise FieldErrors({"file": str(exc)}) from None
        if checked.content_type not in PHOTO_TYPES:
            raise FieldErrors({"file": "只接受照片（JPEG、PNG、WebP）"})
        same = InspectionPhoto.objects.filter(inspection=inspection, sha256=checked.sha256).first()
        if same is not None:
            return same, False
        content = _kept_pixels(checked.content, checked.content_type)
        photo = InspectionPhoto(
            inspection=inspection,
            item=line,
            name=checked.original_name or "照片",
            content_type=checked.content_type,
            size=len(content),
            sha256=checked.sha256,  # of the photo as sent: a resend is known by it
            uploaded_by=actor,
        )
        extension = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[checked.content_type]
        stored = ContentFile(content, name=f"{secrets.token_hex(16)}.{extension}")
        photo.file.save(stored.name or "photo", stored, save=False)
        try:
            with transaction.atomic():
                photo.save()
                _log(
                    actor,
                    inspection,
                    "photo_added",
                    {
                        "id": photo.pk,
                        "name": photo.name,
                        "size": photo.size,
                        "sha256": photo.sha256,
                        "item": line.pk if line else None,
                        "position": line.position if line else None,
                    },
                )
        except Exception:
            default_storage.delete(photo.file.name)  # the row was not written: its file must not linger
            raise
    return photo, True


def _kept_pixels(content: bytes, content_type: str) -> bytes:
    """The photo as kept: as sent, unless it is a JPEG over ``evidence.MAX_DECODE_PIXELS``, then decoded at a reduced
    scale, turned upright and saved again (quality 88)."""
    if content_type != "image/jpeg":
        return content
    try:
        with Image.open(io.BytesIO(content)) as img:
            if img.size[0] * img.size[1] <= evidence.MAX_DECODE_PIXELS:
                return content
            reduce_for_decoding(img)
            img.load()
            upright = ImageOps.exif_transpose(img).convert("RGB")
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=88)
    except EvidenceRejected as exc:
        raise FieldErrors({"file": str(exc)}) from None
    except (OSError, ValueError) as exc:
        raise FieldErrors({"file": "图片已损坏，无法读取"}) from exc
    return out.getvalue()


# --------------------------------------------------------------------------------------- complete
@transaction.atomic
def inspection_complete(*, actor: User, inspection_id: int, data: Completion | Mapping[str, Any]) -> Inspection:
    """检查完毕: every line recorded (符合、不符合 or 不适用; a pending one is refused naming ``items``), the
    summary (检查情况) and the enterprise's acknowledgement of the 现场检查记录 — the person who signed
    (``acknowledged_by``) or that they refused (``acknowledgement_refused``), one of the two (422 naming
    ``acknowledged_by``). The inspection is then done: nothing on it changes any more (409). Raises NotFound,
    PermissionDenied, Conflict, FieldErrors."""
    inspection = _locked(actor, inspection_id)
    done = parse(Completion, data)
    errors = ErrorCollector()
    if done.acknowledgement_refused and done.acknowledged_by:
        errors.add("acknowledged_by", "已勾选拒绝签字时，不填写签字人")
    elif not done.acknowledgement_refused and not done.acknowledged_by:
        errors.add("acknowledged_by", "请填写被检查单位签字人，或勾选“拒绝签字”")
    lines = list(CheckItem.objects.filter(inspection=inspection).only("position", "result"))
    pending = [str(line.position) for line in lines if line.result == CheckResult.PENDING]
    if pending:
        shown = "、".join(pending[:20]) + ("等" if len(pending) > 20 else "")
        errors.add("items", f"还有 {len(pending)} 项未检查（第{shown}项）：请逐项记录符合、不符合或不适用")
    errors.raise_if_any()
    inspection.status = InspectionStatus.DONE
    inspection.summary = done.summary
    inspection.acknowledged_by = done.acknowledged_by
    inspection.acknowledgement_refused = done.acknowledgement_refused
    inspection.done_at = timezone.now()
    inspection.save(update_fields=["status", "summary", "acknowledged_by", "acknowledgement_refused", "done_at"])
    _log(
        actor,
        inspection,
        "completed",
        {
            "summary": done.summary,
            "acknowledged_by": done.acknowledged_by,
            "acknowledgement_refused": done.acknowledgement_refused,
            "results": results_count(lines),
            "findings": Finding.objects.filter(inspection=inspection).count(),
        },
    )
    return inspection
