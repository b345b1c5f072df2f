"""The data of the pressure documents (警示通报, 督促函, 约谈通知书, 检讨要求, 挂牌督办通知书), declared in
register.py and filled into ``documents/pressure.docx`` by the documents engine (which adds ``issuer``,
``number`` and ``issued_on``; dates become 2026年3月5日 there).

The wording follows what the plans name: 约谈告诫、公开曝光 and 纳入核查问责 for those who fall behind
(township plan, task 10); 督促限期整改通知书、提醒敦促函、约谈、挂牌督办 (the city's progress report).
"""

from __future__ import annotations

import datetime
from typing import Any

from .models import Pressure, PressureKind

# document kind (the engine's ``kind``, in the URL) → the pressure kinds it serves
DOCUMENT_OF: dict[str, tuple[str, ...]] = {
    "warning_notice": (PressureKind.WARNING_NOTICE,),
    "urging_letter": (PressureKind.URGING_LETTER,),
    "interview_notice": (PressureKind.INTERVIEW,),
    "review_request": (PressureKind.WRITTEN_REVIEW, PressureKind.MEETING_REVIEW),
    "listing_notice": (PressureKind.LISTED_SUPERVISION,),
}


def document_kind(pressure: Pressure) -> str:
    """The document a pressure issues (``urging_letter`` for a 督促函 …)."""
    return next(doc for doc, kinds in DOCUMENT_OF.items() if pressure.kind in kinds)


def available(kind: str) -> Any:
    """Whether the document ``kind`` is the one the pressure issues."""
    return lambda pressure: pressure.kind in DOCUMENT_OF[kind]


def issuer(pressure: Pressure) -> tuple[str, str]:
    """The committee office of the issuing region: its 安委办 number sequence, its full name."""
    return f"{pressure.issuer_region_id}:安委办", f"{pressure.issuer_region.name}安全生产委员会办公室"


def _cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def context(pressure: Pressure, actor: Any) -> dict[str, Any]:
    """The document's data: ``doc_title``, ``addressee``, ``opening``, ``reason`` (lines), ``demands`` (lines)."""
    office = issuer(pressure)[1]
    you = "你单位" if pressure.target_department_id else "你地"
    due = _cn(pressure.follow_up_due)
    target = pressure.target_name
    reason = [line.strip() for line in pressure.reason.splitlines() if line.strip()]
    if pressure.task_id:
        reason.append(f"（涉及重点任务第{pressure.task_id}号）")
    kind = pressure.kind
    if kind == PressureKind.WARNING_NOTICE:
        title = f"关于对{target}的警示通报"
        opening = f"经督导检查，{target}在安全生产工作中存在以下问题，现予通报警示："
        demands = [
            f"{target}要深刻汲取教训，认真分析原因，逐项整改到位。",
            f"请于{due}前将整改情况书面报送{office}。",
            "各地各部门要引以为戒、举一反三，防止类似问题发生。",
        ]
    elif kind == PressureKind.URGING_LETTER:
        title = "督促函"
        opening = f"经督导检查，{you}在安全生产工作中存在以下问题："
        demands = [
            "请高度重视，对照问题逐项制定整改措施，明确责任人和完成时限。",
            f"请于{due}前将整改落实情况书面反馈{office}。",
            "逾期未整改或整改不到位的，将按规定予以通报、约谈。",
        ]
    elif kind == PressureKind.INTERVIEW:
        title = "约谈通知书"
        opening = f"因{you}存在以下问题，经研究，决定于{_cn(pressure.on)}对{you}主要负责人进行约谈："
        demands = [
            f"{you}主要负责人和分管负责人参加约谈，就存在问题、原因分析和整改措施作出说明（具体时间地点另行通知）。",
            f"请于{due}前将整改落实情况书面报送{office}。",
            "整改不力的，将纳入核查问责范围，视情况公开曝光。",
        ]
    elif kind in (PressureKind.WRITTEN_REVIEW, PressureKind.MEETING_REVIEW):
        title = "检讨要求"
        written = kind == PressureKind.WRITTEN_REVIEW
        opening = f"因{you}存在以下问题，现要求{you}" + ("作出书面检讨：" if written else "召开专题会议作出检讨：")
        demands = [
            "检讨应当深刻剖析问题原因，明确整改措施、责任人和完成时限。",
            f"请于{due}前将书面检讨报送{office}。"
            if written
            else f"请于{due}前召开专题会议作出检讨，并将会议纪要报送{office}。",
        ]
    else:
        title = "挂牌督办通知书"
        opening = f"因{you}存在以下问题，{office}决定对{target}实行挂牌督办："
        demands = [
            f"{you}党委政府主要负责人要亲自研究部署，逐项落实整改责任、措施、资金、时限和预案。",
            f"请于{due}前完成整改，并将整改情况书面报送{office}，经核查合格后予以摘牌。",
            "整改不力的，将依法依规追究相关人员责任。",
        ]
    return {"doc_title": title, "addressee": target, "opening": opening, "reason": reason, "demands": demands}
