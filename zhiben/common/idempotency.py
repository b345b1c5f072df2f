"""One result per submission: a form token (pages) or an ``Idempotency-Key`` (API) sent twice is answered
with what the first one got, never with a second record.

A phone on a weak connection double-taps, or sends again after losing the answer; a client retries a
POST that timed out. :func:`once` claims the token in the database (a unique row) in the same transaction
as the write, so two copies arriving together are serialised: the second waits for the first to commit,
then reads its result. A write that fails (a field error) rolls its claim back, so the corrected form can
be sent with the same token.

The token itself is never stored: the row's key is an HMAC of the scope, the caller and the token, and the
result is sealed (Fernet) under another key derived from the token and ``SECRET_KEY`` — whoever holds the
token can read the result back (a tip's receipt), a copy of the database alone cannot.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import render
from django.utils import timezone

from .errors import Conflict
from .models import Submission

TOKEN_FIELD = "form_token"  # noqa: S105 (the name of a form field)
MAX_TOKEN = 200


class Replayed(Exception):
    """Raised by :func:`once` when the token was already used: ``result`` is the first submission's."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__("replayed")
        self.result = result


class Abandon(Exception):
    """Raised by a ``work`` callable to roll its claim back and hand ``value`` to the caller of :func:`once`
    (a refusal that must not be remembered: the same token may be sent again once it is corrected)."""

    def __init__(self, value: Any) -> None:
        super().__init__("abandoned")
        self.value = value


def new_token() -> str:
    """A fresh form token: 192 random bits, URL-safe (a hidden field of every form that creates a record)."""
    return secrets.token_urlsafe(24)


def usable(token: Any) -> str:
    """The token if it is one we can key on (printable, bounded), else ""; a request without one is not
    deduplicated — it is answered as before."""
    text = str(token or "").strip()
    return text if 16 <= len(text) <= MAX_TOKEN and text.isascii() and text.isprintable() else ""


def _derived(purpose: str, token: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}\x00{token}".encode(), hashlib.sha256).digest()


def _key(scope: str, caller: str, token: str) -> str:
    return _derived("zhiben-submission-key", f"{scope}\x00{caller}\x00{token}").hex()


def _cipher(token: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derived("zhiben-submission-seal", token)))


def _seal(token: str, result: dict[str, Any]) -> bytes:
    return _cipher(token).encrypt(json.dumps(result, ensure_ascii=False, default=str).encode())


def _unseal(token: str, sealed: bytes | memoryview) -> dict[str, Any] | None:
    try:
        value = json.loads(_cipher(token).decrypt(bytes(sealed)))
    except (InvalidToken, ValueError):
        return None  # SECRET_KEY rotated since: as if never answered
    return value if isinstance(value, dict) else None


def _cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.ZHIBEN["SUBMISSION_KEEP_MINUTES"])


def fingerprint(*parts: Any) -> str:
    """A digest of what was sent (the body, its length): the same key with another body is refused."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def recall(*, scope: str, token: str, caller: str = "") -> dict[str, Any] | None:
    """The result already stored for this token in this scope (and not expired), or None."""
    token = usable(token)
    if not token:
        return None
    row = Submission.objects.filter(key=_key(scope, caller, token), created_at__gte=_cutoff()).first()
    if row is None or row.result is None:
        return None
    return _unseal(token, row.result)


def once(
    *, scope: str, token: str, work: Callable[[], dict[str, Any]], caller: str = "", sent: str = ""
) -> dict[str, Any]:
    """Run ``work`` once per (scope, caller, token) within ``SUBMISSION_KEEP_MINUTES`` and return its
    result (a JSON-able dict). A repeat raises :class:`Replayed` with the first result; a repeat whose
    fingerprint ``sent`` differs raises Conflict (field ``Idempotency-Key``). ``work`` runs inside the
    claim's transaction: an exception from it (FieldErrors, :class:`Abandon`) rolls the claim back and
    propagates. Without a usable token, ``work`` simply runs."""
    token = usable(token)
    if not token:
        return work()
    key = _key(scope, caller, token)
    Submission.objects.filter(created_at__lt=_cutoff()).delete()
    _replay_if_done(key, token, sent)
    try:
        with transaction.atomic():
            # the unique key is the lock: a concurrent copy waits here until this transaction ends
            row = Submission.objects.create(key=key, scope=scope[:80], fingerprint=sent)
            result = work()
            row.result = _seal(token, result)
            row.save(update_fields=["result"])
    except IntegrityError:
        _replay_if_done(key, token, sent)
        raise
    return result


def _replay_if_done(key: str, token: str, sent: str) -> None:
    row = Submission.objects.filter(key=key).first()
    if row is None:
        return
    if row.fingerprint != sent:
        raise Conflict("同一个 Idempotency-Key 已用于内容不同的另一个请求", field="Idempotency-Key")
    result = _unseal(token, row.result) if row.result is not None else None
    if result is None:
        raise Conflict("同一份表单正在处理中，请稍候刷新页面查看结果")
    raise Replayed(result)


# ------------------------------------------------------------------------------------------ pages
def once_per_form(scope: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A page view that creates a record, run once per form token (the hidden ``form_token`` the form
    carries, ``{% form_token %}`` of ``zb_forms``). The view's success is its redirect
    (POST-redirect-GET): a repeat of the same form is sent to the same place, without a second record.
    A refusal (the page again with its errors) is not remembered. Put it under ``login_required``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = usable(request.POST.get(TOKEN_FIELD)) if request.method == "POST" else ""
            if not token:
                return view(request, *args, **kwargs)

            def work() -> dict[str, Any]:
                response = view(request, *args, **kwargs)
                if not isinstance(response, HttpResponseRedirectBase):
                    raise Abandon(response)
                return {"location": response["Location"]}

            caller = str(request.user.pk) if request.user.is_authenticated else ""
            try:
                result = once(scope=f"page:{scope}", token=token, caller=caller, work=work)
            except Abandon as abandoned:
                return cast(HttpResponse, abandoned.value)
            except Replayed as replayed:
                result = replayed.result
            except Conflict as exc:
                return render(request, "409.html", {"message": exc.message}, status=409)
            return HttpResponseRedirect(result["location"], status=303)

        return wrapped

    return decorator


# -------------------------------------------------------------------------------------------- API
class IdempotencyKeyMiddleware:
    """``Idempotency-Key`` on an API POST (docs/api.md): the first 2xx answer is kept for
    ``SUBMISSION_KEEP_MINUTES`` and given again, with ``Idempotent-Replayed: true``, to a repeat from the
    same caller (same ``Authorization``) with the same body; the same key with another body is 422, and a
    repeat while the first is still being processed waits for it. An error answer is not kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.headers.get("Idempotency-Key")
        if raw is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        token = usable(raw)
        if not token:
            message = "Idempotency-Key 须为 16 至 200 个可见的 ASCII 字符"
            return _json(422, {"detail": message, "errors": {"Idempotency-Key": message}})
        caller = hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()
        content_type = request.headers.get("Content-Type", "")
        length = request.headers.get("Content-Length", "")
        # a multipart body is not read here (it may be large, and is parsed by its endpoint): its length stands in
        body = b"" if content_type.startswith("multipart/") else request.body
        sent = fingerprint(request.path, content_type, length, body)

        def work() -> dict[str, Any]:
            response = self.get_response(request)
            if response.streaming or not 200 <= response.status_code < 300:
                raise Abandon(response)
            return {
                "status": response.status_code,
                "content_type": response.get("Content-Type", "application/json"),
                "body": response.content.decode(),
            }

        try:
            result = once(scope=f"api:{request.path}", token=token, caller=caller, work=work, sent=sent)
        except Abandon as abandoned:
            return cast(HttpResponse, abandoned.value)
        except Replayed as replayed:
            again = HttpResponse(
                replayed.result["body"],
                status=replayed.result["status"],
                content_type=replayed.result["content_type"],
            )
            again["Idempotent-Replayed"] = "true"
            return again
        except Conflict as exc:
            status = 422 if exc.field else 409
            return _json(status, {"detail": exc.message, **({"errors": {exc.field: exc.message}} if exc.field else {})})
        return HttpResponse(result["body"], status=result["status"], content_type=result["content_type"])


# The header as the OpenAPI document declares it on every POST (zhiben/api.py): the middleware above reads it
# on every API POST — creates, uploads and every step of a lifecycle alike.
OPENAPI_HEADER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "可选。客户端为每个请求生成的唯一键（16–200 个可见 ASCII 字符，如 UUID）：用同一键重发同一请求，"
        "得到第一次的应答（Idempotent-Replayed: true），不会重复执行；同一键配不同请求体为 422。见 docs/api.md。"
    ),
    "schema": {"type": "string", "minLength": 16, "maxLength": 200, "pattern": "^[!-~]+$"},
}


def _json(status: int, body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")
