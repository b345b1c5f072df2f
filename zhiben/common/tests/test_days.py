"""One reading of calendar days (``dates.parse_day``) for the importer, the API's inputs, query
parameters and page forms: an instant with an offset or Z is its Beijing day, never the day written
with the offset dropped."""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import zoneinfo
from typing import Any

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from zhiben.common import dates
from zhiben.common.dates import NotADay, parse_day
from zhiben.common.errors import FieldErrors
from zhiben.common.inputs import DayField, Input, _day_fields, parse
from zhiben.common.ledgers import parse_date

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-19T16:00:00.000Z", datetime.date(2026, 11, 20)),  # the field case (T3)
        ("2026-11-19T15:59:59.999Z", datetime.date(2026, 11, 19)),
        ("2026-11-19T00:00:00+09:00", datetime.date(2026, 11, 18)),
        ("2026-11-19T20:00:00-05:00", datetime.date(2026, 11, 20)),
        ("2026-11-19T23:30:00+08:00", datetime.date(2026, 11, 19)),
        ("2026-11-19 16:00:00+0000", datetime.date(2026, 11, 20)),
        ("2026-11-19T16:00z", datetime.date(2026, 11, 20)),
        ("2026-11-19T23:59:59", datetime.date(2026, 11, 19)),  # no offset: Beijing wall time
        ("2026/3/1 19:30", datetime.date(2026, 3, 1)),
        ("2026年3月1日", datetime.date(2026, 3, 1)),
        ("2026年3月1日 8时30分", datetime.date(2026, 3, 1)),
        ("２０２６－０３－０１", datetime.date(2026, 3, 1)),
        ("2026.3.1", datetime.date(2026, 3, 1)),
        ("20260301", datetime.date(2026, 3, 1)),
        (" 2026-03-01 ", datetime.date(2026, 3, 1)),
    ],
)
def test_days_from_text(text: str, day: datetime.date) -> None:
    assert parse_day(text) == day
    assert parse_date(text) == day  # the importer's cell parser is the same reading


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "2026-11-19T25:00:00Z", "2026-11-19T16:00:00+25:00", "明天", "2026-11-1912"]
)
def test_what_is_no_day_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(NotADay, match="整改期限"):
        parse_day(text, label="整改期限")


def test_excel_serials_only_from_spreadsheets() -> None:
    assert parse_date(45352) == datetime.date(2024, 3, 1)
    assert parse_date(45352.75) == datetime.date(2024, 3, 1)
    with pytest.raises(NotADay):
        parse_day(45352)  # a number in a JSON body is not a day


@given(
    st.datetimes(
        min_value=datetime.datetime(1901, 1, 2), max_value=datetime.datetime(9998, 12, 30), timezones=st.timezones()
    )
)
def test_an_instants_iso_text_gives_its_beijing_day(moment: datetime.datetime) -> None:
    offset = moment.utcoffset()
    if offset is None or offset % datetime.timedelta(minutes=1):
        return  # ISO offsets are whole minutes; a zone of the 1900s with seconds in its offset is not written so
    expected = moment.astimezone(BEIJING).date()
    assert parse_day(moment.isoformat()) == expected
    assert parse_day(moment.isoformat().replace("+00:00", "Z")) == expected
    assert parse_day(moment) == expected


def _inputs() -> list[type[Input]]:
    found: list[type[Input]] = []
    pending = list(Input.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def _every_date_field() -> list[tuple[type[Input], str]]:
    for app in apps.get_app_configs():  # every app's inputs, wherever they are declared
        for module in ("inputs", "api", "forms"):
            if importlib.util.find_spec(f"{app.name}.{module}") is not None:
                importlib.import_module(f"{app.name}.{module}")
    return sorted(((m, n) for m in _inputs() for n, _ in _day_fields(m)), key=lambda x: (x[0].__name__, x[1]))


def test_the_inputs_have_date_fields() -> None:
    names = {f"{m.__name__}.{n}" for m, n in _every_date_field()}
    assert {"HazardReport.discovered_on", "HazardReport.deadline", "TipVerification.deadline"} <= names


@pytest.mark.parametrize(("model", "name"), _every_date_field(), ids=lambda v: getattr(v, "__name__", v))
def test_every_date_field_of_every_input_reads_an_instant_as_its_beijing_day(model: type[Input], name: str) -> None:
    # 2024-03-01T16:00Z is 2024-03-02 00:00 in Beijing; pydantic alone would give the 1st, or refuse
    read = model._beijing_days({name: "2024-03-01T16:00:00Z"})  # type: ignore[operator]
    assert read[name] == datetime.date(2024, 3, 2)
    errors = _errors(model, {name: "2024-03-01T16:00:00Z"})
    assert name not in errors, errors
    errors = _errors(model, {name: "2024-03-01T99:00:00Z"})
    label = model.model_fields[name].title or name
    assert label in errors.get(name, ""), errors


def _errors(model: type[Input], data: dict[str, Any]) -> dict[str, str]:
    try:
        parse(model, data)
    except FieldErrors as exc:
        return exc.errors
    return {}


def test_a_page_date_field_reads_the_same() -> None:
    field = DayField(label="发现日期")
    assert field.clean("2026-11-19T16:00:00Z") == datetime.date(2026, 11, 20)
    assert field.clean("2026年11月19日") == datetime.date(2026, 11, 19)
    with pytest.raises(Exception, match="发现日期"):
        field.clean("2026-11-31")


@pytest.mark.django_db
def test_the_api_stores_the_beijing_day_of_an_instant(api_as, officer, firm) -> None:
    body = {
        "enterprise": firm.credit_code,
        "title": "罐区静电接地线断开",
        "level": "general",
        "source": "inspection",
        "discovered_on": "2024-03-01T16:00:00.000Z",
        "deadline": "2024-03-10T00:30:00+09:00",
    }
    r = api_as(officer).post("/api/v1/hazards", body)
    assert r.status_code == 201, r.content
    assert (r.json()["discovered_on"], r.json()["deadline"]) == ("2024-03-02", "2024-03-09")
    r = api_as(officer).post("/api/v1/hazards", {**body, "discovered_on": "2024-03-01T16:00:00+99:00"})
    assert r.status_code in (400, 422) and "discovered_on" in r.json()["errors"], r.content


@pytest.mark.django_db
def test_a_query_date_reads_an_instant_as_its_beijing_day(api_as, officer, settings) -> None:
    today = dates.today()
    yesterday = today - datetime.timedelta(days=1)
    r = api_as(officer).get("/api/v1/stats/hazards", {"as_of": f"{yesterday}T16:30:00Z"})  # today, in Beijing
    assert r.status_code == 200 and r.json()["as_of"] == today.isoformat(), r.content
    r = api_as(officer).get("/api/v1/stats/hazards", {"as_of": f"{today}T16:30:00Z"})  # tomorrow, in Beijing
    assert r.status_code == 422 and "不能晚于今天" in str(r.json()), r.content
    r = api_as(officer).get("/api/v1/stats/hazards", {"as_of": "明天"})
    assert r.status_code == 422 and "截至日期" in str(r.json()), r.content


@pytest.mark.parametrize(("model", "name"), _every_date_field(), ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("number", [0, 1_700_000_000, 1.5, True])
def test_every_date_field_of_every_input_refuses_a_number_naming_the_field(
    model: type[Input], name: str, number: Any
) -> None:
    # pydantic alone reads a number as a Unix timestamp: {"valid_to": 0} would be 1970-01-01
    label = model.model_fields[name].title or name
    assert label in _errors(model, {name: number}).get(name, ""), (model, name, number)
