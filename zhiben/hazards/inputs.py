"""The hazard register's typed input (DESIGN.md §8): ``HazardReport``, the one home of a new hazard's
fields — its Chinese label, its limits and its parser — for the API body, the report page, the ledger
import and the service.

Each field's parser reads what people and spreadsheets give (``2024/3/1`` is the importer's to normalise;
here a date is ISO) and says in Chinese what is wrong. What needs the actor or the database — the
enterprise in scope, the criterion in force for its sector, who may report from which source — is
``services.validate_hazard``'s.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Annotated, Any

from ninja import Field
from pydantic import BeforeValidator

from zhiben.common import dates
from zhiben.common.inputs import Input, choice, required, text
from zhiben.common.validators import clean_credit_code

from .models import Level, Source

EARLIEST = datetime.date(2000, 1, 1)


def parse_date(raw: Any, label: str) -> datetime.date | None:
    """A date (``date``, ``datetime`` or ISO text) or None for blank; ValueError in Chinese otherwise."""
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise ValueError(f"{label}应为日期（如 2024-03-01）") from exc


def _discovered(raw: Any) -> datetime.date:
    """发现日期: required, not in the future (Beijing), not before 2000 (DESIGN.md §6)."""
    day = parse_date(raw, "发现日期")
    if day is None:
        raise ValueError("请填写发现日期")
    if day > dates.today():
        raise ValueError("发现日期不能晚于今天")
    if day < EARLIEST:
        raise ValueError("发现日期不能早于2000年")
    return day


def _criterion(raw: Any) -> str:
    return str(raw or "").strip().upper()


Required = required


class HazardReport(Input):
    """A new hazard: an enterprise's self-check report (企业自查) or an officer's finding."""

    enterprise: Annotated[str, BeforeValidator(clean_credit_code)] = Required(
        max_length=30, title="企业统一社会信用代码", description="企业统一社会信用代码"
    )
    title: Annotated[str, text("隐患名称", 200, required=True)] = Required(max_length=200, title="隐患名称")
    level: Annotated[Level, choice("隐患级别", Level.choices, allow_blank=False)] = Required(title="隐患级别")
    source: Annotated[Source, choice("来源", Source.choices, allow_blank=False)] = Required(title="来源")
    discovered_on: Annotated[datetime.date, BeforeValidator(_discovered)] = Required(title="发现日期")
    criterion: Annotated[str, BeforeValidator(_criterion)] = Field(
        "", max_length=32, title="判定依据", description="判定标准条款编码（重大隐患必填），见 /criteria"
    )
    deadline: Annotated[datetime.date | None, BeforeValidator(partial(parse_date, label="整改期限"))] = Field(
        None, title="整改期限"
    )
    description: Annotated[str, text("隐患描述", 4000)] = Field("", max_length=4000, title="隐患描述")
    location: Annotated[str, text("隐患部位", 200)] = Field("", max_length=200, title="隐患部位")
    external_ref: Annotated[str, text("外部编号", 64)] = Field("", max_length=64, title="外部编号")
