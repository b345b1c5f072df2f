"""Headers Django does not set by itself, the drafts a form's success lets go, the list queries back links keep,
and the screening of every request before its view."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve

from .inputs import Input, json_content

# No inline scripts on our pages, and nothing from other origins: intranets have no CDN anyway.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs and the admin bring their own scripts; our pages need no inline script.
        if not request.path.startswith(("/api/v1/docs", "/admin/")):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        return response


DRAFT_FIELD = "_draft"
DRAFT_COOKIE = "zb_draft_saved"


def form_saved(response: HttpResponse) -> HttpResponse:
    """Mark a page answering a form as its success (most forms answer success with a redirect, which
    needs no mark): forms.js then forgets the form's draft."""
    response.headers["X-Form-Saved"] = "1"
    return response


def _succeeded(request: HttpRequest, response: HttpResponse) -> bool:
    """A form answered with success: a redirect elsewhere than the login page, or a page marked by
    :func:`form_saved` (a page may as well be the form again with its errors)."""
    if 200 <= response.status_code < 300:
        return response.headers.get("X-Form-Saved") == "1"
    if 300 <= response.status_code < 400:
        return not urlsplit(response.get("Location", "")).path.startswith(resolve_url(settings.LOGIN_URL))
    return False


class DraftSavedMiddleware:
    """Tells forms.js which draft to forget. A page form sent by forms.js carries ``_draft`` (the key its
    draft is kept under in the browser); when the server answers it with success, the cookie
    ``zb_draft_saved`` names that key, and the next page the browser loads deletes the draft. Anything
    else (errors, an expired CSRF token, a lapsed login) leaves the draft for the form's next showing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method != "POST" or request.path.startswith("/api/") or not _succeeded(request, response):
            return response
        try:
            key = request.POST.get(DRAFT_FIELD, "")
        except (MultiPartParserError, RequestDataTooBig, UnreadablePostError, OSError, ValueError):
            return response  # a body the view could not read either; its answer stands
        key = "".join(ch for ch in key if ch.isprintable() and ch not in ";,")[:300]
        if key:
            response.set_cookie(
                DRAFT_COOKIE,
                quote(key, safe=""),
                max_age=300,
                samesite="Lax",
                secure=settings.CSRF_COOKIE_SECURE,
            )
        return response


# The list pages whose filters a detail page's back link keeps (url names).
LIST_PAGES = frozenset({"hazard-list", "enterprise-list", "tip-queue", "accident-list", "import-list"})
SESSION_KEY = "zhiben:list-query"


class ListMemoryMiddleware:
    """Remembers, per list page, the query of the last time the user looked at it (filters, page), so that a
    detail page's back link (``{% back_to "hazard-list" %}``, zhiben/common/templatetags/lists.py) returns
    to the same results — after the detail page's own forms and redirects too. Kept in the session; the
    session is written only when the query changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        name = match.url_name if match is not None else None
        if (
            name in LIST_PAGES
            and request.method == "GET"
            and response.status_code == 200
            and "format" not in request.GET
            and hasattr(request, "session")
        ):
            query = request.GET.urlencode()[:1000]
            kept = request.session.get(SESSION_KEY, {})
            if kept.get(name) != query:
                request.session[SESSION_KEY] = {**kept, name: query}
        return response


# ------------------------------------------------------------------------------------------------------
# Screening of every request before any view sees it: what no database can store (NUL, lone surrogates)
# and bodies no parser can read are answered here, once, naming the field or the problem, so that no
# endpoint or page can turn them into a 500 (PostgreSQL refuses NUL in text; a multipart body without its
# boundary makes Django's parser raise).

NUL = "含有无法保存的控制字符（NUL）"
UNREADABLE = "含有无法识别的字符"


def unsavable(text: str) -> str | None:
    """Why ``text`` cannot be stored (a Chinese clause to follow a field's name), or None."""
    if "\x00" in text:
        return NUL
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, as JSON's "\ud800" decodes
            return UNREADABLE
    return None


def _json_problem(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        why = unsavable(value)
        return (path or "body", why) if why else None
    items: Iterable[tuple[str, Any]]
    if isinstance(value, dict):
        for key in value:
            why = unsavable(str(key))
            if why:
                return (f"{path}.{key}" if path else str(key)).replace("\x00", "\\u0000"), f"字段名{why}"
        items = ((str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return None
    for key, item in items:
        found = _json_problem(item, f"{path}.{key}" if path else key)
        if found:
            return found
    return None


# (method, route as in the OpenAPI document) → {field: its Chinese label}; zhiben/api.py supplies it, so that a
# refusal here names a field as the endpoint's own input would ("隐患名称含有…").
FieldLabels = Callable[[str, str], Mapping[str, str]]
_field_labels: list[FieldLabels] = []


def use_field_labels(source: FieldLabels) -> None:
    """Name refused API fields with the labels ``source`` gives for a method and route template."""
    _field_labels[:] = [source]


def _label(request: HttpRequest, field: str) -> str:
    if not _field_labels or not request.path.startswith("/api/"):
        return ""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return ""
    template = "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", match.route)
    return _field_labels[0](str(request.method), template).get(field, "")


class Refusal(Exception):
    """A request refused before its view: HTTP ``status``, the ``field`` (or ``body``) and a Chinese message."""

    def __init__(self, status: int, where: str, field: str, message: str, kind: str) -> None:
        super().__init__(message)
        self.status, self.where, self.field, self.message, self.kind = status, where, field, message, kind


def _printable(name: str) -> str:
    return name.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def _screen_pairs(pairs: Iterable[tuple[str, list[Any]]], where: str) -> None:
    for key, values in pairs:
        why = unsavable(key)
        if why:
            raise Refusal(422, where, _printable(key), f"参数名{why}", "string_unsavable")
        for value in values:
            text = value if isinstance(value, str) else getattr(value, "name", "") or ""
            why = unsavable(text)
            if why:
                what = "文件名" if not isinstance(value, str) else ""
                raise Refusal(422, where, key, f"{what}{why}", "string_unsavable")


def max_request_bytes() -> int:
    return int(settings.ZHIBEN.get("REQUEST_MAX_BYTES", 200 * 1024 * 1024))


def _screen_body(request: HttpRequest) -> None:
    raw_length = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw_length)
    except ValueError:
        length = -1
    if length < 0:
        raise Refusal(400, "header", "Content-Length", "Content-Length 不是有效的字节数", "content_length")
    if length > max_request_bytes():
        limit = max_request_bytes() // (1024 * 1024)
        raise Refusal(413, "body", "body", f"请求体过大：不能超过 {limit} MB", "body_too_large")
    content_type = request.content_type or ""
    try:
        if content_type.startswith("multipart/"):
            if content_type != "multipart/form-data":
                raise Refusal(415, "body", "body", "multipart 请求体应为 multipart/form-data", "content_type")
            if not (request.content_params or {}).get("boundary"):  # whatever the method: nothing can split the body
                raise Refusal(400, "body", "body", "multipart 请求体无法解析（缺少或无效的 boundary）", "multipart")
            if request.method == "POST":
                boundary = (request.content_params or {}).get("boundary", "")
                tail = _Tail.watch(request, boundary)
                form, files = request.POST, request.FILES  # parsed here, checked below
                if tail is not None and not tail.seen:
                    # Django's parser reads a body split by another boundary as one odd part (the file's bytes
                    # in a "field"): the body is malformed, whatever those bytes hold
                    raise Refusal(400, "body", "body", BOUNDARY_MISMATCH, "multipart_boundary")
                if tail is not None and not tail.closes():
                    # Django's parser keeps what it read of a cut-off body: the upload was interrupted
                    raise Refusal(
                        400, "body", "body", "multipart 请求体不完整（缺少结束标记，上传可能中断）", "multipart"
                    )
                _screen_pairs(form.lists(), "form")
                _screen_pairs(files.lists(), "file")
        elif content_type == "application/x-www-form-urlencoded":
            if request.method == "POST":
                _screen_pairs(request.POST.lists(), "form")
        elif json_content(content_type) and length:
            _screen_json(request.body)
    except MultiPartParserError as exc:
        raise Refusal(
            400, "body", "body", f"multipart 请求体无法解析（{_multipart_reason(exc)}）", "multipart"
        ) from exc
    except RequestDataTooBig as exc:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        raise Refusal(413, "body", "body", f"请求体过大：表单与 JSON 不能超过 {limit} MB", "body_too_large") from exc
    except SuspiciousOperation as exc:  # too many fields or files
        raise Refusal(400, "body", "body", "请求体中的字段或文件过多", "too_many_fields") from exc
    except UnreadablePostError as exc:
        raise Refusal(400, "body", "body", "请求体不完整（连接中断）", "body_incomplete") from exc


BOUNDARY_MISMATCH = "multipart 请求体格式错误：正文的分隔标记与 Content-Type 声明的 boundary 不一致，无法读取"


class _Tail:
    """The request's input stream, remembering whether the declared delimiter (``--boundary``) went by and
    the last bytes: a multipart body is split by its delimiter and ends with its closing one
    (``--boundary--``); one without the delimiter is malformed, one without the closing one was cut off."""

    KEEP = 512

    def __init__(self, stream: Any, boundary: str) -> None:
        self.stream = stream
        self.tail = b""
        self.delimiter = b"--" + boundary.encode("latin-1", "replace")
        self.seen = False

    @classmethod
    def watch(cls, request: HttpRequest, boundary: str) -> _Tail | None:
        stream = getattr(request, "_stream", None)  # WSGIRequest's body stream, read by the multipart parser
        if stream is None or hasattr(request, "_body") or hasattr(request, "_post"):
            return None
        tail = cls(stream, boundary)
        request._stream = tail  # type: ignore[assignment]  # read as a stream by Django's parser
        return tail

    def _keep(self, data: bytes) -> bytes:
        window = self.tail + data  # the delimiter may straddle two reads
        self.seen = self.seen or self.delimiter in window
        self.tail = window[-self.KEEP :]
        return data

    def read(self, *args: Any) -> bytes:
        return self._keep(self.stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._keep(self.stream.readline(*args))

    def closes(self) -> bool:
        return self.tail.rstrip(b"\r\n").endswith(self.delimiter + b"--")


def _multipart_reason(exc: MultiPartParserError) -> str:
    text = str(exc)
    if "boundary" in text.lower():
        return "缺少或无效的 boundary"
    if "content length" in text.lower():
        return "Content-Length 无效"
    return "格式不完整或已截断"


# Fewer brackets than this cannot nest deep enough to exhaust the JSON parser's recursion (its limit is near
# 1000), so the body is not parsed here twice.
_FLAT_ENOUGH = 200


def _screen_json(body: bytes) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refusal(400, "body", "body", "请求体不是有效的 UTF-8 文本", "body_encoding") from exc
    nested = body.count(b"[") + body.count(b"{") > _FLAT_ENOUGH
    if not nested and "\x00" not in text and "\\u" not in text:
        return  # nothing to decode into a NUL or a surrogate; the endpoint parses it as usual
    try:
        data = json.loads(text)
    except RecursionError as exc:  # a parser, ours or the framework's, would fail the same way: a 500
        raise Refusal(400, "body", "body", "JSON 嵌套层数过多，无法解析", "json_depth") from exc
    except ValueError:
        return  # the endpoint answers a malformed document itself ("JSON 格式错误")
    found = _json_problem(data, "")
    if found:
        raise Refusal(422, "body", found[0], found[1], "string_unsavable")


class RequestScreenMiddleware:
    """Refuses, before any view, a request whose query string, form fields, file names, JSON strings or
    path parameters hold what no database column can store, and a body that cannot be parsed: 422 naming
    the field, 400/413/415 naming the problem; JSON under /api/, a Chinese page elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _screen_pairs(request.GET.lists(), "query")
            if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                _screen_body(request)
        except Refusal as refusal:
            return refused(request, refusal)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        for name, value in kwargs.items():
            why = unsavable(value) if isinstance(value, str) else None
            if why:
                return refused(request, Refusal(422, "path", name, why, "string_unsavable"))
        return None


def _subclasses(base: type) -> Iterable[type]:
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def _label_text(value: object) -> str:
    text = str(value or "")
    return text if re.search(r"[\u4e00-\u9fff]", text) else ""


# The fields every page form carries, and those of pages written without a form class (page_field_labels).
_PLAIN_LABELS: dict[str, dict[str, str]] = {
    "": {
        "form_token": "表单校验码",
        "csrfmiddlewaretoken": "安全校验码",
        "_draft": "草稿标记",
        "file": "上传的文件",
        "files": "照片和文件",
        "page": "页码",
        "format": "导出格式",
        "next": "登录后返回的页面",
        "_rp": "区划",  # the region picker's levels (regions/picker.html)
        "sort": "排序方式",
        "kind": "类别",
    }
}


def page_field_labels(app: str, labels: Mapping[str, str]) -> None:
    """Name the fields of ``app``'s pages that no form, filter or input class declares (a page whose
    fields are written in its template), for refusals before the view (:func:`page_label`)."""
    _PLAIN_LABELS.setdefault(app, {}).update(labels)


def _page_labels() -> dict[str, dict[str, str]]:
    """{app (the first segment of its pages' paths): {field: Chinese label}} of every page form, list filter
    and typed input of the project (each register's forms.py, filters.py and inputs.py), read from the
    classes themselves, so that a new form is covered without being listed here."""
    found: dict[str, dict[str, str]] = {app: dict(labels) for app, labels in _PLAIN_LABELS.items()}

    def add(cls: type, name: str, label: object) -> None:
        parts = cls.__module__.split(".")
        text = _label_text(label)
        if parts[0] == "zhiben" and len(parts) > 1 and text:
            found.setdefault(parts[1], {}).setdefault(name, text)
            found.setdefault("", {}).setdefault(name, text)

    for form in _subclasses(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            add(form, name, field.label)
    for filterset in _subclasses(django_filters.FilterSet):
        for name, item in getattr(filterset, "base_filters", {}).items():
            add(filterset, name, item.label or item.extra.get("label"))
    for model in _subclasses(Input):
        for name, info in getattr(model, "model_fields", {}).items():
            add(model, name, info.title)
    return found


def page_label(request: HttpRequest, field: str) -> str:
    """The Chinese label of ``field`` on the page at ``request.path`` (its register's forms, filters and
    inputs first, then any), or "" when none is known: a page never shows the program's name of a field."""
    labels = _page_labels()
    app = request.path.strip("/").split("/", 1)[0]
    return labels.get(app, {}).get(field) or labels.get("", {}).get(field, "")


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The answer to a refused request: the API's error shape under /api/, the Chinese 400 page elsewhere."""
    if request.path.startswith("/api/"):
        if refusal.status == 422:
            refusal.message = _label(request, refusal.field) + refusal.message
        loc = [refusal.where] if refusal.field == refusal.where else [refusal.where, refusal.field]
        body: dict[str, Any] = {
            "detail": [{"loc": loc, "msg": refusal.message, "type": refusal.kind}],
            "errors": {refusal.field: refusal.message},
        }
        return JsonResponse(body, status=refusal.status)
    label = ""
    if refusal.where not in ("body", "header"):
        # the field's Chinese label, never its program name; unknown (a parameter no form has): said as such
        known = page_label(request, refusal.field)
        label = f"「{known}」" if known else ("地址中的一个参数" if refusal.where == "query" else "提交的一项内容")
    elif refusal.where == "header":
        label = "请求头："
    return render(request, "400.html", {"message": f"{label}{refusal.message}"}, status=refusal.status)
