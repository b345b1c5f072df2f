"""The home page: the signed-in user's scope and the registers' figures within it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhiben.accounts.models import User
from zhiben.common import kit
from zhiben.enterprises.selectors import enterprise_list
from zhiben.reference.models import Sector


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's starting page: scope, each register's tiles (as the registers declare them,
    zhiben/common/kit.py) and the enterprises by sector."""
    actor = request.user
    assert isinstance(actor, User)
    by_sector = {
        row["sector_id"]: row["n"]
        for row in enterprise_list(actor=actor).order_by().values("sector_id").annotate(n=Count("id"))
    }
    names = dict(Sector.objects.values_list("key", "name"))
    sectors = sorted(
        ({"key": k, "name": names.get(k, k), "count": n} for k, n in by_sector.items()),
        key=lambda row: -int(row["count"]),
    )
    return render(request, "web/home.html", {"groups": kit.tile_groups(actor), "sectors": sectors})
