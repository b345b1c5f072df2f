"""GB/T 2260 codes: every accepted input form normalises to the short form (DESIGN.md §2, FACTS §6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben.regions.codes import (
    InvalidRegionCode,
    normalize_code,
    padded,
    parent_code,
    township_kind,
)

two = st.integers(1, 99).map(lambda n: f"{n:02d}")
nonzero_two = st.integers(1, 99).map(lambda n: f"{n:02d}")
three = st.integers(1, 999).map(lambda n: f"{n:03d}")


@pytest.mark.parametrize(
    ("raw", "short"),
    [
        ("65", "65"),
        ("650000", "65"),
        ("650000000000", "65"),
        ("6543", "6543"),
        ("654300", "6543"),
        ("654326", "654326"),
        ("654326000", "654326"),
        ("654326101", "654326101"),
        ("654326101000", "654326101"),
        (" 654326 ", "654326"),
        ("820001", "820001"),  # Macau's parishes sit straight under the province-level code
    ],
)
def test_it_normalises_every_accepted_form(raw: str, short: str) -> None:
    assert normalize_code(raw) == short


@pytest.mark.parametrize(
    "raw", ["", "6", "654", "65432", "6543261", "abc", "65432610100", "654326101001", "00", "00123"]
)
def test_it_refuses_what_is_not_a_code(raw: str) -> None:
    with pytest.raises(InvalidRegionCode):
        normalize_code(raw)


@given(province=nonzero_two, prefecture=nonzero_two, county=nonzero_two, town=three)
def test_padded_and_statistical_forms_agree(province: str, prefecture: str, county: str, town: str) -> None:
    county_code = province + prefecture + county
    assert normalize_code(county_code) == county_code
    assert normalize_code(county_code + "000000") == county_code
    assert normalize_code(province + prefecture + "00") == province + prefecture
    assert normalize_code(province + "0000") == province
    township = county_code + town
    assert normalize_code(township + "000") == township
    # The short form is stable, and a subtree is a prefix: every ancestor prefixes its descendants.
    assert normalize_code(padded(county_code)) == county_code
    assert township.startswith(parent_code(township) or "")
    assert parent_code(county_code) == province + prefecture


def test_township_numbering_follows_gb_t_2260() -> None:
    # FACTS §6: 001–099 streets, 100–199 towns, 200–399 townships.
    assert township_kind("500241001") == "街道"
    assert township_kind("500241099") == "街道"
    assert township_kind("500241100") == "镇"
    assert township_kind("500241200") == "乡"
    assert township_kind("500241399") == "乡"
