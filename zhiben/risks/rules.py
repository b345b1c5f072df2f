"""The rules of risk grading and of the national interface's classifications, as data (issue 15).

Scoring (settings ``ZHIBEN["RISK_METHODS"]``, so a province can change the bands without code):

- LEC (作业条件危险性分析法, Graham–Kinney): D = L × E × C, each factor one of the values of its table; the four
  bands used by the provincial dual-prevention standards (e.g. DB37/T 2882-2016 — verify against the local
  standard): D > 320 重大 (red), 160 < D ≤ 320 较大 (orange), 70 < D ≤ 160 一般 (yellow), D ≤ 70 低 (blue).
- L × S (风险矩阵): likelihood and severity each 1–5, R = L × S; 20–25 red, 15–16 orange, 9–12 yellow, 1–8 blue.

The enterprise's overall grade (``ZHIBEN["RISK_ENTERPRISE_RULE"]``, default ``worst``) is its worst risk event's
grade: one red event makes a red enterprise. The reason is kept with it so a regulator can see why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings

from zhiben.common.errors import FieldErrors

GRADES: tuple[str, ...] = ("red", "orange", "yellow", "blue")  # worst first
GRADE_NAMES = {"red": "重大风险", "orange": "较大风险", "yellow": "一般风险", "blue": "低风险"}
GRADE_COLOURS = {"red": "#d9363e", "orange": "#f08c00", "yellow": "#f5c400", "blue": "#1677ff"}

# The national interface's classes of control measures (管控方式 classify1) and their sub-classes (classify2), as
# the 危险化学品企业双重预防机制数字化建设 data-exchange rules list them (issue 15: "classified as the national
# interface classifies them").
CLASSIFY1: dict[str, str] = {"1": "工程技术", "2": "维护保养", "3": "操作行为", "4": "应急措施"}
CLASSIFY2: dict[str, dict[str, str]] = {
    "1": {"1-1": "工艺控制", "1-2": "关键设备/部件", "1-3": "安全附件", "1-4": "安全仪表", "1-5": "其他"},
    "2": {"2-1": "动设备", "2-2": "静设备", "2-3": "其他"},
    "3": {"3-1": "人员资质", "3-2": "操作记录", "3-3": "交接班", "3-4": "其他"},
    "4": {"4-1": "应急设施", "4-2": "个体防护", "4-3": "消防设施", "4-4": "应急预案", "4-5": "其他"},
}
EMERGENCY_CLASS = "4"


def methods() -> Mapping[str, Any]:
    """The scoring methods from settings: ``{"lec": {"factors": {"l": {"label", "values"}…}, "bands": [[min, grade]…]},
    "ls": {"factors": {"likelihood": {"label", "min", "max"}…}, "bands": …}}``; bands are (exclusive lower bound,
    grade), highest first."""
    return settings.ZHIBEN["RISK_METHODS"]


def _number(value: Any, field: str, label: str) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise FieldErrors({field: f"{label}不能为空"})
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise FieldErrors({field: f"{label}须为数字"}) from None
    if not number.is_finite():
        raise FieldErrors({field: f"{label}须为数字"})
    return number


def score(method: str, factors: Mapping[str, Any]) -> tuple[dict[str, Decimal | int], Decimal]:
    """Check the factors of one risk event against ``method`` (``"lec"`` or ``"ls"``) and score it.

    ``factors`` holds ``l``, ``e``, ``c`` (LEC) or ``likelihood``, ``severity`` (L×S). Answers the cleaned factors
    (Decimals for LEC, ints for L×S) and the score (D = L×E×C or R = L×S). Raises ``FieldErrors`` naming the field
    when a factor is missing, not a number, or not one of the method's values (LEC: the values of its tables; L×S: a
    whole number within min–max)."""
    spec = methods().get(method)
    if spec is None:
        raise FieldErrors({"method": "评价方法须为 LEC 或 L×S"})
    cleaned: dict[str, Decimal | int] = {}
    product = Decimal(1)
    for field, rule in spec["factors"].items():
        label = rule["label"]
        number = _number(factors.get(field), field, label)
        if "values" in rule:
            allowed = [Decimal(str(v)) for v in rule["values"]]
            if number not in allowed:
                shown = "、".join(str(v) for v in rule["values"])
                raise FieldErrors({field: f"{label}须为 {shown} 之一（收到 {value_text(number)}）"})
            cleaned[field] = number
        else:
            low, high = rule["min"], rule["max"]
            if number != number.to_integral_value() or not low <= number <= high:
                raise FieldErrors({field: f"{label}须为 {low}–{high} 的整数（收到 {value_text(number)}）"})
            cleaned[field] = int(number)
        product *= number
    return cleaned, product.quantize(Decimal("0.01"))


def value_text(number: Decimal) -> str:
    """A score or factor as people write it: 600, 0.5 (no trailing zeros)."""
    text = format(number.normalize(), "f")
    return text


def grade_for(method: str, value: Decimal) -> str:
    """The grade of score ``value`` under ``method``: the first band (highest first) whose lower bound it exceeds
    (``[[320, "red"], [160, "orange"], [70, "yellow"], [0, "blue"]]`` for LEC: D > 320 is red)."""
    for bound, grade in methods()[method]["bands"]:
        if value > Decimal(str(bound)):
            return str(grade)
    return str(methods()[method]["bands"][-1][1])


def worst(grades: Sequence[str]) -> str:
    """The worst of some grades ("" when there are none)."""
    present = [g for g in GRADES if g in grades]
    return present[0] if present else ""


def check_classification(classify1: str, classify2: str) -> None:
    """Refuse a class or sub-class the national interface does not know (``FieldErrors`` naming the field)."""
    if classify1 not in CLASSIFY1:
        shown = "、".join(f"{k} {v}" for k, v in CLASSIFY1.items())
        raise FieldErrors({"classify1": f"管控方式须为 {shown} 之一"})
    if classify2 not in CLASSIFY2[classify1]:
        shown = "、".join(f"{k} {v}" for k, v in CLASSIFY2[classify1].items())
        raise FieldErrors({"classify2": f"“{CLASSIFY1[classify1]}”的管控措施分类须为 {shown} 之一"})
