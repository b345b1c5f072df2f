"""The accident register's typed inputs (DESIGN.md §8): one model per use case, the fields' one home.

The API takes them as its request bodies, the pages build them from their forms, the services take them.
Each field's parser reads what people type (full-width digits, ``1,000``, a time without a zone is Beijing
time) and says in Chinese what is wrong; the service then checks what needs the actor (scope) and the
record (the supplement window).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Field
from pydantic import AfterValidator, BeforeValidator

from zhiben.common.dates import parse_day
from zhiben.common.inputs import Input, choice, required, text
from zhiben.common.validators import has_more_places, places_message, to_decimal, to_halfwidth

from . import rules
from .models import AccidentType, Grade, RelayLevel

# Clocks of phones and clients drift: a time this far ahead of the server's is not "in the future".
CLOCK_SKEW = datetime.timedelta(minutes=5)


def clean_count(raw: Any, *, label: str, unit: str = "人") -> int:
    """A number of people (or of days, ``unit`` "天"): a whole number from 0 to ``rules.MAX_PERSONS``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(f"请填写{label}（没有填0）" if unit == "人" else f"请填写{label}")
    if isinstance(raw, bool):
        raise ValueError(f"{label}应为整数")
    if isinstance(raw, int):
        value = raw
    else:
        text = to_halfwidth(str(raw)).strip()
        if not re.fullmatch(r"-?[0-9]+", text):  # ASCII digits: "²" and "--5" are not numbers
            raise ValueError(f"{label}应为整数")
        value = int(text)
    if value < 0:
        raise ValueError(f"{label}不能为负数")
    if value > rules.MAX_PERSONS:
        raise ValueError(f"{label}不能超过{rules.MAX_PERSONS}{unit}，请核实")
    return value


def clean_loss(raw: Any) -> Decimal:
    """Direct economic loss in yuan: from 0 to ``rules.MAX_LOSS``, to the fen (a third decimal is refused)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("请填写直接经济损失（元，没有填0）")
    if isinstance(raw, bool):
        raise ValueError("直接经济损失应为数字（元）")
    value = to_decimal(raw)
    if value is None or not value.is_finite():
        raise ValueError("直接经济损失应为数字（元）")
    if value < 0:
        raise ValueError("直接经济损失不能为负数")
    if value > rules.MAX_LOSS:
        raise ValueError("直接经济损失不能超过10万亿元，请核实（单位为元）")
    if has_more_places(value, 2):
        raise ValueError(places_message("直接经济损失", 2) + "（元，到分）")
    return value.quantize(Decimal("0.01"))


def clean_moment(raw: Any, *, label: str, required: bool = True) -> datetime.datetime | None:
    """An aware date and time; a naive one is Beijing time. Neither in the future nor before 2000."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValueError(f"请填写{label}")
        return None
    value: datetime.datetime | None
    if isinstance(raw, datetime.datetime):
        value = raw
    elif isinstance(raw, datetime.date):
        raise ValueError(f"{label}应包含时刻，如 2025-03-01 08:30")
    else:
        try:
            value = parse_datetime(str(raw).strip())
        except ValueError:
            value = None
        if value is None:
            raise ValueError(f"{label}应为日期和时刻，如 2025-03-01 08:30")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_SKEW:
        raise ValueError(f"{label}不能晚于当前时间")
    if value < rules.EARLIEST:
        raise ValueError(f"{label}不能早于2000年")
    return value


def clean_day(raw: Any, *, label: str, required: bool = False) -> datetime.date | None:
    """A Beijing day (``dates.parse_day``) or None for blank; ValueError naming ``label`` otherwise."""
    value = parse_day(raw, label=label)
    if value is None and required:
        raise ValueError(f"请填写{label}")
    if value is not None and value > rules.today():
        raise ValueError(f"{label}不能晚于今天")
    return value


def clean_extension_days(raw: Any) -> int:
    """Days of an extension: a whole number from 1 (the service checks the article's upper bound)."""
    value = clean_count(raw, label="延长天数", unit="天")
    if value < 1:
        raise ValueError("延长天数至少为1天")
    return value


Persons = Annotated[int, BeforeValidator(lambda v, info: clean_count(v, label=_LABELS[info.field_name]))]
Loss = Annotated[Decimal, BeforeValidator(clean_loss)]
_LABELS = {"deaths": "死亡人数", "serious_injuries": "重伤人数", "missing": "下落不明人数"}


class AccidentReport(Input):
    """事故快报: what is known in the first report (《生产安全事故报告和调查处理条例》第九条、第十二条)."""

    enterprise: str | None = Field(
        None, max_length=30, title="事故发生单位（统一社会信用代码）", description="事故发生单位的统一社会信用代码"
    )
    region: str | None = Field(
        None,
        max_length=12,
        title="事故发生地",
        description="事故发生地（区县或乡镇代码）；填写 enterprise 时默认为该企业所在区划",
    )
    sector: str | None = Field(
        None, max_length=32, title="行业领域", description="行业领域代码，见 /sectors；默认为该企业的行业领域"
    )
    type: Annotated[
        str, choice("事故类别", AccidentType.choices), AfterValidator(lambda v: v or AccidentType.OTHER)
    ] = Field(
        AccidentType.OTHER,
        title="事故类别",
        description="事故类别（GB 6441 分类及道路交通事故、火灾事故），默认 other；道路交通事故、火灾的补报期为7日",
    )
    occurred_at: Annotated[datetime.datetime, BeforeValidator(partial(clean_moment, label="发生时间"))] = Field(
        ..., title="发生时间", description="发生时间；不带时区的按北京时间"
    )
    head_notified_at: Annotated[
        datetime.datetime | None, BeforeValidator(partial(clean_moment, label="单位负责人接报时间", required=False))
    ] = Field(
        None,
        title="单位负责人接报时间",
        description="单位负责人接到事故报告的时间，默认为发生时间；1小时报告时限从此起算（第九条）",
    )
    reported_at: Annotated[
        datetime.datetime | None, BeforeValidator(partial(clean_moment, label="首报时间", required=False))
    ] = Field(None, title="首报时间", description="首报时间，默认为登记时；晚于单位负责人接报时间1小时为迟报")
    deaths: Persons = Field(..., title="死亡人数", description="死亡人数（0–100000）")
    missing: Persons = Field(
        0, title="下落不明人数", description="下落不明人数（第十二条），定级时与死亡人数合计；默认0"
    )
    serious_injuries: Persons = Field(..., title="重伤人数", description="重伤人数，含急性工业中毒（0–100000）")
    direct_loss: Loss = Field(..., title="直接经济损失（元）", description="直接经济损失（元，0–1e13）")
    description: Annotated[str, text("事故简要经过", 4000, required=True)] = Field(
        ..., max_length=4000, title="事故简要经过", description="事故简要经过"
    )


class SupplementReport(Input):
    """补报: the new totals (第十三条: within 30 days, 7 for road traffic accidents and fires; later ones are
    recorded as later facts that change nothing)."""

    reported_on: Annotated[datetime.date | None, BeforeValidator(partial(clean_day, label="补报日期"))] = Field(
        None, title="补报日期", description="补报日期，默认为今天"
    )
    deaths: Persons = Field(..., title="死亡人数（补报后总数）", description="补报后的死亡人数（总数）")
    missing: Persons = Field(0, title="下落不明人数（补报后总数）", description="补报后的下落不明人数（总数）")
    serious_injuries: Persons = Field(..., title="重伤人数（补报后总数）", description="补报后的重伤人数（总数）")
    direct_loss: Loss = Field(
        ..., title="直接经济损失（元，补报后总数）", description="补报后的直接经济损失（元，总数）"
    )
    note: Annotated[str, text("补报说明", 1000)] = Field("", max_length=1000, title="补报说明", description="补报说明")
    reason: Annotated[str, text("核减理由", 1000)] = Field(
        "", max_length=1000, title="核减理由", description="补报期内任一数字低于当前记录时必填"
    )


class RelayReport(Input):
    """逐级上报: the level the accident was relayed to and when it got there (第十条、第十一条)."""

    level: Annotated[str, choice("上报层级", RelayLevel.choices, allow_blank=False)] = required(
        title="上报层级", description="city|province|national"
    )
    reported_at: Annotated[datetime.datetime | None, BeforeValidator(partial(clean_moment, label="上报时间"))] = (
        required(title="上报时间", description="该级收到报告的时间；不带时区的按北京时间")
    )


class InvestigationReport(Input):
    """事故调查报告 (第二十九条): the day it was submitted (the government received it) and the 核定 grade."""

    submitted_on: Annotated[
        datetime.date | None, BeforeValidator(partial(clean_day, label="调查报告提交日期", required=True))
    ] = required(title="调查报告提交日期", description="调查报告提交日期，不能晚于今天，不能早于事故发生日")
    verified_grade: Annotated[str, choice("核定等级", Grade.choices, allow_blank=False)] = required(
        title="核定等级", description="调查核定的事故等级：general|relatively_major|major|especially_major"
    )


class DeadlineExtension(Input):
    """A deadline extended once, with the days and the reason (第二十九条 调查 ≤60日; 第三十二条 批复 ≤30日)."""

    days: Annotated[int, BeforeValidator(clean_extension_days)] = required(title="延长天数", description="延长天数")
    reason: Annotated[str, text("延长理由", 1000, required=True)] = required(max_length=1000, title="延长理由")


class ReplyReport(Input):
    """批复 (第三十二条): the day the government answered the investigation report."""

    replied_on: Annotated[
        datetime.date | None, BeforeValidator(partial(clean_day, label="批复日期", required=True))
    ] = required(title="批复日期", description="批复日期，不能晚于今天，不能早于调查报告提交日期")
