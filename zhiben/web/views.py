"""The home page: the signed-in user's scope and the registers' figures within it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhiben.accounts.models import User
from zhiben.enterprises.selectors import enterprise_list
from zhiben.hazards import rules
from zhiben.hazards.selectors import hazard_list
from zhiben.reference.models import Sector


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's starting page: scope, and the register figures within it."""
    actor = request.user
    assert isinstance(actor, User)
    qs = enterprise_list(actor=actor).order_by()
    totals = qs.aggregate(
        n_total=Count("id"),
        n_high_risk=Count("id", filter=Q(high_risk=True)),
        n_red=Count("id", filter=Q(risk_level="red")),
        n_suspended=Count("id", filter=Q(status="suspended")),
        n_uninsured_high_risk=Count("id", filter=Q(high_risk=True, insured=False)),
    )
    by_sector = {row["sector_id"]: row["n"] for row in qs.values("sector_id").annotate(n=Count("id"))}
    names = dict(Sector.objects.values_list("key", "name"))
    sectors = sorted(
        ({"key": k, "name": names.get(k, k), "count": n} for k, n in by_sector.items()),
        key=lambda row: -int(row["count"]),
    )
    hazards = hazard_list(actor=actor).order_by()
    hazard_totals = hazards.aggregate(
        open_major=Count("id", filter=rules.q_active() & Q(level="major")),
        overdue=Count("id", filter=rules.q_overdue()),
        pending=Count("id", filter=Q(status="pending_review")),
        listed=Count("id", filter=rules.q_active() & ~Q(supervision_level="")),
    )
    return render(request, "web/home.html", {"totals": totals, "sectors": sectors, "hazards": hazard_totals})
