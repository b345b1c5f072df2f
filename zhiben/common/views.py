"""Home page and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from zhiben.accounts.models import User
from zhiben.enterprises.selectors import enterprise_list
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
    from zhiben.hazards import rules
    from zhiben.hazards.selectors import hazard_list

    hazards = hazard_list(actor=actor).order_by()
    hazard_totals = hazards.aggregate(
        open_major=Count("id", filter=rules.q_active() & Q(level="major")),
        overdue=Count("id", filter=rules.q_overdue()),
        pending=Count("id", filter=Q(status="pending_review")),
        listed=Count("id", filter=rules.q_active() & ~Q(supervision_level="")),
    )
    return render(request, "common/home.html", {"totals": totals, "sectors": sectors, "hazards": hazard_totals})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the caller's language: JSON under /api/, the Chinese page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到"}, status=404)
    return render(request, "404.html", status=404)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
