"""The 400, 404 and CSRF-failure handlers and the health check (the home page is the web layer's:
zhiben/web/views.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the caller's language: JSON under /api/, the Chinese page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到"}, status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 in the caller's language (a body Django could not parse, too many fields): JSON under /api/,
    the Chinese page elsewhere."""
    message = "请求无法解析：表单或上传的文件不完整，请返回重新提交"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": {"body": message}}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _back(request: HttpRequest) -> str:
    """Where the refused form can be opened again (a GET): the page it was sent from when that page is
    ours, else the address it was sent to (every POST address of ours answers a GET with its page)."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form whose security token is missing or stale (a tab restored after the browser
    closed, a login in another tab). Nothing is replayed — the request may be forged; the page explains in
    Chinese and links back to the form, where forms.js puts back what was typed and chosen, under a fresh
    token. 403, JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "安全校验失败（CSRF）：请刷新页面后重试，或使用 API 令牌"}, status=403)
    return render(request, "csrf_failure.html", {"back": _back(request)}, status=403)


def post_or_back(to: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For an address that only takes a form (POST): a GET is sent to the page ``to`` (its URL name, given
    the view's keyword arguments it takes) instead of a blank 405 — as after a login that brings an
    officer back to the address their lapsed session had posted to."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            target = reverse(to, kwargs={k: v for k, v in kwargs.items() if k != "action"})
            return HttpResponseRedirect(target)

        return wrapped

    return decorator
