"""The answer to a locked-out sign-in (django-axes' ``AXES_LOCKOUT_CALLABLE``): JSON for the API, the page
otherwise, both 429 and in Chinese."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = "登录失败次数过多，账号已被暂时锁定，请稍后再试"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """What django-axes answers when a sign-in locks the account out (the attempt that reaches the limit,
    and every later one it sees): the API's usual ``{"detail": …}`` under /api/, else the locked-out page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=429, json_dumps_params={"ensure_ascii": False})
    return render(request, "accounts/locked_out.html", status=429)
