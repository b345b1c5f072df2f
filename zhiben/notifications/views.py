from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
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


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Open one of one's notifications: it is marked read and the browser goes to its link (this site's
    paths only), or back to the list. Another user's notification is missing (404)."""
    actor = request_actor(request)
    note = notifications_for(actor=actor).filter(pk=notification_id).first() if notification_id < 2**63 else None
    if note is None:
        raise Http404("通知不存在")
    notifications_mark_read(actor=actor, ids=[note.pk])
    link = note.link if note.link.startswith("/") and not note.link.startswith("//") else ""
    return redirect(link or "notification-list")
