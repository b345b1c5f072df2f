"""Scoring and grading of risk events (rules + services): every LEC triple from the tables gets the band its product
falls in, every L×S pair 1–5 too, and a value outside the method's table is refused naming the field — whether it
comes through ``rules.score`` or through the service that records the event (nothing saved then)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhiben.common.errors import FieldErrors
from zhiben.risks import rules
from zhiben.risks.models import RiskEvent
from zhiben.risks.services import register as services
from zhiben.risks.tests import factories_register as f

LEC = settings.ZHIBEN["RISK_METHODS"]["lec"]["factors"]
L_VALUES = [Decimal(str(v)) for v in LEC["l"]["values"]]
E_VALUES = [Decimal(str(v)) for v in LEC["e"]["values"]]
C_VALUES = [Decimal(str(v)) for v in LEC["c"]["values"]]


def lec_band(d: Decimal) -> str:
    """The bands of the provincial standards, written out (rules docstring): D > 320 red, 160 < D ≤ 320 orange,
    70 < D ≤ 160 yellow, D ≤ 70 blue."""
    if d > 320:
        return "red"
    if d > 160:
        return "orange"
    if d > 70:
        return "yellow"
    return "blue"


def ls_band(r: int) -> str:
    """20–25 red, 15–16 orange, 9–12 yellow, 1–8 blue."""
    if r >= 20:
        return "red"
    if r >= 15:
        return "orange"
    if r >= 9:
        return "yellow"
    return "blue"


@given(st.sampled_from(L_VALUES), st.sampled_from(E_VALUES), st.sampled_from(C_VALUES))
def test_every_lec_triple_gets_the_band_its_product_falls_in(l: Decimal, e: Decimal, c: Decimal) -> None:  # noqa: E741
    cleaned, score = rules.score("lec", {"l": str(l), "e": e, "c": int(c) if c == int(c) else c})
    assert score == (l * e * c).quantize(Decimal("0.01"))
    assert cleaned == {"l": l, "e": e, "c": c}
    assert rules.grade_for("lec", score) == lec_band(l * e * c)


def test_the_lec_bands_meet_at_their_bounds() -> None:
    # 10 × 2 × 16 does not exist in the tables: the bounds themselves are checked on the bands
    assert [rules.grade_for("lec", Decimal(v)) for v in ("320", "320.01", "160", "160.01", "70", "70.01")] == [
        "orange",
        "red",
        "yellow",
        "orange",
        "blue",
        "yellow",
    ]


@given(st.integers(1, 5), st.integers(1, 5))
def test_every_ls_pair_gets_its_band(likelihood: int, severity: int) -> None:
    cleaned, score = rules.score("ls", {"likelihood": likelihood, "severity": str(severity)})
    assert cleaned == {"likelihood": likelihood, "severity": severity}
    assert score == likelihood * severity
    assert rules.grade_for("ls", score) == ls_band(likelihood * severity)


NOT_IN_TABLES = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.integers(-100, 1000),
)


@given(st.sampled_from(["l", "e", "c"]), NOT_IN_TABLES)
def test_a_lec_factor_outside_its_table_is_refused_naming_it(field: str, value: Any) -> None:
    allowed = {"l": L_VALUES, "e": E_VALUES, "c": C_VALUES}[field]
    factors: dict[str, Any] = {"l": 3, "e": 6, "c": 15, field: value}
    if Decimal(str(value)) in allowed:
        return
    with pytest.raises(FieldErrors) as caught:
        rules.score("lec", factors)
    assert list(caught.value.errors) == [field]
    assert "之一" in caught.value.errors[field]


@given(st.sampled_from(["likelihood", "severity"]), st.one_of(st.integers(-50, 50), st.sampled_from(["2.5", "0", "6"])))
def test_an_ls_factor_outside_1_to_5_is_refused_naming_it(field: str, value: Any) -> None:
    if str(value) in {"1", "2", "3", "4", "5"}:
        return
    with pytest.raises(FieldErrors) as caught:
        rules.score("ls", {"likelihood": 3, "severity": 3, field: value})
    assert list(caught.value.errors) == [field]
    assert "1–5 的整数" in caught.value.errors[field]


@pytest.mark.parametrize(("value", "message"), [(None, "不能为空"), ("", "不能为空"), ("三", "须为数字"), (True, "")])
def test_a_missing_or_unreadable_factor_is_refused_naming_it(value: Any, message: str) -> None:
    with pytest.raises(FieldErrors) as caught:
        rules.score("lec", {"l": 3, "e": value, "c": 15})
    assert list(caught.value.errors) == ["e"] and message in caught.value.errors["e"]


# --- through the service -----------------------------------------------------------------------------------------


@pytest.fixture
def me(db: Any) -> Any:
    return f.staff("chem1", f.firm())


@pytest.mark.django_db
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(L_VALUES), st.sampled_from(E_VALUES), st.sampled_from(C_VALUES))
def test_a_recorded_event_keeps_the_band_of_its_product(me: Any, l: Decimal, e: Decimal, c: Decimal) -> None:  # noqa: E741
    unit = f.unit(me, name=f"单元{RiskEvent.objects.count()}")
    event = f.event(me, unit, l=str(l), e=str(e), c=str(c))
    event.refresh_from_db()
    assert (event.l, event.e, event.c) == (l, e, c)
    assert event.score == (l * e * c).quantize(Decimal("0.01"))
    assert event.grade == lec_band(l * e * c)
    unit.refresh_from_db()
    assert unit.grade == event.grade


@pytest.mark.django_db
def test_an_ls_enterprise_scores_by_the_matrix_and_refuses_lec_factors(me: Any) -> None:
    services.profile_set(actor=me, enterprise=me.enterprise, method="ls")
    unit = f.unit(me)
    event = services.event_create(actor=me, unit_id=unit.pk, data={"name": "坠落", "likelihood": 4, "severity": "5"})
    assert (event.method, event.score, event.grade) == ("ls", Decimal("20.00"), "red")
    assert event.l is None and event.likelihood == 4
    with pytest.raises(FieldErrors) as caught:
        services.event_create(actor=me, unit_id=unit.pk, data={"name": "x", "l": 3, "likelihood": 2, "severity": 2})
    assert list(caught.value.errors) == ["l"]
    with pytest.raises(FieldErrors) as caught:
        services.event_create(actor=me, unit_id=unit.pk, data={"name": "x", "likelihood": 6, "severity": 2})
    assert list(caught.value.errors) == ["likelihood"]
    assert RiskEvent.objects.count() == 1


@pytest.mark.django_db
def test_changing_one_factor_rescores_with_the_others_kept(me: Any) -> None:
    unit = f.unit(me)
    event = f.event(me, unit, l=3, e=6, c=15)  # 270 orange
    changed = services.event_update(actor=me, unit_id=unit.pk, event_id=event.pk, data={"c": 40})
    assert (changed.score, changed.grade) == (Decimal("720.00"), "red")
    assert (changed.l, changed.e) == (Decimal("3"), Decimal("6"))
    with pytest.raises(FieldErrors) as caught:
        services.event_update(actor=me, unit_id=unit.pk, event_id=event.pk, data={"e": "7", "name": "新名"})
    assert list(caught.value.errors) == ["e"]
    event.refresh_from_db()
    assert event.name == "液氯泄漏中毒" and event.score == Decimal("720.00")  # nothing half-saved
