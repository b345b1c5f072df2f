"""统一社会信用代码 rules (GB 32100-2015, FACTS §6), checked by python-stdnum."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben.common.validators import clean_credit_code
from zhiben.demo.generator import make_credit_code, org_check_char

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z


@pytest.mark.parametrize("code", ["91440300708461136T", "91330100716105852F", "91110108551385082Q"])
def test_the_documented_examples_are_valid(code: str) -> None:
    assert clean_credit_code(code) == code


def test_full_width_input_from_a_chinese_ime_is_accepted() -> None:
    assert clean_credit_code("９１４４０３００７０８４６１１３６Ｔ") == "91440300708461136T"


@given(seed=st.integers(0, 10**9), county=st.sampled_from(["500241", "654326", "110105", "440305"]))
def test_generated_codes_are_valid_and_carry_the_region(seed: int, county: str) -> None:
    code = make_credit_code(random.Random(seed), county)
    assert clean_credit_code(code) == code
    assert code[2:8] == county
    assert org_check_char(code[8:16]) == code[16]


@given(seed=st.integers(0, 10**9), position=st.integers(0, 17), replacement=st.sampled_from(ALPHABET))
def test_any_single_character_change_is_caught(seed: int, position: int, replacement: str) -> None:
    code = make_credit_code(random.Random(seed), "500241")
    mutated = code[:position] + replacement + code[position + 1 :]
    if mutated == code:
        return
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked elsewhere
        clean_credit_code(mutated)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_alphabet_are_refused(letter: str) -> None:
    with pytest.raises(ValueError, match="格式"):
        clean_credit_code("9144030070846113" + letter + "T")
