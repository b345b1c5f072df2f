"""Headers Django does not set by itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
