"""The home page (the signed-in user's scope and the registers' figures within it), the to-do page (待办)
and where a sign-in lands: the to-do page for everyone who works items (officers, tip handlers,
enterprise users), the home page for the committee office's admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import Role, User
from zhiben.accounts.request import request_actor
from zhiben.common import dates, kit
from zhiben.enterprises.selectors import enterprise_list
from zhiben.notifications.todo import todo_for
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


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Where a sign-in lands (``LOGIN_REDIRECT_URL``): admins on the home page, everyone else on their to-do."""
    return redirect("home" if request_actor(request).role == Role.ADMIN else "todo")


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """The to-do page (待办): what waits on the signed-in user, one section per kind, nearest due day first
    (the first 50 of each; the count says how many wait)."""
    day = dates.today()
    found = todo_for(request_actor(request), limit=50, today=day)
    groups = [g for g in found.groups if g.count]
    return render(request, "web/todo.html", {"todo": found, "groups": groups, "today": day})
