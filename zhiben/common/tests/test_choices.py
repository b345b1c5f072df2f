"""Choices as people type them (a fault of kind "names compared raw"): the key in any case, the label, either part
of a label "A（B）", half- or full-width brackets — and nothing that two choices answer to."""

from __future__ import annotations

import pytest

from zhiben.accidents.models import AccidentType
from zhiben.common.validators import clean_choice

CHOICES = [
    ("fire", "火灾（火灾事故）"),
    ("other", "其他（未分类）"),
    ("other_injury", "其他伤害"),
    ("a", "甲（共用）"),
    ("b", "乙（共用）"),
]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("fire", "fire"),
        ("FIRE", "fire"),
        ("火灾（火灾事故）", "fire"),
        ("火灾(火灾事故)", "fire"),
        ("火灾", "fire"),
        ("火灾事故", "fire"),
        (" 火灾 ", "fire"),
        ("其他", "other"),
        ("其他伤害", "other_injury"),
        ("未分类", "other"),
    ],
)
def test_a_choice_is_read_as_people_type_it(typed: str, value: str) -> None:
    assert clean_choice(typed, label="事故类别", choices=CHOICES) == value


@pytest.mark.parametrize("typed", ["共用", "火", "灾", "其", "fire事故", "()"])
def test_a_text_that_names_no_single_choice_is_refused_naming_the_choices(typed: str) -> None:
    with pytest.raises(ValueError, match="事故类别取值不正确，可选：火灾（火灾事故）"):
        clean_choice(typed, label="事故类别", choices=CHOICES)


def test_every_accident_type_is_read_by_its_short_name() -> None:
    """条例 第十三条 keys the 7-day window on 道路交通事故 and 火灾事故: both as typed on a phone."""
    for value, label in AccidentType.choices:
        short = label.split("（")[0]
        assert clean_choice(short, label="事故类别", choices=AccidentType.choices) == value
    assert clean_choice("火灾事故", label="事故类别", choices=AccidentType.choices) == "fire"
