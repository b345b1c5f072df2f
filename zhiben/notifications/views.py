from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.request import request_actor
from zhiben.common.views import post_or_back

from .selectors import notifications_for
from .services import notifications_mark_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(actor=request_actor(request)), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "query": ""})


@login_required
@post_or_back("notification-list")
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(actor=request_actor(request))
    return redirect("notification-list")
