"""Field rules shared by the API, the pages and (later) the Excel import: one validation path."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum import exceptions as stdnum_exc
from stdnum.cn import uscc

from .names import code_key

# 统一社会信用代码 (GB 32100-2015) is checked by python-stdnum, not by hand (FACTS.md §6).
_USCC_MESSAGES: dict[type[Exception], str] = {
    stdnum_exc.InvalidLength: "统一社会信用代码应为18位",
    stdnum_exc.InvalidFormat: "统一社会信用代码格式不正确（含非法字符，不得使用I、O、S、V、Z）",
    stdnum_exc.InvalidChecksum: "统一社会信用代码校验位错误",
    stdnum_exc.InvalidComponent: "统一社会信用代码中的登记管理部门、机构类别或组织机构代码不正确",
}


def clean_credit_code(raw: Any) -> str:
    """Return the compact, upper-case code or raise ValueError with a Chinese message."""
    if raw is None or not str(raw).strip():
        raise ValueError("请填写统一社会信用代码")
    code, message = _checked_code(code_key(raw))
    if message:
        raise ValueError(message)
    return code


@lru_cache(maxsize=200_000)
def _checked_code(text: str) -> tuple[str, str]:
    """(code, "") or ("", message): remembered, as an import checks each firm's code on many rows."""
    try:
        return str(uscc.validate(text)), ""
    except stdnum_exc.ValidationError as exc:
        for cls, message in _USCC_MESSAGES.items():
            if isinstance(exc, cls):
                return "", message
        return "", "统一社会信用代码不正确"


# Full-width letters and digits (as typed with a Chinese IME) to ASCII.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def _invisible(char: str) -> bool:
    """Whitespace, or a format character nobody sees (zero-width space and joiners, BOM, direction marks,
    soft hyphen). Tag characters (U+E0000…) are left: they end some flag emoji."""
    return char.isspace() or (unicodedata.category(char) == "Cf" and ord(char) < 0xE0000)


def visible(text: str) -> str:
    """``text`` without whitespace and invisible format characters at either end."""
    text = text.strip()
    # Most text ends in printable characters (never a format character nor, after strip, whitespace).
    if not text or (text[0].isprintable() and text[-1].isprintable()):
        return text
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def clean_text(raw: Any, *, label: str, max_length: int, required: bool = False) -> str:
    """Trimmed text of at most ``max_length`` characters. Only text is text: a number, a list, an object or
    a yes/no is refused in Chinese (a spreadsheet's number is made text by the importer's parser), and so
    are control characters such as NUL and unpaired surrogates. Text of only invisible characters (a
    zero-width space) is blank."""
    if raw is not None and not isinstance(raw, str):
        raise ValueError(f"{label}应为文本")
    text = "" if raw is None else visible(raw)
    if "\x00" in text:
        raise ValueError(f"{label}含有无法保存的控制字符（NUL）")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800" in JSON)
            raise ValueError(f"{label}含有无法识别的字符") from exc
    if required and not text:
        raise ValueError(f"请填写{label}")
    if len(text) > max_length:
        raise ValueError(f"{label}不能超过{max_length}个字符（现为{len(text)}个）")
    return text


def clean_choice(raw: Any, *, label: str, choices: Any, allow_blank: bool = True) -> str:
    text = "" if raw is None else str(raw).strip()
    if not text:
        if allow_blank:
            return ""
        raise ValueError(f"请选择{label}")
    # The key first, then the Chinese label (ledgers are typed by people); a handful of choices, so two
    # passes cost less than building a set on every call.
    for value, _ in choices:
        if text == str(value):
            return text
    for value, name in choices:
        if text == str(name):
            return str(value)
    found = _loose_choice(text, choices)
    if found is not None:
        return found
    raise ValueError(f"{label}取值不正确，可选：{'、'.join(str(n) for _, n in choices)}")


_PAREN = re.compile(r"[（(]([^）)]*)[）)]")


def _loose_choice(text: str, choices: Any) -> str | None:
    """What people type for a choice beyond its key and label: the key in any case (``FIRE``), half-width
    brackets, or either part of a label "A（B）" (火灾（火灾事故）: 火灾 or 火灾事故) when only one choice
    answers to it. Returns the choice's value, or None."""
    wanted = to_halfwidth(text).replace(" ", "")
    hits = set()
    for value, name in choices:
        label = to_halfwidth(str(name)).replace(" ", "")
        inner = _PAREN.search(label)
        forms = {str(value).lower(), label, _PAREN.sub("", label)} | ({inner.group(1)} if inner else set())
        if wanted.lower() in forms or wanted in forms:
            hits.add(str(value))
    return hits.pop() if len(hits) == 1 else None


# 12,345,678.90: ASCII digits in groups of three (full-width digits and "，" are made ASCII first)
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_PLACES = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六"}


def to_decimal(raw: Any) -> Decimal | None:
    """A number as people and JSON write it — ``1200``, ``1200.5``, ``１２００``, ``1,200.50``, ``1，200`` —
    or None when it is not one (a yes/no, a list, ``5,0000``, text). Infinity and NaN are returned as
    such: the caller's range check refuses them."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        return None
    text = to_halfwidth(str(raw)).strip()
    if "," in text:
        if not _GROUPED.fullmatch(text):
            return None
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def has_more_places(value: Decimal, places: int) -> bool:
    """Whether ``value`` has digits past ``places`` decimals (``1.230`` has not, ``1.235`` has)."""
    return value.is_finite() and value != value.quantize(Decimal(1).scaleb(-places))


def places_message(label: str, places: int) -> str:
    return f"{label}最多{_PLACES.get(places, places)}位小数"


def plain(value: Decimal) -> str:
    """A limit as people write it: ``100,000,000,000`` (never ``1E+11``), ``7,500.50``."""
    if value.is_finite() and value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,f}"


def clean_decimal(raw: Any, *, label: str, minimum: Decimal, maximum: Decimal, places: int) -> Decimal | None:
    """A number from ``minimum`` to ``maximum`` with at most ``places`` decimals (more are refused, never
    rounded away), or None for blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = to_decimal(raw)
    if value is None:
        raise ValueError(f"{label}应为数字")
    if not value.is_finite() or value < minimum or value > maximum:
        raise ValueError(f"{label}应在{plain(minimum)}至{plain(maximum)}之间")
    if has_more_places(value, places):
        raise ValueError(places_message(label, places))
    return value.quantize(Decimal(1).scaleb(-places))


# Phone numbers: a mainland mobile (11 digits, 1[3-9]…) or a landline with its area code (checked against
# the numbering plan by ``phonenumbers``). Separators people type or paste, a +86/0086 prefix and an
# extension (转123, ext 123, #123) are understood; what is kept is 13912345678 or 023-61234567[-123].
PHONE_HELP = "请填写11位手机号码，或带区号的座机号码（如 023-61234567，分机写在“转”后）"
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―－()（）.·]")
_EXTENSION = re.compile(r"(?:转|ext\.?|x|#|分机)(\d{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9]\d{9}")


def clean_phone(raw: Any, *, label: str = "电话") -> str:
    """A Chinese mobile or landline number, normalised (``13912345678``, ``023-61234567``, with an
    extension ``023-61234567-8001``); "" for blank. Raises ValueError naming ``label`` otherwise."""
    text = "".join(ch for ch in to_halfwidth(str(raw or "")) if not _invisible(ch))
    text = _PHONE_SEPARATORS.sub("", text)
    if not text:
        return ""
    extension = ""
    found = _EXTENSION.search(text)
    if found:
        extension, text = found.group(1), text[: found.start()]
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            if not _MOBILE.fullmatch(text) and not text.startswith("0"):
                text = "0" + text  # +86 23 6123 4567: the trunk 0 of the area code is dropped abroad
            break
    if text.startswith("86") and _MOBILE.fullmatch(text[2:]):
        text = text[2:]
    if not text.isdigit():
        raise ValueError(f"{label}不正确：只能填写数字。{PHONE_HELP}")
    if _MOBILE.fullmatch(text):
        if extension:
            raise ValueError(f"{label}不正确：手机号码没有分机号")
        return text
    if text.startswith("0") and 10 <= len(text) <= 12:
        landline = _landline(text)
        if landline:
            return f"{landline}-{extension}" if extension else landline
    if len(text) in (7, 8) and not text.startswith(("0", "1")):
        raise ValueError(f"{label}缺少区号：座机号码请带区号，如 023-{text}")
    raise ValueError(f"{label}不正确：{PHONE_HELP}")


@lru_cache(maxsize=4096)
def _landline(digits: str) -> str:
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return ""
    kinds = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in kinds:
        return ""
    national = phonenumbers.national_significant_number(number)
    area = phonenumbers.length_of_geographical_area_code(number)
    if not area:
        return ""
    return f"0{national[:area]}-{national[area:]}"
