"""GB/T 2260 region codes: normalisation to the short form (DESIGN.md §2, FACTS.md §6).

Codes are hierarchical by prefix: province 2 digits, prefecture 4, county 6, township 9. The
padded 6-digit form (``650000``, ``654300``) and the 12-digit statistical form are accepted as
input and reduced to the short form, so that a region subtree is a plain prefix.
"""

from __future__ import annotations

import re
from enum import IntEnum

_DIGITS = re.compile(r"^\d+$")


class Level(IntEnum):
    """Administrative level, numbered by code length."""

    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3
    TOWNSHIP = 4


LEVEL_LENGTH = {Level.PROVINCE: 2, Level.PREFECTURE: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9}
LENGTH_LEVEL = {length: level for level, length in LEVEL_LENGTH.items()}
LEVEL_NAMES = {Level.PROVINCE: "省级", Level.PREFECTURE: "地级", Level.COUNTY: "县级", Level.TOWNSHIP: "乡级"}


class InvalidRegionCode(ValueError):
    """The text is not a GB/T 2260 code in any accepted form."""


def normalize_code(raw: str) -> str:
    """Return the short form of a region code given in short, padded or 12-digit form.

    >>> normalize_code("650000"), normalize_code("654300"), normalize_code("654326101000")
    ('65', '6543', '654326101')
    """
    code = str(raw).strip()
    if not _DIGITS.match(code):
        raise InvalidRegionCode("行政区划代码只能由数字组成")
    if len(code) == 12:
        # 12-digit statistical form: 6 (county) + 3 (township) + 3 (village); villages are not kept.
        if code[9:] != "000":
            raise InvalidRegionCode("不支持村级（12位）代码，请使用乡镇街道及以上的代码")
        code = code[:9]
    if len(code) == 9:
        if code[6:] == "000":
            code = code[:6]
        else:
            return code
    if len(code) == 6:
        if code[2:] == "0000":
            code = code[:2]
        elif code[4:] == "00":
            code = code[:4]
        return _check_short(code)
    if len(code) in (2, 4):
        return _check_short(code)
    raise InvalidRegionCode("行政区划代码应为2、4、6、9或12位数字")


def _check_short(code: str) -> str:
    if code[:2] == "00":
        raise InvalidRegionCode("省级代码不能为00")
    return code


def level_of(code: str) -> Level:
    return LENGTH_LEVEL[len(code)]


def parent_code(code: str) -> str | None:
    """The code of the level above (None for a province)."""
    length = len(code)
    if length == 2:
        return None
    if length == 4:
        return code[:2]
    if length == 6:
        return code[:4]
    return code[:6]


def padded(code: str) -> str:
    """The 6-digit GB/T 2260 form of a province, prefecture or county; townships keep 9 digits."""
    return code if len(code) == 9 else code.ljust(6, "0")


def township_kind(code: str) -> str:
    """GB/T 2260 township numbering: 001–099 streets, 100–199 towns, 200–399 townships (FACTS §6)."""
    number = int(code[6:9])
    if number < 100:
        return "街道"
    if number < 200:
        return "镇"
    if number < 400:
        return "乡"
    return "其他乡级单位"
