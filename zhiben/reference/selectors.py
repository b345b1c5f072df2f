"""Reads of sectors and the criteria catalogue, by sector and by date (FACTS §2: a clause applies to a hazard
by its sector and by the hazard's ``discovered_on``)."""

from __future__ import annotations

import datetime
from typing import TypedDict

from django.db.models import Q, QuerySet

from .models import CriteriaStandard, Criterion, Kind, Sector


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.all()


def standard_list() -> QuerySet[CriteriaStandard]:
    """Every edition, national and local, with the one it replaces, by key."""
    return CriteriaStandard.objects.select_related("supersedes").order_by("local", "key")


def _in_force(on: datetime.date) -> Q:
    """Clauses in force on ``on`` (inclusive bounds): the clause's own dates where it has them, else its
    standard's; a null bound is open."""
    start = (
        Q(own_effective_from__lte=on)
        | Q(own_effective_from__isnull=True, standard__effective_from__lte=on)
        | Q(own_effective_from__isnull=True, standard__effective_from__isnull=True)
    )
    end = (
        Q(own_effective_to__gte=on)
        | Q(own_effective_to__isnull=True, standard__effective_to__gte=on)
        | Q(own_effective_to__isnull=True, standard__effective_to__isnull=True)
    )
    return start & end


def criteria_for(
    *,
    sector: str | None = None,
    q: str | None = None,
    standard: str | None = None,
    on: datetime.date | None = None,
) -> QuerySet[Criterion]:
    """Clauses that a hazard of ``sector`` may cite: the sector's own and the all-sector ones (fire), not
    withdrawn; with ``on`` (a Beijing date), only those in force that day. Composite fire elements are
    listed too (the determination counts them); ``citable_criteria`` leaves them out."""
    qs = Criterion.objects.filter(withdrawn=False).select_related("standard")
    if sector:
        qs = qs.filter(Q(sectors__key=sector) | Q(all_sectors=True)).distinct()
    if standard:
        qs = qs.filter(standard_id=standard)
    if on is not None:
        qs = qs.filter(_in_force(on))
    if q:
        term = q.strip()
        qs = qs.filter(Q(text__icontains=term) | Q(code__istartswith=term) | Q(article__icontains=term))
    # A sector's own standards first, then the clauses that apply to every sector (e.g. fire).
    return qs.prefetch_related("sectors").order_by("all_sectors", "standard_id", "position")


def criteria_in_force(sector: str, on: datetime.date) -> QuerySet[Criterion]:
    """The clauses a hazard of ``sector`` found on ``on`` may cite by themselves: in force that day, for
    that sector or every sector, not withdrawn, not a composite fire element (GB 35181: never a major
    hazard alone). Local criteria an admin entered are included like national ones."""
    return criteria_for(sector=sector, on=on).exclude(kind=Kind.COMPOSITE)


def composite_elements(determination: Criterion, on: datetime.date) -> QuerySet[Criterion]:
    """The composite elements a determination counts: those of its standard in force on ``on``."""
    return criteria_for(standard=determination.standard_id, on=on).filter(kind=Kind.COMPOSITE)


class Coverage(TypedDict):
    national: bool
    local: bool
    fire: bool
    notices: list[str]


def coverage(sector: str, on: datetime.date) -> Coverage:
    """What a hazard of ``sector`` found on ``on`` may cite: ``{"national", "local", "fire": bool,
    "notices": [Chinese sentences]}``. A sector without a national list of its own is told so (an admin
    enters local criteria) - a fire clause is never a stand-in for a sector's own list - and so is a day
    when no national fire clause is in force (GB 35181-2017 ended 2025-10-31; the 2025 text is not in the
    catalogue)."""
    rows = criteria_in_force(sector, on)
    national = rows.filter(all_sectors=False, standard__local=False).exists()
    local = rows.filter(standard__local=True).exists()
    fire = rows.filter(all_sectors=True, standard__local=False).exists()
    notices = []
    if not national:
        notices.append(
            f"{on.isoformat()} 该行业领域没有现行的国家重大事故隐患判定标准（本系统未收录），"
            "重大隐患请引用管理员录入的地方判定标准；消防条款不能代替行业判定标准。"
        )
    if not local and not national:
        notices.append("尚未录入本行业领域的地方判定标准，请联系管理员在“系统管理 → 判定标准”中录入（须注明来源）。")
    if not fire:
        notices.append(
            f"{on.isoformat()} 没有收录现行的国家重大火灾隐患判定条款（GB 35181-2017 施行期间为 2018-07-01 至"
            " 2025-10-31，GB 35181-2025 的条文尚未收录）；重大火灾隐患请引用管理员录入的判定依据。"
        )
    return {"national": national, "local": local, "fire": fire, "notices": notices}


def criterion_lookup(code: str) -> Criterion | None:
    """Clause ``code`` with what ``refusal`` reads (its sectors, its standard and the editions replacing it)."""
    return (
        Criterion.objects.select_related("standard")
        .prefetch_related("sectors", "standard__superseded_by")
        .filter(code=code)
        .first()
    )


def refusal(c: Criterion | None, code: str, sector: str, on: datetime.date) -> str | None:
    """Why clause ``c`` (looked up as ``code``; None: not found) may not be cited by itself by a hazard of
    ``sector`` found on ``on`` - a Chinese sentence naming the clause and the dates - or None when it may.
    FACTS §2: a clause applies by sector and by the discovery date (bounds inclusive); GB 35181: a composite
    element is never a major fire hazard by itself."""
    if c is None:
        return f"判定依据 {code} 不存在"
    if not (c.all_sectors or any(s.key == sector for s in c.sectors.all())):
        return f"判定依据 {code} 不适用于该企业的行业领域"
    if c.withdrawn:
        return f"判定依据 {code} 已撤销，不能引用"
    if c.kind == Kind.COMPOSITE:
        return f"判定依据 {code} 是综合判定要素，不能单独判定为重大火灾隐患：请引用综合判定条款并列出要素和场所类别"
    start, end = c.effective_from, c.effective_to
    if start is not None and on < start:
        return f"判定依据 {code} 自 {start.isoformat()} 起施行，隐患发现日期 {on.isoformat()} 尚未施行"
    if end is not None and on > end:
        after = end + datetime.timedelta(days=1)
        successors = sorted(c.standard.superseded_by.all(), key=lambda s: s.effective_from or datetime.date.min)
        by = f"（被 {successors[0].number} 取代）" if successors else ""
        return f"判定依据 {code} 自 {after.isoformat()} 起已废止{by}，隐患发现日期 {on.isoformat()}"
    return None


def criterion_refusal(code: str, sector: str, on: datetime.date) -> str | None:
    """``refusal`` for clause ``code`` looked up in the catalogue."""
    return refusal(criterion_lookup(code), code, sector, on)


def criterion_applies(*, code: str, sector: str, on: datetime.date | None = None) -> bool:
    """Whether clause ``code`` may be cited by a hazard of ``sector`` (found on ``on``, when given)."""
    if on is None:
        return criteria_for(sector=sector).exclude(kind=Kind.COMPOSITE).filter(code=code).exists()
    return criterion_refusal(code, sector, on) is None
