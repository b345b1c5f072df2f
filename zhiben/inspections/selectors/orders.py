"""The reads of the orders area (责令限期整改 · 现场处理措施 · 复查): every one starts from ``orders_visible`` or
``inspections_visible`` (selectors/__init__.py), so an order outside the actor's scope is never found (404).

- ``order_get`` / ``order_list``: one order, the unit's orders (``status``, ``kind``, ``overdue``: a re-inspection
  still open past its due day);
- ``inspection_orders``: an inspection's orders with their findings and re-inspections (the detail page's block);
- ``orders_awaiting_reinspection`` (the unit's 待复查), ``orders_to_fulfil`` (the enterprise's orders),
  ``penalties_to_propose`` (复查不合格，拟作出行政处罚): the to-do sources;
- ``team_refusal``: why an inspection's team may not issue enforcement documents (rules.issue_refusal, and a
  unit that issues them), or None.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery

from zhiben.accounts.models import Role
from zhiben.audit.selectors import events_of
from zhiben.common import dates, kit
from zhiben.hazards.models import ACTIVE_STATUSES, Hazard
from zhiben.hazards.models import Status as HazardStatus

from ..models import Inspection, Order, OrderKind, OrderStatus, Penalty, Reinspection
from ..rules import issue_refusal
from . import inspections_visible, orders_visible

LIST_ROWS = 200
# Who issues orders and re-inspects: law-enforcement officers (and admins). A tip handler verifies tips; an
# enterprise user answers orders through its hazards.
ISSUERS = frozenset({Role.ADMIN, Role.OFFICER})


def team_refusal(inspection: Inspection) -> str | None:
    """Why ``inspection`` may not issue enforcement documents (orders, records, decisions), or None: fewer than
    two law-enforcement officers with certificates on its team (行政处罚法 第四十二条, ``rules.issue_refusal``),
    or no enforcement unit recorded (a document is issued and numbered by its unit)."""
    refusal = issue_refusal(list(inspection.team.all()))
    if refusal:
        return refusal
    if inspection.department_id is None:
        return "检查未登记执法单位，不能出具执法文书"
    return None


def _with_parts(qs: QuerySet[Order]) -> QuerySet[Order]:
    hazards = Hazard.objects.only("id", "title", "level", "status", "deadline", "discovered_on").order_by("id")
    return qs.select_related("inspection__enterprise", "inspection__department").prefetch_related(
        Prefetch("hazards", queryset=hazards), Prefetch("reinspections", queryset=Reinspection.objects.order_by("on"))
    )


def order_get(*, actor: Any, order_id: int) -> Order | None:
    """The order if ``actor`` may see it (with its inspection, findings and re-inspections), else None."""
    return _with_parts(orders_visible(actor)).filter(pk=order_id).first()


def order_list(
    *,
    actor: Any,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Order]:
    """The orders ``actor`` may see, nearest re-inspection first (those without one — measures orders, closed
    orders — after them, newest first). ``overdue``: open rectification orders whose re-inspection is late
    (``reinspection_due`` before ``today``, Beijing), or (False) those that are not."""
    qs = orders_visible(actor).select_related("inspection__enterprise")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue is not None:
        late = {"status": OrderStatus.OPEN, "reinspection_due__lt": today or dates.today()}
        qs = qs.filter(**late) if overdue else qs.exclude(**late)
    return qs.order_by(F("reinspection_due").asc(nulls_last=True), "-issued_on", "-id")


def inspection_orders(*, actor: Any, inspection: Inspection) -> list[Order]:
    """The orders of ``inspection`` (which the caller has fetched through ``inspections_visible``), oldest
    first, each with its findings and re-inspections."""
    return list(_with_parts(orders_visible(actor)).filter(inspection=inspection).order_by("issued_on", "id"))


def inspection_for_orders(*, actor: Any, inspection_id: int) -> Inspection | None:
    """The inspection an order is issued at, if ``actor`` may see it, with its team and findings."""
    return (
        inspections_visible(actor)
        .select_related("enterprise", "department", "region", "sector")
        .prefetch_related("team")
        .filter(pk=inspection_id)
        .first()
    )


def findings_of(inspection: Inspection) -> list[Hazard]:
    """The hazards ``inspection`` found (its findings), in the order they were recorded."""
    return list(Hazard.objects.filter(finding__inspection=inspection).order_by("finding__id"))


def orders_awaiting_reinspection(*, actor: Any) -> QuerySet[Order]:
    """Open rectification orders the unit must re-inspect (待复查), by their due day."""
    return (
        orders_visible(actor)
        .filter(kind=OrderKind.RECTIFY, status=OrderStatus.OPEN)
        .select_related("inspection__enterprise")
    )


def orders_to_fulfil(*, actor: Any) -> QuerySet[Order]:
    """Open orders at ``actor``'s enterprise (an enterprise user sees only its own): what it must rectify by the
    deadline, and the on-site measures still in force."""
    return orders_visible(actor).filter(status=OrderStatus.OPEN).select_related("inspection__enterprise")


def penalties_to_propose(*, actor: Any) -> QuerySet[Order]:
    """Rectification orders that failed their re-inspection and have no penalty decided at their inspection since
    (复查不合格，拟作出行政处罚): ``failed_on`` is the re-inspection day."""
    failed_on = Reinspection.objects.filter(order=OuterRef("pk"), passed=False).order_by("-on").values("on")[:1]
    decided = Penalty.objects.filter(inspection=OuterRef("inspection_id"), decided_on__gte=OuterRef("failed_on"))
    return (
        orders_visible(actor)
        .filter(kind=OrderKind.RECTIFY, status=OrderStatus.FAILED)
        .annotate(failed_on=Subquery(failed_on))
        .filter(~Exists(decided))
        .select_related("inspection__enterprise")
    )


def issued_numbers(inspection: Inspection) -> dict[str, str]:
    """``{document kind: 文号}`` of the documents issued for ``inspection`` (their ``document_issued`` events on
    its chain; the documents engine writes them), the first of each kind."""
    found: dict[str, str] = {}
    for event in events_of(subject_type="inspection", subject_id=str(inspection.pk)).filter(kind="document_issued"):
        payload = event.payload if isinstance(event.payload, dict) else {}
        found.setdefault(str(payload.get("kind") or ""), str(payload.get("number") or ""))
    return found


def issued_number(inspection: Inspection, kind: str) -> str:
    """The 文号 document ``kind`` of ``inspection`` was issued under, or ""."""
    return issued_numbers(inspection).get(kind, "")


def order_block(*, actor: Any, inspection: Inspection) -> dict[str, Any]:
    """What the orders block of an inspection's page shows ``actor`` (the inspection fetched in scope):

    ``orders`` (each with its findings and re-inspections, ``overdue`` when its re-inspection is late),
    ``refusal`` (why the team cannot issue, or None), ``can_issue`` (an officer), ``open_kinds`` (the kinds not
    yet issued), ``open_findings`` (findings still to rectify, for the forms), ``documents`` (each declared
    document: ``kind``, ``label``, ``url``, ``number`` once issued, ``reason`` it cannot be had now — for an
    enterprise user a document not issued yet is not theirs to have), ``today``."""
    today = dates.today()
    orders = inspection_orders(actor=actor, inspection=inspection)
    for order in orders:
        order.overdue = order.status == OrderStatus.OPEN and dates.is_past(order.reinspection_due, on=today)  # type: ignore[attr-defined]
    refusal = team_refusal(inspection)
    numbers = issued_numbers(inspection)
    enterprise = getattr(actor, "role", None) == Role.ENTERPRISE
    documents = []
    for spec in kit.get("inspection").documents:
        reason = spec.refusal(inspection) if spec.refusal is not None else None
        if reason is None and not spec.available(inspection):
            reason = f"暂不能出具《{spec.label}》"
        number = numbers.get(spec.kind, "")
        if enterprise and not number and reason is None:
            reason = "尚未由监管部门出具"
        documents.append(
            {
                "kind": spec.kind,
                "label": spec.label,
                "number": number,
                "reason": reason,
                "url": f"/documents/{kit.get('inspection').path}/{inspection.pk}/{spec.kind}/",
            }
        )
    issued = {o.kind for o in orders}
    findings = findings_of(inspection)
    return {
        "inspection": inspection,
        "orders": orders,
        "refusal": refusal,
        "can_issue": getattr(actor, "role", None) in ISSUERS,
        "open_kinds": [k for k in OrderKind.values if k not in issued],
        "open_findings": [h for h in findings if h.status in (HazardStatus.OPEN, HazardStatus.RECTIFYING)],
        "active_findings": [h for h in findings if h.status in ACTIVE_STATUSES],
        "documents": documents,
        "today": today,
    }
