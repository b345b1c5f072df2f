"""The enterprise register's typed inputs (DESIGN.md §8): registration and change, the one home of each
field's Chinese label, limit and parser — for the API bodies, the pages, the ledger import and the services.

What needs the actor (the region and sector within the officer's scope) is ``services.validate_enterprise``'s.
A change names only the fields it changes (``model_fields_set``): a field left out is left as it is.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from ninja import Field
from pydantic import BeforeValidator

from zhiben.common.dates import parse_day
from zhiben.common.inputs import Input, choice, phone, required, text
from zhiben.common.names import code_key
from zhiben.common.validators import clean_credit_code, clean_decimal

from .models import OperatingStatus, RiskLevel, Scale, StandardisationGrade, SupervisionClass


def _clean_bool(raw: Any, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "是", "y"):
        return True
    if text in ("0", "false", "no", "否", "n", ""):
        return False
    raise ValueError(f"{label}应为“是”或“否”")


def _clean_date(raw: Any, label: str) -> datetime.date | None:
    """A Beijing day (``dates.parse_day``) or None for blank; ValueError naming ``label`` otherwise."""
    return parse_day(raw, label=label)


def _clean_industry_code(raw: Any) -> str:
    """GB/T 4754-2017 code: optional section letter, then a 2-, 3- or 4-digit division/group/class."""
    text = code_key(raw)
    if not text:
        return ""
    digits = text[1:] if text[:1].isalpha() else text
    if not (digits.isdigit() and len(digits) in (2, 3, 4)) or (text[:1].isalpha() and not "A" <= text[0] <= "T"):
        raise ValueError("国民经济行业代码应为门类字母加2至4位数字，如 C3011 或 3011")
    return text


def _clean_employees(raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError as exc:
        raise ValueError("从业人数应为整数") from exc
    if value < 0 or value > 2_000_000:
        raise ValueError("从业人数应在0至2000000之间")
    return value


def _bool(raw: Any, *, label: str) -> bool | None:
    return None if raw is None else _clean_bool(raw, label)


def _coordinate(raw: Any, *, label: str, low: int, high: int) -> Decimal | None:
    # China lies within about 73–136°E and 3–54°N.
    return clean_decimal(raw, label=label, minimum=Decimal(low), maximum=Decimal(high), places=6)


class EnterpriseFields(Input):
    """The fields an enterprise's record holds beyond its identity (all optional)."""

    industry_code: Annotated[str, BeforeValidator(_clean_industry_code)] = Field(
        "", max_length=8, title="国民经济行业代码", description="GB/T 4754 行业代码，如 C3011"
    )
    address: Annotated[str, text("地址", 200)] = Field("", max_length=200, title="地址")
    high_risk: Annotated[bool | None, BeforeValidator(partial(_bool, label="高危行业"))] = Field(None, title="高危行业")
    scale: Annotated[str, choice("企业规模", Scale.choices)] = Field(
        "", max_length=8, title="企业规模", description="large|medium|small|micro"
    )
    above_scale: Annotated[bool | None, BeforeValidator(partial(_bool, label="规模以上"))] = Field(
        None, title="规模以上"
    )
    employees: Annotated[int | None, BeforeValidator(_clean_employees)] = Field(None, title="从业人数")
    risk_level: Annotated[str, choice("安全风险等级", RiskLevel.choices)] = Field(
        "", max_length=8, title="安全风险等级", description="red|orange|yellow|blue"
    )
    supervision_class: Annotated[str, choice("监管分类", SupervisionClass.choices)] = Field(
        "", max_length=1, title="监管分类", description="A|B|C|D"
    )
    standardisation_grade: Annotated[str, choice("安全生产标准化等级", StandardisationGrade.choices)] = Field(
        "", max_length=4, title="安全生产标准化等级", description="1|2|3|none"
    )
    standardisation_valid_until: Annotated[
        datetime.date | None, BeforeValidator(partial(_clean_date, label="标准化有效期至"))
    ] = Field(None, title="标准化有效期至")
    insured: Annotated[bool | None, BeforeValidator(partial(_bool, label="投保安责险"))] = Field(
        None, title="投保安责险"
    )
    insurance_valid_until: Annotated[
        datetime.date | None, BeforeValidator(partial(_clean_date, label="安责险有效期至"))
    ] = Field(None, title="安责险有效期至")
    principal: Annotated[str, text("主要负责人", 60)] = Field("", max_length=60, title="主要负责人")
    principal_phone: Annotated[str, phone("主要负责人电话")] = Field("", max_length=32, title="主要负责人电话")
    actual_controller: Annotated[str, text("实际控制人", 60)] = Field("", max_length=60, title="实际控制人")
    safety_contact: Annotated[str, text("安全管理联系人", 60)] = Field("", max_length=60, title="安全管理联系人")
    safety_phone: Annotated[str, phone("安全管理联系电话")] = Field("", max_length=32, title="安全管理联系电话")
    status: Annotated[str, choice("经营状态", OperatingStatus.choices)] = Field(
        "", max_length=12, title="经营状态", description="operating|suspended|closed"
    )
    longitude: Annotated[Decimal | None, BeforeValidator(partial(_coordinate, label="经度", low=73, high=136))] = Field(
        None, title="经度"
    )
    latitude: Annotated[Decimal | None, BeforeValidator(partial(_coordinate, label="纬度", low=3, high=54))] = Field(
        None, title="纬度"
    )


class EnterpriseRegistration(EnterpriseFields):
    """企业登记: a new enterprise on the register (统一社会信用代码, GB 32100)."""

    credit_code: Annotated[str, BeforeValidator(clean_credit_code)] = required(
        max_length=30, title="统一社会信用代码", description="统一社会信用代码（18位）"
    )
    name: Annotated[str, text("单位名称", 200, required=True)] = Field(
        None, validate_default=True, max_length=200, title="单位名称"
    )
    region: str | None = Field(None, max_length=12, title="所在区划", description="区县或乡镇代码")
    sector: str | None = Field(None, max_length=32, title="行业领域", description="行业领域代码，见 /sectors")


class EnterpriseChange(EnterpriseFields):
    """Fields to change. ``credit_code`` may be given only as it is: it never changes."""

    credit_code: str | None = Field(None, max_length=30, title="统一社会信用代码")
    # None when left out (the change leaves the name as it is); given, it must not be blank.
    name: Annotated[str | None, text("单位名称", 200, required=True)] = Field(None, max_length=200, title="单位名称")
    region: str | None = Field(None, max_length=12, title="所在区划")
    sector: str | None = Field(None, max_length=32, title="行业领域")
