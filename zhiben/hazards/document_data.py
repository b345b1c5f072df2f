"""The data of the hazard's documents (declared in register.py, filled by the documents engine).

- 挂牌督办通知书 (``listing_notice``): to the enterprise, from the committee office (安委办) of the
  region at the listing level — the hazard's county, city or province (FACTS §1: listing by level,
  decided by the committee office); its requirements are the 五落实 of 16号令 (FACTS §1).
- 销号审批表 (``closeout_form``): the hazard's course from discovery to close-out, for the county's
  emergency management bureau (应急管理局) to sign.

An issuer is ``("<region code>:<abbreviation>", "<unit's name>")``: the documents engine opens the
文号 with the region's short name and the abbreviation (秀山安委办督〔2026〕3号).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from zhiben.audit.selectors import events_of
from zhiben.regions.codes import Level as RegionLevel
from zhiben.regions.models import Region
from zhiben.regions.selectors import region_ancestors

from .models import Hazard, Status, SupervisionLevel

# A municipality's or a province's nominal prefecture level (GB/T 2260, e.g. 5001 市辖区): no city office of its own.
_NO_CITY = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


def _at_level(hazard: Hazard, level: str) -> Region:
    """The region whose committee office supervises at ``level`` (county, city, province)."""
    chain = region_ancestors(hazard.region_id)  # root first: province, prefecture, county, township
    by_level = {r.level: r for r in chain}
    county = next((r for r in reversed(chain) if r.level == RegionLevel.COUNTY or r.acts_as_county), hazard.region)
    if level == SupervisionLevel.COUNTY:
        return county
    city = by_level.get(RegionLevel.PREFECTURE)
    if level == SupervisionLevel.CITY and city is not None and city.name not in _NO_CITY:
        return city
    return by_level.get(RegionLevel.PROVINCE, county)


def _county(hazard: Hazard) -> Region:
    return _at_level(hazard, SupervisionLevel.COUNTY)


def is_listed(hazard: Hazard) -> bool:
    """A notice exists for a listed hazard (挂牌督办 level set)."""
    return bool(hazard.supervision_level)


def is_closed(hazard: Hazard) -> bool:
    return hazard.status == Status.CLOSED


def listing_issuer(hazard: Hazard) -> tuple[str, str]:
    region = _at_level(hazard, hazard.supervision_level)
    return f"{region.code}:安委办", f"{region.name}安全生产委员会办公室"


def closeout_issuer(hazard: Hazard) -> tuple[str, str]:
    county = _county(hazard)
    return f"{county.code}:应急", f"{county.name}应急管理局"


def _criterion(hazard: Hazard) -> str:
    c = hazard.criterion
    if c is None:
        return "—"
    # A topic-only entry (AQ 3067-2026) says so: a notice must not present the topic as the clause's text.
    label = "" if c.text_available else f"（{c.label}）"
    return f"《{c.standard.title}》（{c.standard.number}）{c.article}：{c.text}{label}"


def _sentence(text: str) -> str:
    """``text`` ending as a sentence (a plan's measures are often typed without the final 。)."""
    text = text.strip()
    return text if not text or text.endswith(("。", "！", "？", "；", ".", "）")) else text + "。"


def _money(amount: Decimal | None) -> str:
    return f"{amount:,.2f} 元" if amount is not None else ""


def _base(hazard: Hazard) -> dict[str, Any]:
    return {
        "enterprise": hazard.enterprise.name,
        "credit_code": hazard.enterprise.credit_code,
        "region": "".join((hazard.region.full_name or hazard.region.name).split()),
        "sector": hazard.sector.name,
        "title": hazard.title,
        "location": hazard.location or "—",
        "description": hazard.description,
        "discovered_on": hazard.discovered_on,
        "criterion": _criterion(hazard),
    }


def listing_notice(hazard: Hazard, actor: Any) -> dict[str, Any]:
    """The notice's data: the hazard, the listing and the 五落实 as filed, or what must be filed."""
    funds = _money(hazard.funds)
    return {
        **_base(hazard),
        "level_label": hazard.get_supervision_level_display(),
        "listed_on": hazard.listed_on or "—",
        "supervision_deadline": hazard.supervision_deadline or hazard.deadline or "—",
        "responsibility": (
            f"整改责任人为{hazard.responsible_person}"
            if hazard.responsible_person
            else "应当立即明确整改责任人，层层落实整改责任"
        ),
        "measures": _sentence(hazard.measures)
        or "应当立即制定隐患治理方案，明确治理的目标和任务、方法和措施、经费和物资、机构和人员、时限和要求。",
        "funds": f"整改资金{funds}，应当足额保障、专款专用。" if funds else "应当保障整改所需资金足额到位。",
        "time_limit": (
            f"整改期限至{hazard.deadline.year}年{hazard.deadline.month}月{hazard.deadline.day}日，不得超过督办期限。"
            if hazard.deadline
            else "应当在督办期限内完成整改。"
        ),
        "contingency": _sentence(hazard.interim_measures),
    }


def closeout_form(hazard: Hazard, actor: Any) -> dict[str, Any]:
    """The form's data: the hazard, the plan, the last application (摘要, 佐证材料) and the decision."""
    submitted = approved = closed = None
    reviewed_on: Any
    for event in events_of(subject_type="hazard", subject_id=str(hazard.pk)):
        if event.kind == "submitted":
            submitted = event
        elif event.kind in ("approved", "closed_on_reinspection"):
            approved = event
        elif event.kind == "closed":
            closed = event
    if approved is not None and approved.kind == "closed_on_reinspection":  # the officer's verdict on site
        decision = "复查合格，同意销号。" + str(approved.payload.get("verdict") or "")
        on = str(approved.payload.get("on") or "")
        reviewer, reviewed_on = approved.actor_name, datetime.date.fromisoformat(on) if on else approved.at
    elif approved is not None:
        comment = str(approved.payload.get("comment") or "")
        decision = "同意销号。" + comment
        reviewer, reviewed_on = approved.actor_name, approved.at
    else:  # a general hazard the enterprise closed itself (16号令 第三条: removed at once)
        decision = "一般隐患，企业自行整改销号。"
        reviewer, reviewed_on = "—", closed.at if closed is not None else hazard.closed_on
    return {
        **_base(hazard),
        "form_title": "重大事故隐患整改销号审批表" if hazard.level == "major" else "一般事故隐患整改销号审批表",
        "level": hazard.get_level_display(),
        "listing": hazard.get_supervision_level_display() if hazard.supervision_level else "未挂牌",
        "deadline": hazard.deadline or "—",
        "responsible": hazard.responsible_person or "—",
        "measures": hazard.measures or "—",
        "funds": _money(hazard.funds) or "—",
        "contingency": hazard.interim_measures or "—",
        "summary": str(submitted.payload.get("summary") or "") if submitted else "—",
        "evidence_count": len(submitted.payload.get("attachments") or []) if submitted else 0,
        "submitted_by": submitted.actor_name if submitted else "—",
        "submitted_on": submitted.at if submitted else "—",
        "decision": decision,
        "reviewer": reviewer,
        "reviewed_on": reviewed_on or "—",
        "closed_on": hazard.closed_on or "—",
    }
