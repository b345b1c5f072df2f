"""Typed inputs (DESIGN.md §8): one pydantic model per use case, shared by the API, the page form and the
importer, so that each field has one home — its Chinese label (``title``), its limits and its parser.

A use case's model is a Ninja ``Schema`` (so the API takes it as its body and the OpenAPI document shows it)
deriving from :class:`Input`. Fields that need zhiben's lenient reading of what people type (full-width
digits, ``1,000``, a Beijing time without a zone) carry a ``BeforeValidator`` that raises ``ValueError``
with the Chinese sentence; :func:`parse` turns any failure into ``FieldErrors`` naming each field.
Checks that need the actor or the database (scope, existence) stay in the service.
"""

from __future__ import annotations

import datetime
import functools
import json
import types
import typing
from collections.abc import Callable, Mapping
from functools import partial
from typing import Annotated, Any, TypeVar

from django import forms
from ninja import Field
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from .dates import NotADay, parse_day
from .errors import FieldErrors, UnsupportedMediaType
from .validators import clean_choice, clean_phone, clean_text

T = TypeVar("T", bound="Input")

# Chinese wording for pydantic's own checks (its messages are English).
MESSAGES = {
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
    "date_from_datetime_inexact": "应为日期（如 2024-03-01）",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "int_from_float_inexact": "应为整数",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "string_sub_type": "应为文本",
    "bool_from_int": "应为 true 或 false",
    "greater_than_equal": "不能小于{ge}",
    "less_than_equal": "不能大于{le}",
    "enum": "取值不正确，可选：{expected}",
    "literal_error": "取值不正确，可选：{expected}",
    "extra_forbidden": "不支持的字段",
    "list_type": "应为列表",
    "too_long": "条目过多",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "string_unicode": "含有无法识别的字符",
    "json_invalid": "JSON 格式错误",
    "body_type": "请求体应为 JSON 对象",
    "json_content_type": "请求体应为 JSON（Content-Type: application/json）",
    "multipart_content_type": "上传文件应以 multipart/form-data 提交",
}
# a model (the body, or a nested object such as ``reporter``) given a list, a number, text or null
_NOT_AN_OBJECT = {"model_type", "model_attributes_type", "dict_type"}
_BODY = ("body", "payload")


def _expected(ctx: Mapping[str, Any]) -> dict[str, Any]:
    # "'confirmed' or 'unfounded'" → "confirmed、unfounded"
    expected = str(ctx.get("expected", "")).replace("' or '", "、").replace("', '", "、").strip("'")
    return {**ctx, "expected": expected}


def message(err: Mapping[str, Any]) -> str:
    """The Chinese sentence for one pydantic error (``ValidationError.errors()`` item). A ``ValueError``
    raised by a field's own parser is shown as it was written."""
    if isinstance(err.get("input"), NotADay):  # refused by the reading of date fields (Input)
        return str(err["input"])
    if err.get("type") == "value_error":
        cause = (err.get("ctx") or {}).get("error")
        if cause is not None:
            return str(cause)
    if err.get("type") in _NOT_AN_OBJECT and all(str(p) in _BODY for p in err.get("loc", ())):
        return MESSAGES["body_type"]  # the whole body (Ninja's location is ("body", "payload"))
    template = MESSAGES.get(str(err.get("type")))
    if template is None:
        return str(err.get("msg", "输入不正确"))
    try:
        return template.format(**_expected(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template.split("{")[0] or str(err.get("msg"))


def text(label: str, max_length: int, *, required: bool = False) -> BeforeValidator:
    """The parser of a text field: trimmed, full-width spaces folded, at most ``max_length`` characters,
    and, when ``required``, not blank — each refusal a Chinese sentence naming ``label``."""
    return BeforeValidator(partial(clean_text, label=label, max_length=max_length, required=required))


def phone(label: str) -> BeforeValidator:
    """The parser of every phone field: a Chinese mobile or a landline with its area code, normalised
    (``13912345678``, ``023-61234567``), blank allowed; a refusal names ``label`` and says what to write."""
    return BeforeValidator(partial(clean_phone, label=label))


def choice(label: str, choices: Any, *, allow_blank: bool = True) -> BeforeValidator:
    """The parser of a choice field: the key or its Chinese label, refused with the list of choices."""
    return BeforeValidator(partial(clean_choice, label=label, choices=choices, allow_blank=allow_blank))


_REQUIRED = "x-zhiben-required"


def required(**options: Any) -> Any:
    """A field the use case needs, declared with a default of None that is validated: a missing field then
    gets its parser's own Chinese sentence ("请填写隐患名称"), the same as a blank one, not a bare "必填".
    The OpenAPI document still lists it as required."""
    return Field(None, validate_default=True, json_schema_extra={_REQUIRED: True}, **options)


def _schema_required(schema: dict[str, Any]) -> None:
    properties = schema.get("properties", {})
    names = [name for name, prop in properties.items() if prop.pop(_REQUIRED, False)]
    if names:
        schema["required"] = sorted({*schema.get("required", []), *names}, key=list(properties).index)


def day(label: str) -> BeforeValidator:
    """The parser of a date field (``dates.parse_day``): a Beijing calendar day; text with an offset or
    ``Z`` is the Beijing day of that instant; anything else refused in Chinese naming ``label``."""
    return BeforeValidator(partial(parse_day, label=label))


# A date field for a model that is not an ``Input`` (a query's Ninja ``Schema``); ``Input`` models read
# every date field this way already.
Day = Annotated[datetime.date, day("日期")]


def _is_day(annotation: Any) -> bool:
    """Whether a field holds a calendar day: ``date``, ``date | None`` (not ``datetime``, a subclass)."""
    if annotation is datetime.date:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_day(a) for a in typing.get_args(annotation))
    return False


@functools.cache
def _day_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """``(name, label)`` of the model's date fields."""
    return tuple((n, f.title or n) for n, f in model.model_fields.items() if _is_day(f.annotation))


class Input(BaseModel):
    """Base of every use case's input: unknown fields are refused, values are read as typed. A plain
    pydantic model (Ninja takes it as a body): Ninja's ``Schema`` adds an ORM-reading root validator that
    costs more than all the fields of a ledger row.

    Every date field is read by ``dates.parse_day`` before its own parser, whatever that is: pydantic
    alone takes ``2026-11-19T00:00:00+09:00`` as 2026-11-19, dropping the offset (its Beijing day is
    the 18th). An instant with an offset or ``Z`` becomes its Beijing day; text that is no day is refused
    naming the field, and so is a number (JSON has no dates: a number is no day)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_schema_required)

    @model_validator(mode="before")
    @classmethod
    def _beijing_days(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = None
        for name, title in _day_fields(cls):
            raw = data.get(name)
            # a number too: pydantic alone reads it as a Unix timestamp ({"valid_to": 0} is 1970-01-01)
            if isinstance(raw, str | datetime.datetime | int | float):
                try:
                    value: Any = parse_day(raw, label=title)
                except NotADay as exc:
                    value = exc  # refused by the field's parser, under the field's name
                if out is None:
                    out = dict(data)
                out[name] = value
        return data if out is None else out


def field_errors(exc: ValidationError) -> dict[str, str]:
    """``{field: 中文}`` for every failing field (the first message of each)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        # a nested field is named with its path (``reporter.phone``)
        loc = [str(p) for p in err.get("loc", ()) if not str(p).startswith(("function-", "literal["))]
        out.setdefault(".".join(loc) or "body", message(err))
    return out


def parse(model: type[T], data: Mapping[str, Any] | T) -> T:
    """``data`` as the use case's typed input; raises ``FieldErrors`` naming every bad field (in Chinese).
    An instance of ``model`` is taken as it is."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise FieldErrors(field_errors(exc)) from exc


def label(model: type[Input], name: str) -> str:
    """The Chinese label of a field (its ``title``), or its name when it has none."""
    return model.model_fields[name].title or name


def form_field(model: type[Input], name: str, field_class: type[forms.Field] = forms.CharField, **options: Any) -> Any:
    """A page-form field for ``model.name`` with the model's label, requiredness and text limit; ``options``
    add what only a page has (widget, help text, choices)."""
    info = model.model_fields[name]
    marked = isinstance(info.json_schema_extra, dict) and bool(info.json_schema_extra.get(_REQUIRED))
    kwargs: dict[str, Any] = {"label": info.title or name, "required": info.is_required() or marked}
    for meta in info.metadata:
        limit = getattr(meta, "max_length", None)
        if limit is not None and issubclass(field_class, forms.CharField):
            kwargs["max_length"] = limit
    kwargs.update(options)
    return field_class(**kwargs)


class DayField(forms.DateField):
    """A page's date field read by ``dates.parse_day`` (the API's and the importer's reading): an instant
    with an offset is its Beijing day, Chinese date text is taken, anything else refused naming the field."""

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        try:
            return parse_day(value, label=str(self.label or "日期"))
        except NotADay as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


def openapi_body(model: type[Input]) -> dict[str, Any]:
    """``openapi_extra`` for an endpoint that reads its JSON body itself (see :func:`json_body`): the OpenAPI
    document still shows ``model`` as the request body."""
    schema = _inline(model.model_json_schema())
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its ``$defs`` written in place (a request body in openapi_extra has no document
    root of its own for ``#/$defs/…`` to point at). The inputs have no recursive models."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                # the field's own title and description (隐患级别) over the definition's (Level)
                own = {k: walk(v) for k, v in node.items() if k != "$ref"}
                return {**walk(dict(defs[ref.removeprefix("#/$defs/")])), **own}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(schema))


def json_content(content_type: str) -> bool:
    """``application/json`` and its suffixed kinds (``application/merge-patch+json``)."""
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def json_body(request: Any) -> dict[str, Any]:
    """The request's JSON object, for an action on an existing record that checks the caller's scope
    before it looks at the input (a bad value must not tell an outsider that the record exists).
    Raises ``FieldErrors`` on ``body`` when it is not a JSON object, ``UnsupportedMediaType`` when a
    body is sent as something other than JSON."""
    if not json_content(request.content_type or "") and str(request.META.get("CONTENT_LENGTH") or "0") != "0":
        # before the body is touched: a form body has been read as a form already (zhiben.common.middleware)
        raise UnsupportedMediaType(MESSAGES["json_content_type"])
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nesting past the limit
        raise FieldErrors({"body": MESSAGES["json_invalid"]}) from exc
    if not isinstance(data, dict):
        raise FieldErrors({"body": MESSAGES["body_type"]})
    return data


def more_errors(form: forms.Form, check: Callable[[dict[str, Any]], object]) -> None:
    """One round of errors on a page: when ``form`` is already refused, ``check`` (the use case's parser,
    e.g. ``lambda d: parse(HazardPlan, d)``) still runs on what was typed, and the fields it refuses that
    the form did not are added — so that one answer names every bad field. What the form already refused
    is not named twice; a refusal that names no field of the form is left to the next submission."""
    if not form.is_bound:
        return
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = form.add_prefix(name)
        getlist = getattr(form.data, "getlist", None)
        many = isinstance(field, forms.MultipleChoiceField) and getlist is not None
        raw = getlist(key) if many and getlist is not None else form.data.get(key)
        if raw not in (None, "", []):
            data[name] = raw
    data.update({k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "", [])})
    try:
        check(data)
    except FieldErrors as exc:
        for field_name, text in exc.errors.items():
            if field_name in form.fields and field_name not in form.errors:
                form.add_error(field_name, text)
