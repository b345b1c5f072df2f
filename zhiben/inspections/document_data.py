"""The data of the enforcement documents (执法文书), declared in ``declarations/orders_parts.py`` and filled into the
templates under ``documents/`` by the documents engine (which adds ``issuer``, ``number`` and ``issued_on``; dates
become 2026年3月5日 there):

- of an inspection (``GET /api/v1/inspections/{id}/documents/{kind}``): 现场检查记录 (``inspection_record``),
  责令限期整改指令书 (``rectify_order``: the inspection's rectification order, one per inspection),
  现场处理措施决定书 (``measures_order``: its on-site measures, one per inspection), 整改复查意见书
  (``reinspection_opinion``: the re-inspection of its rectification order — an order is re-inspected once);
- of a penalty: 行政处罚决定书 (``penalty_decision``, on the penalty register).

Each is issued by the inspection's (or the penalty's) enforcement unit and numbered in that unit's yearly
sequence for its word (检记, 责改, 现决, 复查, 罚: the words of the national 安全生产行政执法文书 forms). A document
is refused (409 with the reason) while the team has fewer than two law-enforcement officers with certificates
(行政处罚法 第四十二条) or nothing of its kind was done yet. Each is dated by the act it records (the inspection's,
the order's, the re-inspection's, the decision's day), not by the day it was printed.

The rights of the party (decisions and orders): administrative reconsideration within 60 days of knowing of the
act (《中华人民共和国行政复议法》(2023) 第二十条), before the people's government at the unit's level (same law,
第二十四条: 县级以上地方各级人民政府 handles its departments' acts), or a suit within six months (《中华人民共和国
行政诉讼法》第四十六条); the decision is carried out meanwhile. A fine is paid within 15 days of receiving the
decision, 3% of it a day added when late (行政处罚法).
"""

from __future__ import annotations

from typing import Any

from zhiben.departments.models import Department
from zhiben.hazards.models import Level
from zhiben.hazards.models import Status as HazardStatus

from .models import CheckItem, Inspection, InspectionFlag, Order, OrderKind, Penalty, PenaltyKind, TeamRole
from .rules import DAILY_BASIS, MEASURES_BASIS, RECTIFY_BASIS
from .selectors.orders import findings_of, issued_number, team_refusal

LEVEL_WORDS = ("省", "市", "州", "盟", "县", "区", "旗", "镇", "乡", "街道")


# ----------------------------------------------------------------------------------------- issuer
def unit_abbreviation(department: Department) -> str:
    """The unit's word in a 文号 (秀山县应急管理局 → 应急, 住建局 → 住建): its shortest alias, or its name, without the
    region's name or level word and without a closing 局 / 管理局 / 委员会."""
    names = [department.name, *department.alias_list()]
    region_name = department.region.name if department.region_id else ""
    short: list[str] = []
    for name in names:
        word = name.removeprefix(region_name) if region_name else name
        for level in LEVEL_WORDS:
            if word.startswith(level) and len(word) > len(level) + 1:
                word = word[len(level) :]
                break
        for suffix in ("管理局", "委员会", "局", "委"):
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                word = word[: -len(suffix)]
                break
        short.append(word)
    return min(short, key=len)[:20]


def unit_issuer(department: Department | None, region_code: str) -> tuple[str, str]:
    """``(unit key, unit's name)`` for the documents engine: the unit's region and word (``500241:应急``), so each
    enforcement unit counts its own numbers by year; without a unit, the region's key (never issued: such a
    document is refused, ``team_refusal``)."""
    if department is None:
        return f"{region_code}:执法", region_code
    return f"{department.region_id}:{unit_abbreviation(department)}", department.name


def inspection_issuer(inspection: Inspection) -> tuple[str, str]:
    return unit_issuer(inspection.department, inspection.region_id)


def penalty_issuer(penalty: Penalty) -> tuple[str, str]:
    return unit_issuer(penalty.department, penalty.region_id)


def _government(department: Department | None) -> str:
    """Where a party applies for reconsideration: the people's government of the unit's region (行政复议法
    第二十四条)."""
    if department is None or not department.region_id:
        return "本级人民政府"
    return f"{department.region.name}人民政府"


# ----------------------------------------------------------------------------------------- refusals
def _order(inspection: Inspection, kind: str) -> Order | None:
    return Order.objects.filter(inspection=inspection, kind=kind).first()


def record_refusal(inspection: Inspection) -> str | None:
    """Why 现场检查记录 cannot be had now (the team, the unit), or None."""
    return team_refusal(inspection)


def rectify_refusal(inspection: Inspection) -> str | None:
    if _order(inspection, OrderKind.RECTIFY) is None:
        return "本次检查尚未下达责令限期整改指令书"
    return team_refusal(inspection)


def measures_refusal(inspection: Inspection) -> str | None:
    if _order(inspection, OrderKind.MEASURES) is None:
        return "本次检查尚未下达现场处理措施决定书"
    return team_refusal(inspection)


def reinspection_refusal(inspection: Inspection) -> str | None:
    order = _order(inspection, OrderKind.RECTIFY)
    if order is None or not order.reinspections.exists():
        return "责令限期整改指令书尚未复查，不能出具整改复查意见书"
    return team_refusal(inspection)


def penalty_refusal(penalty: Penalty) -> str | None:
    """Why 行政处罚决定书 cannot be had now: no deciding unit, or (a penalty of an inspection) a team that cannot issue
    documents."""
    if penalty.department_id is None:
        return "未登记作出处罚决定的执法单位，不能出具行政处罚决定书"
    if penalty.inspection is not None:
        return team_refusal(penalty.inspection)
    return None


# ----------------------------------------------------------------------------------------- contexts
def _party(enterprise: Any) -> dict[str, Any]:
    return {
        "enterprise": enterprise.name,
        "credit_code": enterprise.credit_code,
        "address": enterprise.address or "—",
        "principal": enterprise.principal or "—",
    }


def _officers(inspection: Inspection) -> dict[str, Any]:
    """The team as the documents name it: officers with certificate numbers, experts with their specialty."""
    team = list(inspection.team.all())
    officers = [m for m in team if m.role in (TeamRole.LEADER, TeamRole.OFFICER)]
    experts = [m for m in team if m.role == TeamRole.EXPERT]
    return {
        "team": [
            {"name": m.name, "role": m.get_role_display(), "certificate_no": m.certificate_no or "—"} for m in team
        ],
        "officers": "、".join(f"{m.name}（执法证号：{m.certificate_no or '无'}）" for m in officers) or "—",
        "experts": "、".join(m.name for m in experts) or "无",
    }


def _finding_line(number: int, hazard: Any) -> str:
    parts = [f"{number}. {hazard.title}"]
    details = []
    if hazard.location:
        details.append(f"部位：{hazard.location}")
    details.append("重大事故隐患" if hazard.level == Level.MAJOR else "一般事故隐患")
    if hazard.criterion_id:
        details.append(f"判定依据：{hazard.criterion_id}")
    return parts[0] + "（" + "；".join(details) + "）"


def _lines(hazards: list[Any]) -> list[str]:
    return [_finding_line(i, h) for i, h in enumerate(hazards, start=1)] or ["（无）"]


def _rights(department: Department | None, what: str) -> str:
    return (
        f"如不服本{what}，可以自收到本{what}之日起六十日内依法向{_government(department)}申请行政复议，"
        f"或者在六个月内依法向人民法院提起行政诉讼，但本{what}不停止执行，法律另有规定的除外。"
    )


def inspection_record(inspection: Inspection, actor: Any) -> dict[str, Any]:
    """现场检查记录: the party, the team with certificate numbers, how it was done (flags), the checklist with each
    result, the findings, and the enterprise's acknowledgement (or its refusal to sign)."""
    flags = dict(InspectionFlag.choices)
    items = CheckItem.objects.filter(inspection=inspection).order_by("position", "id")
    checks = [
        {"no": i, "text": item.text, "result": item.get_result_display(), "note": item.note or ""}
        for i, item in enumerate(items, start=1)
    ]
    if inspection.acknowledgement_refused:
        acknowledgement = "被检查单位现场负责人拒绝签字，执法人员已在场注明。"
    elif inspection.acknowledged_by:
        acknowledgement = f"被检查单位现场负责人{inspection.acknowledged_by}已核对本记录并签字确认。"
    else:
        acknowledgement = "被检查单位现场负责人（签字）：　　　　　　　　"
    return {
        **_party(inspection.enterprise),
        **_officers(inspection),
        "doc_date": inspection.on,
        "on": inspection.on,
        "place": inspection.place or inspection.enterprise.address or inspection.enterprise.name,
        "kind": inspection.get_kind_display(),
        "flags": "、".join(flags.get(f, f) for f in inspection.flags or []) or "常规检查",
        "checks": checks or [{"no": "—", "text": "（未列检查项）", "result": "", "note": ""}],
        "findings": _lines(findings_of(inspection)),
        "summary": inspection.summary or "—",
        "acknowledgement": acknowledgement,
    }


def rectify_order(inspection: Inspection, actor: Any) -> dict[str, Any]:
    """责令限期整改指令书: the findings ordered, the deadline, the basis and the party's rights."""
    order = _order(inspection, OrderKind.RECTIFY)
    assert order is not None  # available only once issued
    hazards = list(order.hazards.order_by("id"))
    return {
        **_party(inspection.enterprise),
        **_officers(inspection),
        "doc_date": order.issued_on,
        "on": inspection.on,
        "findings": _lines(hazards),
        "deadline": order.deadline,
        "basis": RECTIFY_BASIS,
        "note": order.text,
        "rights": _rights(inspection.department, "指令"),
    }


def measures_order(inspection: Inspection, actor: Any) -> dict[str, Any]:
    """现场处理措施决定书: the findings, the measures decided (安全生产法 第六十五条), and the party's rights."""
    order = _order(inspection, OrderKind.MEASURES)
    assert order is not None  # available only once issued
    hazards = list(order.hazards.order_by("id"))
    return {
        **_party(inspection.enterprise),
        **_officers(inspection),
        "doc_date": order.issued_on,
        "on": inspection.on,
        "findings": _lines(hazards),
        "measures": [f"{i}. {m}" for i, m in enumerate(order.measures or [], start=1)],
        "basis": MEASURES_BASIS,
        "note": order.text,
        "rights": _rights(inspection.department, "决定"),
    }


def reinspection_opinion(inspection: Inspection, actor: Any) -> dict[str, Any]:
    """整改复查意见书: the order re-inspected (its number once issued), the day, each finding's result and the
    officer's opinion; a failed one says a penalty follows and, when recorded, the daily penalty (第一百一十二条)."""
    order = _order(inspection, OrderKind.RECTIFY)
    assert order is not None  # available only once re-inspected
    reinspection = order.reinspections.order_by("-on", "-id").first()
    assert reinspection is not None
    results = []
    for i, hazard in enumerate(order.hazards.order_by("id"), start=1):
        done = hazard.status == HazardStatus.CLOSED
        results.append(f"{i}. {hazard.title}：{'已整改，予以销号' if done else '未整改到位'}")
    number = issued_number(inspection, "rectify_order")
    if reinspection.passed:
        conclusion = "经复查，你单位已按要求完成整改，复查合格。"
        consequence = ""
    else:
        conclusion = "经复查，你单位未按要求完成整改，复查不合格。"
        consequence = "本机关将依法对你单位予以行政处罚。"
        if reinspection.daily_penalty_from is not None:
            day = reinspection.daily_penalty_from
            consequence += f"拒不改正的，自{day.year}年{day.month}月{day.day}日起依照{DAILY_BASIS}的规定按日连续处罚。"
    return {
        **_party(inspection.enterprise),
        **_officers(inspection),
        "doc_date": reinspection.on,
        "order_date": order.issued_on,
        "order_ref": f"（{number}）" if number else "",
        "deadline": order.deadline,
        "reinspected_on": reinspection.on,
        "results": results or ["（无）"],
        "verdict": reinspection.verdict,
        "conclusion": conclusion,
        "consequence": consequence,
    }


def _money(value: Any) -> str:
    return f"{value:,.2f}"


def penalty_decision(penalty: Penalty, actor: Any) -> dict[str, Any]:
    """行政处罚决定书: the party (unit, and the person when one is penalised), the facts, the legal basis, the kind
    and amount (yuan), a continuing daily fine (第一百一十二条) when recorded, how and when to pay, and the rights."""
    lines = [] if penalty.kind == PenaltyKind.FINE else [penalty.get_kind_display()]
    if penalty.amount:
        lines.append(f"对{penalty.enterprise.name}处罚款人民币{_money(penalty.amount)}元")
    if penalty.person and penalty.person_amount:
        post = f"（{penalty.person_post}）" if penalty.person_post else ""
        lines.append(f"对{penalty.person}{post}处罚款人民币{_money(penalty.person_amount)}元")
    if penalty.daily and penalty.daily_from is not None:
        daily = f"按每日{_money(penalty.daily_amount)}元" if penalty.daily_amount else "按照原处罚数额"
        lines.append(
            f"自{penalty.daily_from.year}年{penalty.daily_from.month}月{penalty.daily_from.day}日起{daily}按日连续处罚（{DAILY_BASIS}）"
        )
    if not lines:
        lines.append(penalty.get_kind_display())
    fined = bool(penalty.amount or penalty.person_amount or penalty.daily)
    return {
        **_party(penalty.enterprise),
        "person": penalty.person,
        "person_post": penalty.person_post or "—",
        "doc_date": penalty.decided_on,
        "facts": [line.strip() for line in (penalty.facts or "").splitlines() if line.strip()] or ["—"],
        "basis": penalty.basis,
        "decision": [f"{i}. {line}" for i, line in enumerate(lines, start=1)],
        "payment": (
            "罚款自收到本决定书之日起十五日内缴至指定银行或者通过电子支付系统缴纳。"
            "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款（《中华人民共和国行政处罚法》）。"
            if fined
            else ""
        ),
        "rights": _rights(penalty.department, "决定"),
    }
