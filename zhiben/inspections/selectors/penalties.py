"""Reads of the penalties register (行政处罚), each starting from ``penalties_visible`` (``selectors/__init__``):
an officer sees the penalties of their region subtree and sectors (a unit's officer: the unit's own and those of
the sectors it leads), an enterprise user its own enterprise's, an admin all."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from zhiben.common.errors import FieldErrors
from zhiben.common.validators import clean_choice, clean_credit_code

from ..models import PaymentStatus, Penalty
from . import penalties_visible
from .pools import day_param, int_param, region_param

RELATED = ("enterprise", "region", "sector", "department", "inspection", "hazard")


def penalty_list(
    *,
    actor: Any,
    region: str | None = None,
    department: int | None = None,
    enterprise: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    payment: str | None = None,
    tip: int | None = None,
    inspection: int | None = None,
) -> QuerySet[Penalty]:
    """The penalties ``actor`` may see: by region subtree (a code), unit, enterprise (credit code), decision day
    from ``since`` to ``until`` (Beijing days, both included), payment state, tip and inspection; the latest
    decision first."""
    qs = penalties_visible(actor).select_related(*RELATED)
    if region:
        qs = qs.filter(region__code__startswith=region)
    if department is not None:
        qs = qs.filter(department_id=department)
    if enterprise:
        qs = qs.filter(enterprise__credit_code=enterprise)
    if since is not None:
        qs = qs.filter(decided_on__gte=since)
    if until is not None:
        qs = qs.filter(decided_on__lte=until)
    if payment:
        qs = qs.filter(payment=payment)
    if tip is not None:
        qs = qs.filter(tip_id=tip)
    if inspection is not None:
        qs = qs.filter(inspection_id=inspection)
    return qs.order_by("-decided_on", "-id")


def penalty_get(*, actor: Any, penalty_id: int) -> Penalty | None:
    """The penalty if ``actor`` may see it, else None (the caller answers 404 for both)."""
    return penalties_visible(actor).select_related(*RELATED, "created_by").filter(pk=penalty_id).first()


def penalty_filters(
    region: str, department: str, enterprise: str, since: str, until: str, payment: str
) -> dict[str, Any]:
    """The list's, the pages' and the exports' query parameters, read once: ``{region, department, enterprise,
    since, until, payment}`` for :func:`penalty_list`; FieldErrors naming the bad one (``from``, ``to`` …)."""
    code = ""
    if enterprise.strip():
        try:
            code = clean_credit_code(enterprise)
        except ValueError as exc:
            raise FieldErrors({"enterprise": str(exc)}) from None
    state = ""
    if payment.strip():
        try:
            state = clean_choice(payment, label="缴纳情况", choices=PaymentStatus.choices, allow_blank=False)
        except ValueError as exc:
            raise FieldErrors({"payment": str(exc)}) from None
    first, last = day_param("from", since, "起始日期"), day_param("to", until, "截止日期")
    if first and last and first > last:
        raise FieldErrors({"to": "截止日期不能早于起始日期"})
    return {
        "region": region_param(region),
        "department": int_param("department", department),
        "enterprise": code or None,
        "since": first,
        "until": last,
        "payment": state or None,
    }
