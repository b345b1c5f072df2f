"""The REST API (v1), Django Ninja. Names here are the contract of DESIGN.md §6: keep them stable.

Errors are mapped in one place: domain errors to 404/409/422/403, Ninja's input validation to 422
naming the field, unparseable bodies to 400. Nothing reaches the client as a 500.
"""

import functools
import itertools
import logging
import re
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth
from ninja.types import DictStrAny

from zhiben.accidents.api import router as accidents_router
from zhiben.accounts.api import auth_router, users_router
from zhiben.accounts.services import token_user
from zhiben.analytics.api import router as stats_router
from zhiben.common.errors import Conflict, DomainError, FieldErrors, TooManyRequests, UnsupportedMediaType
from zhiben.common.idempotency import OPENAPI_HEADER
from zhiben.common.inputs import MESSAGES, json_content, message
from zhiben.common.middleware import use_field_labels
from zhiben.departments.api import router as departments_router
from zhiben.departments.api import routing_router
from zhiben.documents.api import router as documents_router
from zhiben.duties.api import attachments_router as duty_attachments_router
from zhiben.duties.api import items_router as duty_items_router
from zhiben.duties.api import lists_router as duty_lists_router
from zhiben.duties.api import pressures_router
from zhiben.duties.api import stats_router as duty_stats_router
from zhiben.enterprises.api import router as enterprises_router
from zhiben.filings.api import router as filings_router
from zhiben.filings.api import statistics_router
from zhiben.hazards.api import router as hazards_router
from zhiben.imports.api import router as imports_router
from zhiben.inspections.api.draws import router as draws_router
from zhiben.inspections.api.inspections import router as inspections_router
from zhiben.inspections.api.orders import inspection_orders_router, orders_router
from zhiben.inspections.api.penalties import inspection_router as inspection_penalties_router
from zhiben.inspections.api.penalties import router as penalties_router
from zhiben.inspections.api.plans import router as inspection_plans_router
from zhiben.inspections.api.pools import experts_router, officers_router, own_items_router
from zhiben.inspections.api.stats import router as enforcement_stats_router
from zhiben.notifications.api import router as notifications_router
from zhiben.notifications.api import todo_router
from zhiben.plans.api import plans_router, tasks_router
from zhiben.plans.api import stats_router as task_stats_router
from zhiben.reference.api import criteria_router, sectors_router
from zhiben.regions.api import router as regions_router
from zhiben.risks.api.checks import records_router as check_records_router
from zhiben.risks.api.checks import rhythm_router as check_rhythm_router
from zhiben.risks.api.checks import stats_router as check_stats_router
from zhiben.risks.api.checks import tasks_router as check_tasks_router
from zhiben.risks.api.interface import router as dual_prevention_router
from zhiben.risks.api.map import enterprise_router as risk_map_router
from zhiben.risks.api.map import unit_router as risk_unit_map_router
from zhiben.risks.api.posts import router as posts_router
from zhiben.risks.api.posts import units_router as risk_unit_lists_router
from zhiben.risks.api.register import measures_router as control_measures_router
from zhiben.risks.api.register import profile_router as risk_profile_router
from zhiben.risks.api.register import units_router as risk_units_router
from zhiben.tips.api import router as tips_router

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` for API clients."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class JsonParser(Parser):
    """Ninja's body parser, reading JSON only when the body says it is JSON: a form or a multipart body sent
    to a JSON endpoint is answered 415, not guessed at."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        if not json_content(request.content_type or ""):
            raise UnsupportedMediaType(MESSAGES["json_content_type"])
        return super().parse_body(request)


class Api(NinjaAPI):
    """The API, its OpenAPI document declaring ``Idempotency-Key`` on every POST: the middleware
    (common/idempotency.py) honours it on all of them, creates and lifecycle steps alike."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: DictStrAny | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            post = operations.get("post")
            if post is not None:
                parameters = post.setdefault("parameters", [])
                if all(p.get("name") != OPENAPI_HEADER["name"] for p in parameters):
                    parameters.append(dict(OPENAPI_HEADER))
        return schema


api = Api(
    title="zhiben 治本 API",
    version="1",
    description="安全生产治本攻坚：重大事故隐患数据库 · 闭环整改 · 动态清零。见 docs/api.md。",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
    parser=JsonParser(),
)


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
    name = ".".join(named)
    return "body" if name in ("", "payload") else name


def _refusal(request: HttpRequest, status: int, message_: str, kind: str) -> HttpResponse:
    detail = [{"loc": ["body"], "msg": message_, "type": kind}]
    return api.create_response(request, {"detail": detail, "errors": {"body": message_}}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if not (request.content_type or "").startswith("multipart/") and any(
        err.get("type") == "missing" and tuple(err.get("loc", ()))[:1] == ("file",) for err in exc.errors
    ):
        # an upload endpoint given JSON or a form: the body's kind is wrong, not a field
        return _refusal(request, 415, MESSAGES["multipart_content_type"], "content_type")
    detail = []
    errors: dict[str, str] = {}
    for err in exc.errors:
        field = _field_name(err.get("loc", ()))
        msg = message(err)
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
    if isinstance(exc, UnsupportedMediaType):
        return _refusal(request, 415, exc.message, "content_type")
    answer = api.create_response(request, {"detail": exc.message or "请求被拒绝"}, status=exc.status)
    if isinstance(exc, TooManyRequests):
        answer.headers["Retry-After"] = str(exc.retry_after)
    return answer


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)


@api.exception_handler(MultiPartParserError)
def on_multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # zhiben.common.middleware screens bodies first; this answers a parser failure it could not foresee
    return _refusal(request, 400, "multipart 请求体无法解析（格式不完整或已截断）", "multipart")


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return _refusal(request, 413, "请求体过大", "body_too_large")
    return _refusal(request, 400, "请求无法解析（字段或文件过多）", "bad_request")


@api.exception_handler(RawPostDataException)
def on_body_read_as_form(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A form or multipart body (parsed as such before the view) sent to an endpoint that reads JSON
    return _refusal(request, 415, MESSAGES["json_content_type"], "content_type")


@api.exception_handler(UnreadablePostError)
def on_unreadable(request: HttpRequest, exc: UnreadablePostError) -> HttpResponse:
    return _refusal(request, 400, "请求体不完整（连接中断）", "body_incomplete")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, UnsupportedMediaType):
        return _refusal(request, 415, exc.__cause__.message, "content_type")
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # A body that is not JSON: the same Chinese answer as the endpoints that read their body themselves.
        errors = {"body": MESSAGES["json_invalid"]}
        detail = [{"loc": ["body"], "msg": errors["body"], "type": "json_invalid"}]
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug must still answer JSON, and be logged loudly; the tests assert this never happens.
    log.exception("unhandled API error", exc_info=exc)
    return api.create_response(request, {"detail": "服务器内部错误"}, status=500)


@functools.cache
def _document() -> dict[str, Any]:
    return dict(api.get_openapi_schema())


@functools.cache
def field_labels(method: str, template: str) -> dict[str, str]:
    """``{field: 中文标签}`` of an operation's JSON body, from the OpenAPI document (the inputs' titles)."""
    document = _document()
    operation = document["paths"].get(template, {}).get(method.lower(), {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    titles = {name: str(prop.get("title", "")) for name, prop in schema.get("properties", {}).items()}
    return {name: title for name, title in titles.items() if re.search(r"[\u4e00-\u9fff]", title)}


use_field_labels(field_labels)

# Each register's and engine's router, under its path (DESIGN.md §6).
api.add_router("/auth", auth_router)
api.add_router("/users", users_router)
api.add_router("/regions", regions_router)
api.add_router("/regions", routing_router)
api.add_router("/departments", departments_router)
api.add_router("/sectors", sectors_router)
api.add_router("/criteria", criteria_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/enterprises", statistics_router)
api.add_router("/enterprises", dual_prevention_router)
api.add_router("/filings", filings_router)
api.add_router("/hazards", hazards_router)
api.add_router("/stats/tasks", task_stats_router)
api.add_router("/stats/enforcement", enforcement_stats_router)
api.add_router("/stats/checks", check_stats_router)
api.add_router("/check-tasks", check_tasks_router)
api.add_router("/check-records", check_records_router)
api.add_router("/enterprises", check_rhythm_router)
api.add_router("/stats", stats_router)
api.add_router("/plans", plans_router)
api.add_router("/tasks", tasks_router)
api.add_router("/imports", imports_router)
api.add_router("/accidents", accidents_router)
api.add_router("/tips", tips_router)
api.add_router("/duty-lists", duty_lists_router)
api.add_router("/duty-items", duty_items_router)
api.add_router("/duty-attachments", duty_attachments_router)
api.add_router("/stats", duty_stats_router)
api.add_router("/pressures", pressures_router)
api.add_router("/draws", draws_router)
api.add_router("/inspections", inspection_orders_router)
api.add_router("/orders", orders_router)
api.add_router("/todo", todo_router)
api.add_router("/notifications", notifications_router)
api.add_router("/inspections", inspections_router)
api.add_router("/law-officers", officers_router)
api.add_router("/own-check-items", own_items_router)
api.add_router("/experts", experts_router)
api.add_router("/inspection-plans", inspection_plans_router)
api.add_router("/penalties", penalties_router)
api.add_router("/inspections", inspection_penalties_router)
api.add_router("/enterprises", risk_map_router)
api.add_router("/risk-units", risk_unit_map_router)
api.add_router("/risk-units", risk_unit_lists_router)
api.add_router("/posts", posts_router)
api.add_router("/risk-units", risk_units_router)
api.add_router("/control-measures", control_measures_router)
api.add_router("/enterprises", risk_profile_router)
# /{register}/{id}/documents…: the register is named by the first segment (the register kit)
api.add_router("", documents_router)
