"""name_key and code_key: one comparison of what people type, whatever their keyboard or clipboard did."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiben.common.names import DASHES, MIDDLE_DOTS, code_key, name_key

# names as people write them: Chinese, Latin letters, digits, brackets, dots, dashes, spaces
_PARTS = st.text(
    alphabet=st.sampled_from("重庆清溪建材有限公司秀山分厂阿卜杜热合曼ABCabcxyz0123456789()（）[]【】 ·-—"), max_size=30
)
_SPACES = st.sampled_from([" ", "\u3000", "\u00a0", "\u2009", "\u200b", "\u200d", "\ufeff", "\u2060", "\t"])
_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@given(st.text(max_size=40))
def test_name_key_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@given(st.text(max_size=40))
def test_code_key_is_idempotent(text: str) -> None:
    assert code_key(code_key(text)) == code_key(text)


@given(_PARTS)
def test_full_width_and_half_width_forms_have_one_key(text: str) -> None:
    assert name_key(text.translate(_FULLWIDTH)) == name_key(text)


@given(_PARTS, _PARTS)
def test_brackets_of_either_width_have_one_key(a: str, b: str) -> None:
    assert name_key(f"{a}（{b}）") == name_key(f"{a}({b})")
    assert name_key(f"{a}【{b}】") == name_key(f"{a}[{b}]") == name_key(f"{a}［{b}］")


@given(_PARTS, _PARTS, _SPACES)
def test_spaces_and_invisible_characters_do_not_count(a: str, b: str, space: str) -> None:
    assert name_key(f"{a}{space}{b}") == name_key(a + b)
    assert name_key(f"{space}{a}{b}{space}") == name_key(a + b)


@given(_PARTS, _PARTS, st.sampled_from(MIDDLE_DOTS))
def test_every_middle_dot_or_none_is_the_same(a: str, b: str, dot: str) -> None:
    assert name_key(f"{a}{dot}{b}") == name_key(f"{a}·{b}") == name_key(a + b)


@given(_PARTS, _PARTS, st.sampled_from(DASHES))
def test_every_dash_is_one_dash(a: str, b: str, dash: str) -> None:
    assert name_key(f"{a}{dash}{b}") == name_key(f"{a}-{b}")


@given(_PARTS)
def test_case_does_not_count(text: str) -> None:
    assert name_key(text.upper()) == name_key(text.lower()) == name_key(text)


def test_the_field_case_and_names_that_differ() -> None:
    registered = "重庆清溪建材有限公司（秀山分公司）"
    for typed in (
        "重庆清溪建材有限公司(秀山分公司)",
        "重庆清溪建材有限公司 （秀山分公司）",
        "重庆清溪建材有限公司\u3000(秀山分公司)",
        "重庆清溪建材\u200b有限公司(秀山分公司)",
    ):
        assert name_key(typed) == name_key(registered), typed
    assert name_key("ＡＢＣ－１２３·化工") == name_key("abc—123・化工") == name_key("ABC-123化工")
    # different names stay different
    assert name_key("重庆清溪建材有限公司") != name_key(registered)
    assert name_key("清溪一厂") != name_key("清溪二厂") and name_key("A-B") != name_key("AB")
    assert name_key(None) == ""


@pytest.mark.parametrize(
    "typed",
    [
        "ＷＢＤＦ-２３４５-６７８９-ＡＢＣＤ-ＥＦＧＨ",
        "wbdf-2345-6789-abcd-efgh",
        "WBDF–2345—6789―ABCD－EFGH",
        "WBDF 2345\u30006789\u00a0ABCD EFGH",
        "\u200bWBDF-2345\u200c-6789-ABCD-EFGH\ufeff",
        "WBDF23456789ABCDEFGH",
    ],
)
def test_a_code_is_what_it_says_however_it_was_typed(typed: str) -> None:
    assert code_key(typed) == "WBDF23456789ABCDEFGH"


def test_a_code_keeps_its_dashes_where_they_belong() -> None:
    assert code_key("saws121c—1", dash="-") == code_key("ＳＡＷＳ１２１Ｃ－１", dash="-") == "SAWS121C-1"
