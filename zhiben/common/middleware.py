"""Headers Django does not set by itself."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import resolve_url

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
