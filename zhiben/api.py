"""The REST API (v1), Django Ninja. Names here are the contract of DESIGN.md §6: keep them stable.

Errors are mapped in one place: domain errors to 404/409/422/403, Ninja's input validation to 422
naming the field, unparseable bodies to 400. Nothing reaches the client as a 500.
"""

import itertools
import logging
import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from zhiben.accidents.api import router as accidents_router
from zhiben.accounts.api import auth_router, users_router
from zhiben.accounts.services import token_user
from zhiben.analytics.api import router as stats_router
from zhiben.common.errors import Conflict, DomainError, FieldErrors
from zhiben.documents.api import router as documents_router
from zhiben.enterprises.api import router as enterprises_router
from zhiben.hazards.api import router as hazards_router
from zhiben.imports.api import router as imports_router
from zhiben.reference.api import criteria_router, sectors_router
from zhiben.regions.api import router as regions_router
from zhiben.tips.api import router as tips_router

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` for API clients."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="zhiben 治本 API",
    version="1",
    description="安全生产治本攻坚：重大事故隐患数据库 · 闭环整改 · 动态清零。见 docs/api.md。",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
)


# Chinese wording for the schema-level checks (pydantic's own messages are English).
_MESSAGES = {
    "missing": "必填",
    "string_too_long": "不能超过{max_length}个字符",
    "string_too_short": "至少{min_length}个字符",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "finite_number": "应为有限的数字",
    "datetime_parsing": "应为日期和时刻（如 2025-03-01T08:30:00+08:00）",
    "datetime_from_date_parsing": "应为日期和时刻（如 2025-03-01T08:30:00+08:00）",
    "datetime_type": "应为日期和时刻（如 2025-03-01T08:30:00+08:00）",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_from_datetime_parsing": "应为日期（如 2024-03-01）",
    "date_parsing": "应为日期（如 2024-03-01）",
    "date_type": "应为日期（如 2024-03-01）",
    "greater_than_equal": "不能小于{ge}",
    "less_than_equal": "不能大于{le}",
    "enum": "取值不正确，可选：{expected}",
    "literal_error": "取值不正确，可选：{expected}",
    "extra_forbidden": "不支持的字段",
    "list_type": "应为列表",
    "too_long": "条目过多",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "json_invalid": "JSON 格式错误",
}


def _message(err: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(err.get("type")))
    if template is None:
        return str(err.get("msg", "输入不正确"))
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template.split("{")[0] or str(err.get("msg"))


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # Ninja's locations look like ("body", "payload", "name") or ("file", "file"): drop the location and
    # the parameter's own name when a field follows it, keep the field.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "cookie", "header"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("payload", "query", "data"):
        parts = parts[1:]
    # a union's branch tags ("str-enum[Status]", "literal['active']") follow the field: not part of its name
    named = list(itertools.takewhile(lambda p: re.fullmatch(r"[A-Za-z_]\w*|\d+", p) is not None, parts))
    return ".".join(named) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = []
    errors: dict[str, str] = {}
    for err in exc.errors:
        field = _field_name(err.get("loc", ()))
        msg = _message(err)
        detail.append({"loc": list(err.get("loc", ())), "msg": msg, "type": err.get("type", "value_error")})
        errors.setdefault(field, msg)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(FieldErrors)
def on_field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
    detail = [{"loc": ["body", f], "msg": m, "type": "value_error"} for f, m in exc.errors.items()]
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=422)


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["errors"] = {exc.field: exc.message}
    return api.create_response(request, body, status=409)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message or "请求被拒绝"}, status=exc.status)


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug must still answer JSON, and be logged loudly; the tests assert this never happens.
    log.exception("unhandled API error", exc_info=exc)
    return api.create_response(request, {"detail": "服务器内部错误"}, status=500)


# Each register's and engine's router, under its path (DESIGN.md §6).
api.add_router("/auth", auth_router)
api.add_router("/users", users_router)
api.add_router("/regions", regions_router)
api.add_router("/sectors", sectors_router)
api.add_router("/criteria", criteria_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/hazards", hazards_router)
api.add_router("/stats", stats_router)
api.add_router("/imports", imports_router)
api.add_router("/accidents", accidents_router)
api.add_router("/tips", tips_router)
# /{register}/{id}/documents…: the register is named by the first segment (the register kit)
api.add_router("", documents_router)
