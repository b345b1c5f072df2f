"""Every write to a tip: the public submission and follow-up (by receipt), and the handlers' work.

Events are written for each step (DESIGN.md §3) and never carry identity or the tip's text: a payload
names the category, the region, the outcome and the amounts. Reading a tipster's identity is itself an
event (the reader is the event's actor, the time its ``at``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhiben.accidents.selectors import accident_get
from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.audit.services import NewEvent, event_append, event_append_many
from zhiben.common import dates
from zhiben.common.errors import Conflict, ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.common.hooks import events_written
from zhiben.common.inputs import parse
from zhiben.common.validators import plain
from zhiben.enterprises.models import Enterprise, enterprise_name_key
from zhiben.hazards import rules as hazard_rules
from zhiben.hazards.evidence import EvidenceRejected, check_upload
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.models import Hazard, Level, Source
from zhiben.hazards.services import hazard_create
from zhiben.regions.models import Region

from . import receipts, rules
from .crypto import seal, unseal
from .inputs import (
    PAID_ON,
    USED_BY_CATEGORY,
    TipAddition,
    TipExtension,
    TipObjection,
    TipReply,
    TipReport,
    TipReview,
    TipRewardPayment,
    TipVerification,
    unused_fields,
)
from .media import stored_file, stripped
from .models import (
    HANDLERS,
    LIFECYCLE,
    Category,
    MessageKind,
    NoReward,
    Outcome,
    Tip,
    TipAction,
    TipAttachment,
    TipMessage,
    TipReward,
    TipStatus,
)

MAX_FILES = 6


def _today() -> datetime.date:
    return dates.today()


def _log(actor: User | None, tip: Tip, kind: str, payload: dict[str, Any]) -> None:
    """The event, and the notices the register's rules give it (register.py), in this transaction."""
    if actor is None:
        # the tipster's own steps are dated, not timed: a time of day can point at a shift or a person
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        event_append_many(actor=None, events=[NewEvent("tip", str(tip.pk), kind, payload)], at=midnight)
    else:
        event_append(actor=actor, subject_type="tip", subject_id=str(tip.pk), kind=kind, payload=payload)
    events_written(actor=actor, subject_type="tip", model=Tip, events=[(tip, kind, payload)])


# ------------------------------------------------------------------------------------------ public
def tip_submit(*, report: TipReport, files: Sequence[tuple[IO[bytes], str, int | None]] = ()) -> tuple[Tip, str]:
    """A member of the public reports (no account). Returns the tip and its receipt code — shown once,
    never stored (only its digest). Photos are checked by content and stripped of EXIF/GPS; FieldErrors
    names ``files`` for a bad or an extra one."""
    errors = ErrorCollector()
    region = Region.objects.get(code=report.region)
    code = report.credit_code
    reporter = report.reporter.kept() if report.reporter else {}
    cleaned = {"enterprise_name": report.enterprise_name}
    checked = _checked(files, errors)
    if len(checked) > MAX_FILES:
        errors.add("files", f"最多上传 {MAX_FILES} 个文件")
    errors.raise_if_any()
    enterprise = Enterprise.objects.filter(credit_code=code).first() if code else None
    if enterprise is None and cleaned["enterprise_name"]:
        # the name as compared everywhere (name_key), within the county of the place: a tip placed at a
        # township names firms registered at its county too
        matches = list(
            Enterprise.objects.filter(
                name_key=enterprise_name_key(cleaned["enterprise_name"]),
                region__code__prefix=region.parent_id if region.is_township and region.parent_id else region.code,
            )[:2]
        )
        enterprise = matches[0] if len(matches) == 1 else None
    receipt = receipts.new_receipt()
    today = _today()
    with transaction.atomic():
        tip = Tip.objects.create(
            receipt_digest=receipts.digest(receipt),
            region=region,
            region_code=region.code,
            category=report.category,
            enterprise=enterprise,
            enterprise_name=cleaned["enterprise_name"] or (enterprise.name if enterprise else ""),
            credit_code=code or (enterprise.credit_code if enterprise else ""),
            content=seal({"description": report.description, "address": report.address}),
            reporter=seal(reporter) if reporter else None,
            real_name=bool(reporter and reporter.get("name") and (reporter.get("phone") or reporter.get("id_number"))),
            joint=report.joint,
            accepted_on=today,
            verification_due=rules.verification_due(today),
        )
        for item in checked:
            _store(tip, item)
        _log(None, tip, "received", {"category": tip.category, "region": tip.region_code, "files": len(checked)})
    return tip, receipt


def tip_files_check(files: Sequence[tuple[IO[bytes], str, int | None]]) -> None:
    """The files of a report that is refused for other reasons, checked all the same so that one answer
    names every problem. Raises FieldErrors naming ``files``."""
    errors = ErrorCollector()
    if len(_checked(files, errors)) > MAX_FILES:
        errors.add("files", f"最多上传 {MAX_FILES} 个文件")
    errors.raise_if_any()


def _checked(files: Sequence[tuple[IO[bytes], str, int | None]], errors: ErrorCollector) -> list[Any]:
    """Each file checked by content and stripped of EXIF/GPS; every refusal added to ``errors``; the same
    file chosen twice kept once."""
    checked: list[Any] = []
    problems: list[str] = []
    for stream, name, size in files:
        try:
            item = stripped(check_upload(stream, name=name, size=size))
        except EvidenceRejected as exc:
            problems.append(f"{name or '文件'}：{exc}")
        else:
            if all(c.sha256 != item.sha256 for c in checked):
                checked.append(item)
    if problems:
        errors.add("files", "；".join(problems))
    return checked


def _store(tip: Tip, checked: Any) -> TipAttachment:
    attachment = TipAttachment(
        tip=tip, content_type=checked.content_type, size=len(checked.content), sha256=checked.sha256
    )
    content = stored_file(checked)
    attachment.file.save(content.name, content, save=False)
    attachment.save()
    return attachment


def tip_by_receipt(receipt: str) -> Tip | None:
    """The tip a receipt opens, or None — the same for a wrong and a missing code."""
    if not receipts.well_formed(receipt):
        return None
    wanted = receipts.digest(receipt)
    tip = Tip.objects.filter(receipt_digest=wanted).first()
    return tip if tip is not None and receipts.same(tip.receipt_digest, wanted) else None


def tip_reporter_message(
    *, receipt: str, addition: TipAddition, files: Sequence[tuple[IO[bytes], str, int | None]] = ()
) -> Tip:
    """The tipster adds information (by receipt): text, files, or both."""
    tip = tip_by_receipt(receipt)
    if tip is None:
        raise NotFound("回执码不正确")
    errors = ErrorCollector()
    text = addition.body
    if not text and not files:
        errors.add("body", "请填写补充内容")
    kept = set(tip.attachments.values_list("sha256", flat=True))
    # a file the tip already has (a slow upload sent twice) is not stored again
    checked = [item for item in _checked(files, errors) if item.sha256 not in kept]
    if tip.attachments.count() + len(checked) > MAX_FILES * 2:
        errors.add("files", "附件过多")
    errors.raise_if_any()
    with transaction.atomic():
        if text:
            TipMessage.objects.create(tip=tip, from_reporter=True, body=seal(text), on=_today())
        for item in checked:
            _store(tip, item)
        _log(None, tip, "reporter_added", {"text": bool(text), "files": len(checked)})
    return tip


# ---------------------------------------------------------------------------------------- handlers
def _handled(actor: User, tip_id: int) -> Tip:
    tip = scoped(Tip.objects.select_for_update(), actor).filter(pk=tip_id).first()
    if tip is None:
        raise NotFound("举报不存在")
    if actor.role not in HANDLERS:
        raise PermissionDenied("您的角色不能办理举报")
    return tip


def tip_reporter(*, actor: User, tip_id: int) -> dict[str, str]:
    """The tipster's identity, for a tip handler in scope only; every read is an event."""
    with transaction.atomic():
        tip = scoped(Tip.objects, actor).filter(pk=tip_id).first()
        if tip is None or actor.role != Role.TIP_HANDLER:
            raise NotFound("举报不存在")  # the same answer as for a tip that does not exist
        identity = unseal(tip.reporter) or {}
        _log(actor, tip, "reporter_read", {"real_name": tip.real_name})
    return dict(identity)


def tip_extend(*, actor: User, tip_id: int, extension: TipExtension) -> Tip:
    """Extend verification once by 30 days (FACTS §3): decided on or before the verification due day
    (Conflict after it, and for a second extension), with the upper department's approval recorded
    (``approved_by``) and the reason, which the reporter reads on the receipt page."""
    with transaction.atomic():
        tip = _handled(actor, tip_id)
        LIFECYCLE.take(TipAction.EXTEND, tip, actor)
        tip.extended = True
        tip.extended_on = _today()
        tip.extension_reason = extension.reason
        tip.extension_approved_by = extension.approved_by
        tip.verification_due = rules.verification_due(tip.accepted_on, extended=True)
        tip.save(
            update_fields=["extended", "extended_on", "extension_reason", "extension_approved_by", "verification_due"]
        )
        _log(
            actor, tip, "extended", {"verification_due": tip.verification_due, "approved_by": tip.extension_approved_by}
        )
    return tip


def _statement(facts: str, handling: str, body: str = "", *, heads: tuple[str, str]) -> str:
    """The text the reporter reads: the facts found, the handling, then any further words."""
    return "\n".join([f"{heads[0]}：{facts}", f"{heads[1]}：{handling}", *([body] if body else [])])


def tip_reply(*, actor: User, tip_id: int, reply: TipReply) -> Tip:
    """A message to the tipster (they read it with the receipt). The first after verification is the
    reply (答复, due within 10 days of verification): it states the facts found and the handling
    (应急〔2023〕106号, per FACTS.md; FieldErrors naming ``facts`` / ``handling`` when missing) and opens the
    reporter's 10 days to object. Any other message needs ``body``."""
    with transaction.atomic():
        tip = _handled(actor, tip_id)
        today = _today()
        arrow = LIFECYCLE.take(TipAction.REPLY, tip, actor)
        is_reply = arrow.event == "replied"
        errors = ErrorCollector()
        if is_reply:
            if not reply.facts:
                errors.add("facts", "答复须写明核查认定的事实")
            if not reply.handling:
                errors.add("handling", "答复须写明处理情况")
        elif not reply.body:
            errors.add("body", "请填写答复内容")
        errors.raise_if_any()
        text = (
            _statement(reply.facts, reply.handling, reply.body, heads=("核查认定的事实", "处理情况"))
            if is_reply
            else reply.body
        )
        message = TipMessage.objects.create(
            tip=tip,
            from_reporter=False,
            kind=MessageKind.REPLY if is_reply else MessageKind.MESSAGE,
            body=seal(text),
            on=today,
            author=actor,
        )
        if is_reply:
            tip.status = arrow.target
            tip.replied_on = today
            tip.objection_due = rules.objection_due(today)
            tip.save(update_fields=["status", "replied_on", "objection_due"])
        # the reply names its message: the 答复书 quotes that one, not an earlier acknowledgement
        payload: dict[str, Any] = {"status": tip.status}
        if arrow.event == "replied":
            payload["message"] = message.pk
        _log(actor, tip, arrow.event, payload)
    return tip


def tip_verify(*, actor: User, tip_id: int, verification: TipVerification) -> Tip:
    """Record the verification (核查) and decide the reward by the national rule (FACTS §3)."""
    with transaction.atomic():
        tip = _handled(actor, tip_id)
        target = LIFECYCLE.take(TipAction.VERIFY, tip, actor).target
        outcome, fine, deaths = verification.outcome, verification.fine, verification.concealed_deaths
        hazard = None
        accident = None
        confirmed = outcome == Outcome.CONFIRMED
        unused = unused_fields(verification, tip.category)
        if unused:
            raise FieldErrors(unused)
        if fine is None and confirmed and "fine" in USED_BY_CATEGORY.get(tip.category, ()) and tip.fine is not None:
            # the fine the penalties register has recorded for this tip (tip_fine_set): the reward reads it
            fine = tip.fine
        if verification.enterprise:
            _link_enterprise(actor, tip, verification.enterprise)
        if confirmed and tip.category == Category.MAJOR_HAZARD:
            hazard = _hazard_for(actor, tip, verification)
        if confirmed and tip.category == Category.CONCEALED_ACCIDENT:
            accident = _accident_for(actor, verification)
            if deaths is None:
                raise FieldErrors({"concealed_deaths": "请填写经核实的瞒报死亡人数"})
            # the concealed deaths rewarded are among the accident's verified deaths, never more (FACTS §3)
            if deaths > accident.deaths:
                raise FieldErrors(
                    {"concealed_deaths": f"瞒报死亡人数不能超过事故核定的死亡人数（{accident.deaths}人）"}
                )
        if confirmed and tip.category == Category.VIOLATION and fine is None:
            raise FieldErrors({"fine": "请填写行政罚款金额（没有罚款填0）"})
        today = _today()
        tip.status = target
        tip.outcome = outcome
        tip.verified_on = today
        tip.verified_by = actor
        tip.hazard = hazard
        tip.accident_id = accident.pk if accident is not None else None
        tip.fine = fine
        tip.concealed_deaths = deaths
        tip.reporter_excluded = verification.reporter_excluded
        tip.already_known = verification.already_known
        tip.reply_due = rules.reply_due(today)
        reward = _decide_reward(actor, tip, hazard, accident)
        _log(
            actor,
            tip,
            "verified",
            {
                "outcome": outcome,
                **({"enterprise": tip.credit_code} if verification.enterprise else {}),
                "hazard": hazard.pk if hazard else None,
                "accident": tip.accident_id,
                "fine": fine,
                "reward": reward.amount if reward else None,
                "eligible": reward is not None,
                # the code only: the ground of an exclusion says something about the reporter
                **({"reward_reason": tip.reward_reason} if tip.reward_reason else {}),
            },
        )
    return tip


def _link_enterprise(actor: User, tip: Tip, credit_code: str) -> None:
    """Name the reported unit (被举报单位) as a registered enterprise in the handler's scope: the tip's
    enterprise, its credit code and, if the tipster gave none, its name. FieldErrors naming ``enterprise``
    when no such enterprise is in scope (a missing and a forbidden one look the same)."""
    enterprise = scoped(Enterprise.objects, actor).filter(credit_code=credit_code).first()
    if enterprise is None:
        raise FieldErrors({"enterprise": "未找到该统一社会信用代码对应的企业（须为您管辖范围内已登记的企业）"})
    tip.enterprise = enterprise
    tip.credit_code = enterprise.credit_code
    tip.enterprise_name = tip.enterprise_name or enterprise.name


def _hazard_for(actor: User, tip: Tip, verification: TipVerification) -> Hazard:
    """Link the hazard named, or record the tip's finding as a new major hazard (source=tip)."""
    raw = verification.hazard
    if raw is not None:
        hazard = scoped(Hazard.objects, actor).filter(pk=raw).first()
        if hazard is None:
            raise FieldErrors({"hazard": "隐患不存在或不在您的管辖范围内"})
        return hazard
    if tip.enterprise is None:
        raise FieldErrors({"hazard": "被举报单位未对应到已登记企业：请指明被举报单位，或填写已有的隐患编号"})
    title = verification.hazard_title
    if not str(title or "").strip():
        # the handler words the hazard: the tip's own text could tell the firm who wrote it
        raise FieldErrors({"hazard_title": "请填写隐患名称（不要照抄举报原文，以免暴露举报人）"})
    try:
        return hazard_create(
            actor=actor,
            report=parse(
                HazardReport,
                {
                    "enterprise": tip.enterprise.credit_code,
                    "title": title,
                    "level": Level.MAJOR,
                    "source": Source.TIP,
                    "discovered_on": _today(),
                    "criterion": verification.criterion or "",
                    "deadline": verification.deadline,
                },
            ),
        )
    except FieldErrors as exc:
        raise FieldErrors({("hazard_title" if k == "title" else k): v for k, v in exc.errors.items()}) from exc


def _accident_for(actor: User, verification: TipVerification) -> Any:
    raw = verification.accident
    if raw is None:
        raise FieldErrors({"accident": "请填写核实后登记的事故编号"})
    accident = accident_get(actor=actor, accident_id=raw)
    if accident is None:
        raise FieldErrors({"accident": "事故不存在或不在您的管辖范围内"})
    return accident


def _no_reward_reason(tip: Tip, hazard: Hazard | None) -> NoReward | None:
    """Why no national reward is due, or None when the matter and the reporter qualify
    (《安全生产领域举报奖励办法》, 安监总财〔2018〕19号; FACTS §3):

    * only a tip verified as true of a major hazard, an illegal operation or a concealed/falsely reported
      accident is rewarded — an unfounded tip, an "other" tip and a general hazard are not;
    * only what the unit or the department had not found, or had found and not dealt with — a hazard they
      recorded before the tip and were rectifying within its deadline, or a matter the handler marks
      ``already_known``, is not;
    * a concealed accident is rewarded per verified concealed death: none, no reward (not a reward of 0);
    * staff with safety supervision duties, their close relatives and people they instigated are not
      rewarded; nor (the national rule, ``TIP_REWARD_REAL_NAME_ONLY``) an anonymous reporter.
    """
    if tip.outcome != Outcome.CONFIRMED:
        return NoReward.NOT_VERIFIED
    if tip.category == Category.OTHER:
        return NoReward.NOT_IN_SCOPE
    if tip.category == Category.MAJOR_HAZARD:
        assert hazard is not None
        if hazard.level != Level.MAJOR:
            return NoReward.GENERAL_HAZARD
        if (
            hazard.source != Source.TIP
            and hazard.created_at.date() <= tip.accepted_on
            and not hazard_rules.is_overdue(hazard, on=tip.accepted_on)
        ):
            return NoReward.ALREADY_KNOWN
    if tip.category == Category.CONCEALED_ACCIDENT and not tip.concealed_deaths:
        return NoReward.NO_DEATHS
    if tip.already_known:
        return NoReward.ALREADY_KNOWN
    if tip.reporter_excluded:
        return NoReward.EXCLUDED
    if rules.real_name_only() and not tip.real_name:
        return NoReward.ANONYMOUS
    return None


def _same_matter_rewarded(tip: Tip, hazard: Hazard | None, accident: Any) -> bool:
    """Whether another confirmed tip on the same matter was accepted earlier or already holds the reward:
    the same matter reported by several people is rewarded once, to the first accepted report (FACTS §3)."""
    earlier = Q(accepted_on__lt=tip.accepted_on) | Q(accepted_on=tip.accepted_on, pk__lt=tip.pk)
    same = Tip.objects.exclude(pk=tip.pk).filter(Q(reward__eligible=True) | earlier, outcome=Outcome.CONFIRMED)
    if tip.category == Category.MAJOR_HAZARD:
        return same.filter(hazard=hazard).exists()
    if tip.category == Category.VIOLATION:
        return bool(tip.credit_code) and same.filter(category=Category.VIOLATION, credit_code=tip.credit_code).exists()
    return same.filter(accident_id=accident.pk).exists()


def _decide_reward(actor: User, tip: Tip, hazard: Hazard | None, accident: Any) -> TipReward | None:
    """The national rule (FACTS §3): the reward (a TipReward) or None with ``tip.reward_reason`` set; saves
    the tip either way. Amounts: 15% of the fine within [3,000, 300,000] yuan for a major hazard or an
    illegal operation; per concealed death by the accident's grade, at most 300,000, for an accident."""
    reason = _no_reward_reason(tip, hazard)
    if reason is None and _same_matter_rewarded(tip, hazard, accident):
        reason = NoReward.NOT_FIRST
    tip.reward_reason = reason or ""
    tip.save()
    if reason is not None:
        return None
    if tip.category == Category.CONCEALED_ACCIDENT:
        # 19号: per concealed death "by the accident's grade" - the final grade, i.e. the investigation's 核定 grade
        # once recorded (条例 第三十二条 批复), else the grade the verified figures give.
        amount = rules.concealed_accident_reward(tip.concealed_deaths or 0, accident.statistical_grade)
        basis = (
            f"瞒报死亡 {tip.concealed_deaths} 人，按{accident.get_statistical_grade_display()}事故标准计，最高30万元"
        )
    else:
        amount = rules.violation_reward(tip.fine or Decimal(0))
        basis = f"罚款 {tip.fine or 0} 元的15%，不低于3000元、不高于30万元"
    if tip.joint:
        basis += "；联名举报，由第一署名人领取"
    return TipReward.objects.create(
        tip=tip, eligible=True, amount=amount, basis=basis, decided_on=_today(), decided_by=actor
    )


def tip_fine_set(*, actor: User, tip_id: int, fine: Decimal, penalties: int) -> Tip:
    """The administrative fine of the matter a tip reported, as the penalties register has it (行政处罚): ``fine``
    is the sum in yuan of the amounts of the ``penalties`` penalties linked to the tip (the caller's sum; 0 with
    none). The reward of a confirmed major hazard or illegal operation is 15% of that fine within [3,000,
    300,000] yuan (FACTS §3), so the tip's ``fine`` follows the penalties: set before the verification, it is
    what ``tip_verify`` reads when the handler gives no fine; set after it, an eligible reward not yet paid is
    decided again on the new fine (a paid reward is never changed: the event says the fine moved).

    Runs in the caller's transaction (the penalty's); NotFound when the tip is not in ``actor``'s scope. The
    event ``fine_set`` names the old and new fine and, when it changed, the reward."""
    tip = scoped(Tip.objects.select_for_update(), actor).filter(pk=tip_id).first()
    if tip is None:
        raise NotFound("举报不存在")
    amount = Decimal(fine).quantize(rules.CENT)
    before = tip.fine
    if before is not None and before == amount:
        return tip
    tip.fine = amount
    tip.save(update_fields=["fine"])
    payload: dict[str, Any] = {"fine": amount, "before": before, "penalties": penalties}
    reward = TipReward.objects.filter(tip=tip, eligible=True).first()
    if reward is not None and tip.category != Category.CONCEALED_ACCIDENT:
        if reward.paid_on is None:
            reward.amount = rules.violation_reward(amount)
            reward.basis = f"罚款 {amount} 元的15%，不低于3000元、不高于30万元" + (
                "；联名举报，由第一署名人领取" if tip.joint else ""
            )
            reward.save(update_fields=["amount", "basis"])
            payload["reward"] = reward.amount
        else:
            payload["reward_paid"] = True
    _log(actor, tip, "fine_set", payload)
    return tip


def tip_reward_notice(*, actor: User, tip_id: int) -> Tip:
    """Send the reward notice (领奖通知): the reporter then has 60 days to claim (FACTS §3), shown on the
    receipt page. Conflict when there is no reward, or it was notified already."""
    with transaction.atomic():
        tip = _handled(actor, tip_id)
        LIFECYCLE.take(TipAction.NOTIFY_REWARD, tip, actor)
        reward = TipReward.objects.filter(tip=tip).first()
        if reward is None:
            raise Conflict("该举报没有奖励决定")
        if reward.notified_on is not None:
            raise Conflict("已通知举报人领取奖励")
        reward.notified_on = _today()
        reward.save(update_fields=["notified_on"])
        tip.claim_due = rules.claim_due(reward.notified_on)
        tip.save(update_fields=["claim_due"])
        _log(actor, tip, "reward_notified", {"claim_due": tip.claim_due})
    return tip


def tip_reward_paid(*, actor: User, tip_id: int, payment: TipRewardPayment) -> Tip:
    """Record the payment (the claim) of a reward: once, after the reward notice, not before it nor above
    the amount decided. A claim after the 60-day window is forfeited — "逾期未领取奖金者，视为放弃领奖权利；
    能够说明理由的，可以适当延长领取时间" (FACTS §3) — so it is refused (FieldErrors naming ``late_reason``)
    unless the reporter's reason is recorded; such a payment is flagged late in its event."""
    with transaction.atomic():
        tip = _handled(actor, tip_id)
        LIFECYCLE.take(TipAction.PAY_REWARD, tip, actor)
        reward = TipReward.objects.filter(tip=tip).first()
        if reward is None or not reward.eligible:
            raise Conflict("该举报没有奖励决定")
        if reward.paid_on is not None:
            raise Conflict("奖励已登记发放")
        if reward.notified_on is None or tip.claim_due is None:
            raise Conflict("请先通知举报人领取奖励（领取期限自通知之日起计算）")
        errors = ErrorCollector()
        if payment.paid_on < reward.notified_on:
            errors.add("paid_on", PAID_ON)
        if payment.amount > reward.amount:
            errors.add("amount", f"发放金额应在0至{plain(reward.amount)}之间")
        late = payment.paid_on > tip.claim_due
        if late and not payment.late_reason:
            errors.add(
                "late_reason",
                f"已超过领取期限（{tip.claim_due:%Y-%m-%d}），视为放弃领奖；举报人能够说明理由的，请填写逾期领取理由",
            )
        errors.raise_if_any()
        reward.paid_on, reward.paid_amount = payment.paid_on, payment.amount
        reward.late_reason = payment.late_reason if late else ""
        reward.save(update_fields=["paid_on", "paid_amount", "late_reason"])
        _log(actor, tip, "reward_paid", {"paid_on": payment.paid_on, "amount": payment.amount, "late": late})
    return tip


# --------------------------------------------------------------------------------- objection, review
def tip_object(*, receipt: str, objection: TipObjection) -> Tip:
    """The reporter objects (异议) to the reply, by receipt, within 10 days of it (应急〔2023〕106号, per
    FACTS.md); the re-review is then due within 30 days. NotFound for a wrong receipt; Conflict before the
    reply, after the 10 days, or for a second objection. Nothing about the reporter is kept but the text."""
    found = tip_by_receipt(receipt)
    if found is None:
        raise NotFound("回执码不正确")
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=found.pk)
        # the reporter's own step, by receipt (no account, so not an arrow of the handlers' lifecycle)
        if tip.status != TipStatus.REPLIED:
            raise Conflict("答复之后才能提出异议，且只能提出一次")
        if tip.objection_due is None or dates.is_past(tip.objection_due):
            raise Conflict("已超过提出异议的期限（答复后10日内）")
        today = _today()
        TipMessage.objects.create(
            tip=tip, from_reporter=True, kind=MessageKind.OBJECTION, body=seal(objection.reason), on=today
        )
        tip.status = TipStatus.OBJECTED
        tip.objected_on = today
        tip.review_due = rules.review_due(today)
        tip.save(update_fields=["status", "objected_on", "review_due"])
        _log(None, tip, "objected", {"review_due": tip.review_due})
    return tip


def tip_review(*, actor: User, tip_id: int, review: TipReview) -> Tip:
    """The re-review (复核) of the reporter's objection, stating the facts found and the handling; the
    reporter reads it by receipt. Conflict unless the tip is under objection."""
    with transaction.atomic():
        tip = _handled(actor, tip_id)
        LIFECYCLE.take(TipAction.REVIEW, tip, actor)
        today = _today()
        message = TipMessage.objects.create(
            tip=tip,
            from_reporter=False,
            kind=MessageKind.REVIEW,
            body=seal(_statement(review.facts, review.handling, heads=("复核认定的事实", "复核处理意见"))),
            on=today,
            author=actor,
        )
        tip.status = TipStatus.REVIEWED
        tip.reviewed_on = today
        tip.save(update_fields=["status", "reviewed_on"])
        _log(actor, tip, "reviewed", {"message": message.pk})
    return tip
