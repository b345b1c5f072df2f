"""The hazard register's typed inputs (DESIGN.md §8): one model per use case, the one home of each field —
its Chinese label, its limits and its parser — for the API body, the page form, the ledger import and the
service.

- ``HazardReport``: a new hazard (API body, report page, ledger row, ``hazard_create``);
- ``HazardPlan``, ``HazardSubmission``, ``HazardReviewDecision``, ``HazardCancellation``,
  ``HazardSupervision``, ``HazardDualReport``: the steps on a registered hazard (``hazard_plan`` …
  ``hazard_report``). Their endpoints read the body only once the hazard is known to be in scope.

Each field's parser reads what people and spreadsheets give (``2024/3/1`` is the importer's to normalise;
here a date is ISO) and says in Chinese what is wrong. What needs the actor or the record — the
enterprise in scope, the criterion in force for its sector, who may report from which source, a date
against the hazard's discovery — is the service's.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from functools import partial
from typing import Annotated, Any

from django.db import models
from ninja import Field
from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from zhiben.common import dates
from zhiben.common.inputs import Input, choice, required, text
from zhiben.common.names import code_key
from zhiben.common.validators import clean_credit_code, clean_decimal

from . import rules
from .models import Level, Source, SupervisionLevel

EARLIEST = datetime.date(2000, 1, 1)


def parse_date(raw: Any, label: str) -> datetime.date | None:
    """A Beijing day (``dates.parse_day``: a date, an instant's Beijing day, ISO or Chinese date text) or
    None for blank; ValueError in Chinese naming ``label`` otherwise."""
    return dates.parse_day(raw, label=label)


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
    # one clause code, as text: a list or an object is refused here rather than shown back as Python
    if raw is not None and not isinstance(raw, str | int):
        raise ValueError("判定依据应为一个条款编码（文本），如 MEM21-A4-1")
    return code_key(raw, dash="-")


def parse_elements(raw: Any) -> list[str]:
    """综合判定要素: a list of clause codes (or one code per line / separated by commas on a page)."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = re.split(r"[\s,，、；;]+", raw.strip())
    if not isinstance(raw, list | tuple):
        raise ValueError("综合判定要素应为条款编码的列表")
    if any(not isinstance(item, str | int) or isinstance(item, bool) for item in raw):
        raise ValueError("综合判定要素应为条款编码（文本）的列表，每项一个编码")
    codes = [code_key(item, dash="-") for item in raw if str(item).strip()]
    if len(codes) > 60:
        raise ValueError("综合判定要素最多60条")
    return codes


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
    elements: Annotated[list[str], BeforeValidator(parse_elements)] = Field(
        default_factory=list,
        title="综合判定要素",
        description="引用综合判定条款（如 GB35181-D）时列出的综合判定要素条款编码",
    )
    place_type: Annotated[str, text("场所类别", 16)] = Field(
        "", max_length=16, title="场所类别", description="引用综合判定条款时的场所类别代码，如 crowded"
    )
    deadline: Annotated[datetime.date | None, BeforeValidator(partial(parse_date, label="整改期限"))] = Field(
        None, title="整改期限"
    )
    description: Annotated[str, text("隐患描述", 4000)] = Field("", max_length=4000, title="隐患描述")
    location: Annotated[str, text("隐患部位", 200)] = Field("", max_length=200, title="隐患部位")
    external_ref: Annotated[str, text("外部编号", 64)] = Field("", max_length=64, title="外部编号")


# ----------------------------------------------------------------------------------------- the steps
def _required_date(raw: Any, *, label: str) -> datetime.date:
    day = parse_date(raw, label)
    if day is None:
        raise ValueError(f"请填写{label}")
    return day


def _not_future(day: datetime.date | None, *, label: str) -> datetime.date | None:
    """A day that has happened (Beijing): a listing or a report is recorded after the fact."""
    if day is not None and day > rules.today():
        raise ValueError(f"{label}不能晚于今天")
    return day


def _funds(raw: Any) -> Decimal | None:
    return clean_decimal(raw, label="整改资金", minimum=Decimal(0), maximum=Decimal("1e11"), places=2)


MAX_EVIDENCE = 50  # evidence files one close-out application may name


def _attachment_ids(raw: Any) -> list[int]:
    """The evidence files named, by number: a list of whole numbers (a yes/no is not file #1)."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise ValueError("佐证材料应为文件编号的列表")
    ids = []
    for item in raw:
        if isinstance(item, bool) or not re.fullmatch(r"[0-9]{1,18}", str(item).strip()):
            raise ValueError("佐证材料应为文件编号（整数）")
        ids.append(int(str(item).strip()))
    if len(ids) > MAX_EVIDENCE:
        raise ValueError(f"佐证材料一次最多{MAX_EVIDENCE}个")
    return ids


class HazardPlan(Input):
    """整改方案（五落实：责任、措施、资金、时限、预案, 16号令 第十五条）. Its deadline becomes the hazard's;
    the service checks it against the discovery, and that a major hazard has interim measures."""

    responsible_person: Annotated[str, text("整改责任人", 60, required=True)] = required(
        max_length=60, title="整改责任人"
    )
    measures: Annotated[str, text("整改措施", 4000, required=True)] = required(max_length=4000, title="整改措施")
    funds: Annotated[Decimal | None, BeforeValidator(_funds)] = Field(
        None, title="整改资金（元）", description="整改资金（元，0–1e11）"
    )
    deadline: Annotated[datetime.date, BeforeValidator(partial(_required_date, label="整改期限"))] = required(
        title="整改期限", description="整改期限；成为隐患的整改期限，不能早于发现日期"
    )
    interim_measures: Annotated[str, text("整改期间安全防范和应急措施", 4000)] = Field(
        "", max_length=4000, title="整改期间安全防范和应急措施", description="重大隐患必填"
    )


class HazardSubmission(Input):
    """申请销号: what was done, and the evidence (this hazard's files; a major hazard needs one)."""

    summary: Annotated[str, text("整改情况说明", 4000, required=True)] = required(max_length=4000, title="整改情况说明")
    attachments: Annotated[list[int], BeforeValidator(_attachment_ids)] = Field(
        default_factory=list, max_length=MAX_EVIDENCE, title="佐证材料", description="该隐患的佐证材料编号"
    )


class Decision(models.TextChoices):
    """审核销号的结论."""

    APPROVE = "approve", "通过，予以销号"
    REJECT = "reject", "退回整改"


def _reason_for_rejection(comment: str, info: ValidationInfo) -> str:
    if info.data.get("decision") == Decision.REJECT and not comment:
        raise ValueError("退回整改须写明原因")
    return comment


class HazardReviewDecision(Input):
    """审核销号: approve (the hazard closes) or reject (back to rectifying, with the reason)."""

    decision: Annotated[Decision, choice("审核结论", Decision.choices, allow_blank=False)] = required(
        title="审核结论", description="approve|reject"
    )
    comment: Annotated[str, text("审核意见", 2000), AfterValidator(_reason_for_rejection)] = Field(
        "", validate_default=True, max_length=2000, title="审核意见", description="退回整改时必填"
    )


class HazardCancellation(Input):
    """撤销: a record that is not a hazard (误报、不构成隐患), with the reason."""

    reason: Annotated[str, text("撤销原因", 400, required=True)] = required(max_length=400, title="撤销原因")


class HazardSupervision(Input):
    """挂牌督办. A re-listing changes what it names and keeps the notice number and deadline it leaves out."""

    level: Annotated[SupervisionLevel, choice("督办级别", SupervisionLevel.choices, allow_blank=False)] = required(
        title="督办级别", description="province|city|county"
    )
    notice_no: Annotated[str, text("督办文号", 60)] = Field("", max_length=60, title="督办文号")
    deadline: Annotated[datetime.date | None, BeforeValidator(partial(parse_date, label="督办期限"))] = Field(
        None, title="督办期限", description="督办期限，不能早于发现日期"
    )
    listed_on: Annotated[
        datetime.date | None,
        BeforeValidator(partial(parse_date, label="挂牌日期")),
        AfterValidator(partial(_not_future, label="挂牌日期")),
    ] = Field(None, title="挂牌日期", description="挂牌日期，默认为今天，不能晚于今天")


class HazardExtension(Input):
    """延期申请: the later deadline asked for, and why (decided by an officer other than the requester)."""

    deadline: Annotated[datetime.date, BeforeValidator(partial(_required_date, label="延期后的整改期限"))] = required(
        title="延期后的整改期限", description="晚于现有整改期限的日期"
    )
    reason: Annotated[str, text("延期理由", 400, required=True)] = required(max_length=400, title="延期理由")


class ExtensionVerdict(models.TextChoices):
    """延期审批的结论."""

    APPROVE = "approve", "批准延期"
    REJECT = "reject", "不批准"


def _reason_for_refusal(comment: str, info: ValidationInfo) -> str:
    if info.data.get("decision") == ExtensionVerdict.REJECT and not comment:
        raise ValueError("不批准延期须写明理由")
    return comment


class HazardExtensionDecision(Input):
    """延期审批: approve (the new deadline stands) or reject (the old one stays), with a comment."""

    decision: Annotated[ExtensionVerdict, choice("审批结论", ExtensionVerdict.choices, allow_blank=False)] = required(
        title="审批结论", description="approve|reject"
    )
    comment: Annotated[str, text("审批意见", 400), AfterValidator(_reason_for_refusal)] = Field(
        "", validate_default=True, max_length=400, title="审批意见", description="不批准时必填"
    )


class HazardDelisting(Input):
    """摘牌: the day the listing ended and why (usually after close-out)."""

    on: Annotated[
        datetime.date,
        BeforeValidator(partial(_required_date, label="摘牌日期")),
        AfterValidator(partial(_not_future, label="摘牌日期")),
    ] = required(title="摘牌日期", description="不能晚于今天，不能早于挂牌日期")
    reason: Annotated[str, text("摘牌理由", 400, required=True)] = required(max_length=400, title="摘牌理由")


class ReportTo(models.TextChoices):
    """双报告的对象 (安全生产法 第四十一条第二款)."""

    REGULATOR = "regulator", "负有监管职责的部门"
    WORKERS_CONGRESS = "workers_congress", "职工大会或职工代表大会"


class HazardDualReport(Input):
    """双报告: the day the hazard was reported to the regulator, or to the workers' congress."""

    to: Annotated[ReportTo, choice("报告对象", ReportTo.choices, allow_blank=False)] = required(
        title="报告对象", description="regulator|workers_congress"
    )
    on: Annotated[
        datetime.date,
        BeforeValidator(partial(_required_date, label="报告日期")),
        AfterValidator(partial(_not_future, label="报告日期")),
    ] = required(title="报告日期", description="报告日期，不能晚于今天，不能早于发现日期")
