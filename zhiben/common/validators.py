"""Field rules shared by the API, the pages and (later) the Excel import: one validation path."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from stdnum import exceptions as stdnum_exc
from stdnum.cn import uscc

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
    code, message = _checked_code(str(raw).strip().translate(_FULLWIDTH))
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


def clean_text(raw: Any, *, label: str, max_length: int, required: bool = False) -> str:
    """Trimmed text of at most ``max_length`` characters (a number a spreadsheet gives is taken as its text);
    a list, an object or a yes/no, and control characters such as NUL, are refused in Chinese."""
    if isinstance(raw, bool | list | dict | tuple):
        raise ValueError(f"{label}应为文本")
    text = "" if raw is None else str(raw).strip()
    if "\x00" in text:
        raise ValueError(f"{label}含有无法保存的控制字符（NUL）")
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
    values = {str(v) for v, _ in choices}
    if text in values:
        return text
    # Accept the Chinese label too (ledgers are typed by people).
    for value, name in choices:
        if text == str(name):
            return str(value)
    raise ValueError(f"{label}取值不正确，可选：{'、'.join(str(n) for _, n in choices)}")


def clean_decimal(raw: Any, *, label: str, minimum: Decimal, maximum: Decimal, places: int) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{label}应为数字") from exc
    if not value.is_finite() or value < minimum or value > maximum:
        raise ValueError(f"{label}应在{minimum}至{maximum}之间")
    return value.quantize(Decimal(1).scaleb(-places))
