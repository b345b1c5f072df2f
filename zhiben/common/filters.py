"""List filters declared once (DESIGN.md §5, the register kit): a django-filter ``FilterSet`` per list,
used by the API, the pages and the exports alike.

- Each filter carries its Chinese label, its choices and its query; the page renders ``filterset.form``.
- :func:`apply` validates the parameters and filters a queryset the selector has already scoped, or raises
  :class:`~zhiben.common.errors.FieldErrors` naming each bad parameter in Chinese (422 in the API, the
  message beside the filter form on a page).
- :func:`query_schema` builds the Ninja query schema from the same declaration: the names and the
  documented types come from the filters, and every value reaches the FilterSet unparsed, so the API and the
  pages cannot drift apart again.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, TypeVar, cast

import django_filters
from django import forms
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from ninja import Schema
from pydantic import Field, WithJsonSchema, create_model

from .dates import today
from .errors import FieldErrors
from .names import code_key, name_key

M = TypeVar("M", bound=Model)
ALL = "全部"

# The spellings of yes and no the API has always accepted (pydantic's booleans), and the pages' 1/0.
TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


class FilterSet(django_filters.FilterSet):
    """Base of every list's filters. Subclasses declare filters only; scope is the selector's business."""

    def __init__(
        self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: str | None = None
    ) -> None:
        # django-filter's own __init__, but for the copy of the filters: it deep-copies every filter per
        # instance, form fields and widgets included, which was the largest cost of a list request's
        # filtering. The declarations do not change per request, so a shallow copy (for the per-instance
        # ``model`` and ``parent``) is enough.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(f) for name, f in self.base_filters.items()}
        for f in self.filters.values():
            f.model = queryset.model
            f.parent = self

    @classmethod
    def form_class(cls) -> type[forms.Form]:
        """The form of the declared filters, built once per class (a form copies its fields per instance,
        so one class serves every request; building it per request cost more than filtering)."""
        built: type[forms.Form] | None = cls.__dict__.get("_form_class")
        if built is None:
            fields = {name: f.field for name, f in cls.base_filters.items()}
            built = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._form_class = built
        return built

    def get_form_class(self) -> type[forms.Form]:
        return self.form_class()

    def errors_by_name(self) -> dict[str, str]:
        """The first Chinese message of each invalid parameter (``{}`` when all are valid)."""
        if not self.is_bound or self.form.is_valid():
            return {}
        return {name: str(messages[0]) for name, messages in self.form.errors.items()}

    def value(self, name: str) -> Any:
        """The parsed value of filter ``name`` (None when absent); call after validation."""
        return self.form.cleaned_data.get(name) if self.is_bound and self.form.is_valid() else None


F = TypeVar("F", bound=FilterSet)


def bind(filterset_class: type[F], filters: Mapping[str, Any] | F | None) -> F:
    """A bound filterset for ``filters``: query parameters (a QueryDict or a plain dict), or one already bound."""
    if isinstance(filters, filterset_class):
        return filters
    if filters is None:
        return filterset_class(QueryDict())
    if isinstance(filters, QueryDict):
        return filterset_class(filters)
    data = QueryDict(mutable=True)
    for key, value in filters.items():
        if value is not None:
            data[key] = "true" if value is True else "false" if value is False else str(value)
    return filterset_class(data)


def apply(filterset: FilterSet, queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` (already scoped by the caller) cut by the filterset's parameters.

    Raises FieldErrors ``{parameter: Chinese message}`` when a parameter is invalid; nothing is filtered then.
    """
    errors = filterset.errors_by_name()
    if errors:
        raise FieldErrors(errors)
    filtered: QuerySet[M] = filterset.filter_queryset(queryset)
    return filtered


def for_page(
    select: Callable[..., QuerySet[M]], filterset: FilterSet, **kwargs: Any
) -> tuple[QuerySet[M], list[tuple[str, str]]]:
    """A list page's rows: ``select(filters=filterset, **kwargs)`` (the register's selector) and no errors,
    or, for an invalid parameter, no rows and the lines to show above the list (see :func:`error_lines`)."""
    try:
        return select(filters=filterset, **kwargs), []
    except FieldErrors as exc:  # nothing listed for a question that makes no sense
        return filterset.queryset.none(), error_lines(filterset, exc.errors)


def error_lines(filterset: FilterSet, errors: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(element id, "标签：message")`` for a page: the id is the one the invalid field's
    ``aria-describedby`` names."""
    # a parameter no filter declares is named as such on a page, never by its program name
    labels = {name: str(f.label or "筛选条件") for name, f in filterset.filters.items()}
    return [(f"id_{name}_error", f"{labels.get(name, '筛选条件')}：{message}") for name, message in errors.items()]


# --- fields and filters --------------------------------------------------------------------------------


class Described:
    """``description=``: what the parameter means, for the API document (the page shows the label only)."""

    description: str

    def __init__(self, *args: Any, description: str = "", **kwargs: Any) -> None:
        self.description = description
        super().__init__(*args, **kwargs)


class YesNoSelect(forms.Select):
    """全部 / yes / no, showing the value however it was spelled (``1``, ``true``…)."""

    def format_value(self, value: Any) -> Any:
        parsed = _yes_no(value)
        return ["" if parsed is None else "1" if parsed else "0"]


def _yes_no(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in TRUE else False if text in FALSE else None


class YesNoField(forms.Field):
    """A yes/no/any answer: ``1``/``true``/``yes``… or ``0``/``false``/``no``…; empty means any."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            return None
        parsed = _yes_no(value)
        if parsed is None:
            raise forms.ValidationError("应为 true 或 false（或 1、0）", code="invalid")
        return parsed

    def validate(self, value: Any) -> None:  # empty is a valid answer: no filter
        pass


class YesNoFilter(Described, django_filters.Filter):
    """A yes/no filter: on a boolean column (``field_name``), or on a rule given as ``q`` (a callable
    answering a ``Q``): yes keeps the rows the rule selects, no keeps the others."""

    field_class = YesNoField

    def __init__(self, *, yes: str = "是", no: str = "否", q: Callable[[], Q] | None = None, **kwargs: Any) -> None:
        self.rule = q
        kwargs.setdefault("widget", YesNoSelect(choices=[("", ALL), ("1", yes), ("0", no)]))
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet[Any], value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        if self.rule is not None:
            return qs.filter(self.rule()) if value else qs.exclude(self.rule())
        return qs.filter(**{self.field_name: value})


class ChoiceFilter(Described, django_filters.ChoiceFilter):
    """A choice among fixed values, 全部 for any; ``q`` (value → Q) when a value is a rule, not a column."""

    def __init__(self, *, q: Callable[[str], Q] | None = None, **kwargs: Any) -> None:
        self.rule = q
        kwargs.setdefault("empty_label", ALL)
        choices = kwargs.get("choices")
        if choices is not None and not callable(choices):  # the wording the API has always used
            allowed = "、".join(str(value) for value, _ in choices)
            kwargs.setdefault("error_messages", {"invalid_choice": f"取值不正确，可选：{allowed}"})
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in ("", None):
            return qs
        if self.rule is not None:
            return qs.filter(self.rule(value))
        return qs.filter(**{self.field_name: value})


class UpperCodeField(forms.CharField):
    """A code compared exactly, as :func:`~zhiben.common.names.code_key` makes it (full-width letters, spaces,
    invisible characters and dashes undone, upper case): credit codes."""

    def clean(self, value: Any) -> str:
        return code_key(super().clean(value) or "")


class CodeFilter(Described, django_filters.CharFilter):
    """An exact code (a credit code), as typed: ``code_key`` compared with the stored code."""

    field_class = UpperCodeField


class SearchFilter(Described, django_filters.CharFilter):
    """Free text: the trimmed term ``icontains`` any of ``fields``; its :func:`~zhiben.common.names.name_key`
    within any of ``keyed`` (columns holding ``name_key`` of a name: ``(秀山分公司)`` finds ``（秀山分公司）``);
    its :func:`~zhiben.common.names.code_key` at the start of any of ``codes`` (a credit code, whole or its
    first characters, typed with spaces or in full width)."""

    def __init__(
        self, *, fields: Iterable[str] = (), keyed: Iterable[str] = (), codes: Iterable[str] = (), **kwargs: Any
    ) -> None:
        self.search_fields = tuple(fields)
        self.keyed_fields = tuple(keyed)
        self.code_fields = tuple(codes)
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        term = str(value or "").strip()
        key, code = name_key(term), code_key(term)
        if not key:
            return qs
        q = Q()
        for name in self.search_fields:
            q |= Q(**{f"{name}__icontains": term})
        for name in self.keyed_fields:
            q |= Q(**{f"{name}__contains": key})
        if code.isascii() and code.isalnum():  # a code's characters only: 9150 0241 or ９１５００２４１
            for name in self.code_fields:
                q |= Q(**{f"{name}__startswith": code})
        return qs.filter(q)


class LazySelect(forms.Select):
    """A select whose options are read when it is drawn (from the database, or today's date), never at import."""

    def __init__(self, load: Callable[[], list[tuple[Any, str]]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.load = load

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> Any:
        self.choices = [("", ALL), *self.load()]
        return super().optgroups(name, value, attrs)


class KeyField(forms.RegexField):
    """A key checked by its pattern; no ``maxlength`` attribute when it is drawn as a select."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.Select):
            attrs.pop("maxlength", None)
            attrs.pop("minlength", None)
        return attrs


class KeyFilter(Described, django_filters.CharFilter):
    """A reference key (a sector ``hazardous_chemicals``): lower-case letters and ``_``, compared exactly;
    drawn on a page as a select of ``options()`` when given."""

    field_class = KeyField

    def __init__(self, *, options: Callable[[], list[tuple[Any, str]]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("regex", r"^[a-z_]+$")
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("error_messages", {"invalid": "格式不正确（小写字母和下划线）"})
        if options is not None:
            kwargs.setdefault("widget", LazySelect(options))
        super().__init__(**kwargs)


# --- the API's query schema, from the same declaration -------------------------------------------------


def json_schema(f: django_filters.Filter) -> dict[str, Any]:
    """The OpenAPI type of one filter's parameter, read from its form field."""
    field = f.field
    if isinstance(field, YesNoField):
        schema: dict[str, Any] = {"type": "boolean"}
    elif isinstance(field, forms.ChoiceField):
        choices = cast(Iterable[tuple[Any, Any]], field.choices)
        schema = {"type": "string", "enum": [str(v) for v, _ in choices if v not in ("", None)]}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    else:
        schema = {"type": "string"}
        if getattr(field, "max_length", None):
            schema["maxLength"] = field.max_length
        if isinstance(field, forms.RegexField):
            schema["pattern"] = field.regex.pattern if isinstance(field.regex, re.Pattern) else str(field.regex)
    description = "；".join(str(t) for t in (f.label, getattr(f, "description", "")) if t)
    if description:
        schema["description"] = description
    return schema


def query_schema(filterset_class: type[FilterSet]) -> type[Schema]:
    """A Ninja query schema with one optional parameter per declared filter, typed for the OpenAPI
    document, but taking the raw text: the FilterSet parses and checks every value (see :func:`apply`).

    Subclass it to name it: ``class HazardQuery(query_schema(HazardFilterSet)):  # type: ignore[misc]``.
    """
    fields: dict[str, Any] = {}
    for key, f in filterset_class.base_filters.items():
        schema = json_schema(f)
        fields[key] = (
            Annotated[str | None, WithJsonSchema(schema)],
            Field(None, description=schema.get("description")),
        )
    model: type[Schema] = create_model(f"{filterset_class.__name__}Query", __base__=Schema, **fields)
    return model


def query_params(query: Schema) -> dict[str, Any]:
    """The parameters a client gave, as the FilterSet takes them."""
    return {k: v for k, v in query.dict().items() if v is not None}


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a year filter takes


def year_choices() -> list[tuple[Any, str]]:
    """This Beijing year back to ``FIRST_YEAR``, as a year filter's options (read when the page is drawn)."""
    return [(y, f"{y}年") for y in range(today().year, FIRST_YEAR - 1, -1)]


def date_bounds(year: int) -> tuple[Any, Any]:
    """A calendar year as a half-open range of dates (index-friendly, unlike ``__year``)."""
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


class YearFilter(Described, django_filters.Filter):
    """The rows whose ``field_name`` falls in one calendar year, ``bounds(year)`` giving the half-open range
    (dates by default; a register of instants passes Beijing datetimes). Takes ``FIRST_YEAR``–``LAST_YEAR``
    and offers ``year_choices`` on the pages."""

    field_class = forms.IntegerField

    def __init__(self, *, bounds: Callable[[int], tuple[Any, Any]] = date_bounds, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        kwargs.setdefault("widget", LazySelect(year_choices))
        super().__init__(**kwargs)
        self.bounds = bounds

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        start, end = self.bounds(int(value))
        return qs.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})
