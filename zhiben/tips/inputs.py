"""The tip register's typed inputs (DESIGN.md §8): the public report and follow-up, and the handler's steps
(verification, extension, reply, reward payment).

The API takes them as request bodies, the pages build them from their forms, the services take them.
Each field's parser says in Chinese what is wrong; identity fields are checked (phone numbers by the
shared ``phone`` rule, ID numbers with ``stdnum.cn.ric``) and never echoed back.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal

from ninja import Field
from pydantic import AfterValidator, BeforeValidator
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

from zhiben.common import dates
from zhiben.common.inputs import Input, choice, day, required, text
from zhiben.common.inputs import phone as phone_number
from zhiben.common.names import code_key
from zhiben.common.validators import clean_choice, clean_credit_code, clean_decimal
from zhiben.regions.selectors import host_region

from . import rules
from .models import Category, Exclusion, Outcome

CategoryKey = Literal["major_hazard", "violation", "concealed_accident", "other"]
MIN_DESCRIPTION = 10  # characters: where, which unit, what problem


def _region(raw: Any) -> str:
    """A county or a township (乡镇、街道), as its short code."""
    return host_region(raw, level_error="请选择到区县（或乡镇、街道）").code


def _specific(text: str) -> str:
    if 0 < len(text) < MIN_DESCRIPTION:
        raise ValueError("请把情况写得具体一些（至少10个字）：在哪里、什么单位、什么问题")
    return text


def _credit_code(raw: Any) -> str:
    return clean_credit_code(raw) if str(raw or "").strip() else ""


def _id_number(raw: Any) -> str:
    text = code_key(raw)
    if not text:
        return ""
    try:
        return str(ric.validate(text))
    except stdnum_exc.ValidationError as exc:
        raise ValueError("居民身份证号码不正确（18位，末位校验码）") from exc


class Reporter(Input):
    """The tipster's identity (optional: a tip may be anonymous). Sealed at rest; never shown but to tip handlers."""

    name: Annotated[str, text("姓名", 60)] = Field("", max_length=60, title="姓名")
    phone: Annotated[str, phone_number("电话")] = Field("", max_length=32, title="电话")
    id_number: Annotated[str, BeforeValidator(_id_number)] = Field("", max_length=32, title="居民身份证号码")

    def kept(self) -> dict[str, str]:
        """The fields given, for sealing (``{}`` for none)."""
        return {k: v for k, v in self.model_dump().items() if v}


class TipReport(Input):
    """A public report (群众举报, 《安全生产领域举报奖励办法》)."""

    region: Annotated[str, BeforeValidator(_region)] = Field(
        ..., max_length=12, title="所在地区", description="区县或乡镇（街道）代码"
    )
    category: Annotated[CategoryKey, choice("举报类别", Category.choices, allow_blank=False)] = Field(
        ..., title="举报类别"
    )
    description: Annotated[
        str,
        text("举报内容", 4000, required=True),
        AfterValidator(_specific),
    ] = Field(..., max_length=4000, title="举报内容")
    enterprise_name: Annotated[str, text("被举报单位", 200)] = Field("", max_length=200, title="被举报单位")
    credit_code: Annotated[str, BeforeValidator(_credit_code)] = Field("", max_length=30, title="统一社会信用代码")
    address: Annotated[str, text("地址", 200)] = Field("", max_length=200, title="地址")
    reporter: Reporter | None = None
    joint: bool = Field(
        False,
        title="联名举报",
        description="多人联名举报：reporter 填第一署名人，奖励由第一署名人领取（《安全生产领域举报奖励办法》）",
    )


def _fine(raw: Any) -> Decimal | None:
    return clean_decimal(raw, label="罚款金额", minimum=Decimal(0), maximum=Decimal("1e10"), places=2)


def _deaths(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not re.fullmatch(r"[0-9]+", str(raw).strip()):
        raise ValueError("瞒报死亡人数应为0至10000之间的整数")
    value = int(raw)
    if not 0 <= value <= 10000:
        raise ValueError("瞒报死亡人数应为0至10000之间的整数")
    return value


def _record_id(raw: Any, *, label: str) -> int | None:
    """A record's number: a whole number, never a yes/no (``true`` is not hazard #1)."""
    if raw in (None, ""):
        return None
    if isinstance(raw, bool) or not re.fullmatch(r"[0-9]{1,18}", str(raw).strip()):
        raise ValueError(f"{label}应为编号（整数）")
    return int(str(raw).strip())


EXCLUSION_LABEL = "不予奖励的举报人情形"


def _exclusion(raw: Any) -> str:
    """``reporter_excluded``: one of the grounds (or its Chinese label); null, "" or false: not excluded.
    ``true`` alone is refused: which ground applies is part of the record."""
    if raw is None or raw is False or (isinstance(raw, str) and not raw.strip()):
        return ""
    if raw is True:
        raise ValueError(f"请指明{EXCLUSION_LABEL}：{'、'.join(f'{k}（{v}）' for k, v in Exclusion.choices)}")
    return clean_choice(raw, label=EXCLUSION_LABEL, choices=Exclusion.choices)


class TipVerification(Input):
    """The handler's verification (核查): the outcome, and what it links or creates."""

    outcome: Annotated[Literal["confirmed", "unfounded"], choice("核查结论", Outcome.choices, allow_blank=False)] = (
        Field(..., title="核查结论")
    )
    hazard: Annotated[int | None, BeforeValidator(partial(_record_id, label="隐患编号"))] = Field(
        None,
        title="隐患编号",
        description="已有隐患的编号；不填则按 hazard_title、criterion 新建重大隐患（来源：群众举报）",
    )
    enterprise: Annotated[str, BeforeValidator(_credit_code)] = Field(
        "",
        max_length=30,
        title="被举报单位",
        description="被举报单位的统一社会信用代码：举报未能对应到已登记企业时，核查人在此指明（须在本人管辖范围内）",
    )
    hazard_title: str | None = Field(None, max_length=200, title="隐患名称")
    criterion: str | None = Field(None, max_length=32, title="判定依据")
    deadline: Annotated[datetime.date | None, day("整改期限")] = Field(None, title="整改期限")
    fine: Annotated[Decimal | None, BeforeValidator(_fine)] = Field(
        None, title="罚款金额", description="行政罚款（元）"
    )
    accident: Annotated[int | None, BeforeValidator(partial(_record_id, label="事故编号"))] = Field(
        None, title="事故编号"
    )
    concealed_deaths: Annotated[int | None, BeforeValidator(_deaths)] = Field(None, title="瞒报死亡人数")
    reporter_excluded: Annotated[str, BeforeValidator(_exclusion)] = Field(
        "",
        title=EXCLUSION_LABEL,
        description="staff（负有安全生产监督管理职责的工作人员）、relative（其近亲属）、instigated（受其授意举报）；不属于则不填",
    )
    already_known: bool = Field(
        False,
        title="举报前已发现并正在处理",
        description="举报前生产经营单位或负有安全监管职责的部门已发现该事项并正在依法处理（不予奖励）",
    )


# What a confirmed tip's verification uses, by the tip's category (the detail page shows just these);
# an unfounded tip's uses none of them.
USED_BY_CATEGORY: dict[str, frozenset[str]] = {
    "major_hazard": frozenset(
        {"enterprise", "hazard", "hazard_title", "criterion", "deadline", "fine", "reporter_excluded", "already_known"}
    ),
    "violation": frozenset({"enterprise", "fine", "reporter_excluded", "already_known"}),
    "concealed_accident": frozenset({"accident", "concealed_deaths", "reporter_excluded", "already_known"}),
    "other": frozenset(),
}


def _unset(value: Any) -> bool:
    """Not given: None, "" or a flag left false (``0`` is a value: zero concealed deaths, a fine of 0)."""
    return value is None or value is False or (isinstance(value, str) and value == "")


def unused_fields(verification: TipVerification, category: str) -> dict[str, str]:
    """``{field: 中文}`` for each field given that the outcome and the tip's category do not use (a value
    given there would be stored, or silently dropped, against what the handler meant)."""
    confirmed = verification.outcome == Outcome.CONFIRMED
    used = USED_BY_CATEGORY.get(category, frozenset()) if confirmed else frozenset()
    why = f"“{Category(category).label}”类举报核查时不填此项" if confirmed else "核查结论为“不属实”时不填此项"
    return {
        name: why
        for name in TipVerification.model_fields
        if name != "outcome" and name not in used and not _unset(getattr(verification, name))
    }


class TipAddition(Input):
    """举报人补充情况 (by receipt): text, photos, or both. The JSON endpoint needs the text; with files it may
    be left out (the service names it when neither is given)."""

    body: Annotated[str, text("补充内容", 4000)] = required(max_length=4000, title="补充内容")


class TipExtension(Input):
    """核查延期: once, by 30 days, before the 60 days run out, approved by the upper department, the reason
    told to the reporter (FACTS §3)."""

    reason: Annotated[str, text("延期理由", 400, required=True)] = required(
        max_length=400, title="延期理由", description="延期理由：举报人凭回执码可以看到"
    )
    approved_by: Annotated[str, text("批准延期的上一级部门", 200, required=True)] = required(
        max_length=200, title="批准延期的上一级部门", description="批准延期的上一级部门及批准文号或批准人"
    )


class TipReply(Input):
    """A handler's message to the tipster. The first after verification is the reply (答复), which states the
    facts found (``facts``) and the handling (``handling``), both required then (应急〔2023〕106号, per
    FACTS.md); any other message needs ``body``. The service says which is missing."""

    body: Annotated[str, text("答复内容", 4000)] = Field("", max_length=4000, title="答复内容")
    facts: Annotated[str, text("核查认定的事实", 4000)] = Field("", max_length=4000, title="核查认定的事实")
    handling: Annotated[str, text("处理情况", 4000)] = Field("", max_length=4000, title="处理情况")


class TipReview(Input):
    """复核: the re-review of the reporter's objection, with the facts found and the handling (both required)."""

    facts: Annotated[str, text("复核认定的事实", 4000, required=True)] = required(
        max_length=4000, title="复核认定的事实"
    )
    handling: Annotated[str, text("复核处理意见", 4000, required=True)] = required(
        max_length=4000, title="复核处理意见"
    )


class TipObjection(Input):
    """异议: the reporter's objection to the reply, by receipt, within 10 days of it."""

    reason: Annotated[str, text("异议理由", 4000, required=True)] = required(max_length=4000, title="异议理由")


PAID_ON = "发放日期应在领奖通知之后、不晚于今天"


def _paid_on(raw: Any) -> datetime.date:
    """发放日期: a day that has come (the service checks it against the decision)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("请填写发放日期")
    day = dates.parse_day(raw, label="发放日期")
    if day is None:
        raise ValueError("请填写发放日期")
    if day > dates.today():
        raise ValueError(PAID_ON)
    return day


def _amount(raw: Any) -> Decimal:
    """发放金额 in yuan, to the fen: not negative, at most the national cap (the service: at most the decision)."""
    value = clean_decimal(raw, label="发放金额", minimum=Decimal(0), maximum=rules.max_reward(), places=2)
    if value is None:
        raise ValueError("请填写发放金额")
    return value


class TipRewardPayment(Input):
    """奖励发放: the day and the amount paid, once, of an eligible reward."""

    paid_on: Annotated[datetime.date, BeforeValidator(_paid_on)] = required(
        title="发放日期", description="发放日期：不早于领奖通知，不晚于今天"
    )
    amount: Annotated[Decimal, BeforeValidator(_amount)] = required(
        title="发放金额（元）", description="发放金额（元）：不超过决定的奖励金额"
    )
    late_reason: Annotated[str, text("逾期领取理由", 400)] = Field(
        "",
        max_length=400,
        title="逾期领取理由",
        description="超过领取期限（领奖通知后60日）领取的，须写明举报人说明的理由；没有理由的视为放弃",
    )
