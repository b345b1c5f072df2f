"""The 400 and 404 handlers and the health check (the home page is the web layer's: zhiben/web/views.py)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


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
