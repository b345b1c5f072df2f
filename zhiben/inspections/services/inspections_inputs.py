"""The typed inputs of an inspection on site (DESIGN.md §8: one model per use case, the one home of each field —
its Chinese label, its limits and its parser — for the API body, the page form and the service).

- ``InspectionNew``: record an inspection (``inspection_create``), with its team (``TeamMemberIn``);
- ``ItemResults``: checklist results in bulk and free items added (``inspection_items_set``);
- ``FindingNew`` / ``FindingsFromFailed``: a finding becomes a hazard (``inspection_finding_add``,
  ``inspection_findings_from_failed``);
- ``Completion``: the inspection done, with the enterprise's acknowledgement (``inspection_complete``).

What needs the actor or the register (the enterprise in scope, the draw's picks, an expert's ties, the clause in
force) is the service's; these say what is wrong with a value by itself.
"""

from __future__ import annotations

import datetime
import re
from functools import partial
from typing import Annotated, Any

from ninja import Field
from pydantic import AfterValidator, BeforeValidator, ValidationInfo, model_validator

from zhiben.common import dates
from zhiben.common.inputs import Input, choice, required
from zhiben.common.inputs import text as words  # a field of FreeItem is called text
from zhiben.common.validators import clean_choice, clean_credit_code, clean_text

from ..models import CheckResult, InspectionFlag, InspectionKind

EARLIEST = datetime.date(2000, 1, 1)
MAX_TEAM = 30  # members of one team: a joint inspection of several units stays well below
MAX_ITEMS = 500  # checklist lines one request may set (the longest sector list has under 130)
MAX_FREE = 50  # free items one request may add


def required_id(raw: Any, *, label: str) -> int:
    """A record's number that must be given."""
    found = record_id(raw, label=label)
    if found is None:
        raise ValueError(f"请指明{label}")
    return found


def record_id(raw: Any, *, label: str) -> int | None:
    """A record's number: a whole number of at most 18 digits (a yes/no is not record #1); None for blank."""
    if raw in (None, ""):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not re.fullmatch(r"[0-9]{1,18}", str(raw).strip()):
        raise ValueError(f"{label}应为编号（整数）")
    return int(str(raw).strip())


def _inspection_day(raw: Any) -> datetime.date:
    """检查日期: required, not in the future (Beijing), not before 2000."""
    day = dates.parse_day(raw, label="检查日期")
    if day is None:
        raise ValueError("请填写检查日期")
    if day > dates.today():
        raise ValueError("检查日期不能晚于今天")
    if day < EARLIEST:
        raise ValueError("检查日期不能早于2000年")
    return day


def _credit_code(raw: Any) -> str:
    """The enterprise's credit code, or "" when the inspection starts from a record that names it."""
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str):
        raise ValueError("被检查单位应为统一社会信用代码（文本）")
    return clean_credit_code(raw)


def _flags(raw: Any) -> list[str]:
    """检查形式: a list of flags (or, from a page, one per value); each once, in the declared order."""
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise ValueError("检查形式应为列表，可选：" + "、".join(InspectionFlag.values))
    picked = {clean_choice(item, label="检查形式", choices=InspectionFlag.choices, allow_blank=False) for item in raw}
    return [value for value in InspectionFlag.values if value in picked]


def _officer(raw: Any) -> int | str | None:
    """执法人员: the officer's number (an integer) or certificate number (text, as printed on the card)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError("执法人员应为编号（整数）或执法证号（文本）")
    if isinstance(raw, int):
        return record_id(raw, label="执法人员")
    if isinstance(raw, str):
        return clean_text(raw, label="执法证号", max_length=40) or None
    raise ValueError("执法人员应为编号（整数）或执法证号（文本）")


def _client_key(raw: Any) -> str:
    """表单标识: 16–64 visible ASCII characters (a UUID), or blank."""
    if raw in (None, ""):
        return ""
    key = str(raw).strip() if isinstance(raw, str) else ""
    if not (16 <= len(key) <= 64 and key.isascii() and key.isprintable() and " " not in key):
        raise ValueError("表单标识应为 16–64 个可见的 ASCII 字符（如 UUID）")
    return key


class TeamMemberIn(Input):
    """One member of the team: a law-enforcement officer (``officer``: number or certificate number), an expert
    of the pool (``expert``) or, for a check by staff without an enforcement record (a township's), a ``name``
    alone — such a member never counts towards the two certified officers documents need."""

    officer: Annotated[int | str | None, BeforeValidator(_officer)] = Field(
        None, title="执法人员", description="执法人员编号（整数）或执法证号（文本）"
    )
    expert: Annotated[int | None, BeforeValidator(partial(record_id, label="专家"))] = Field(
        None, title="专家", description="专家库中的专家编号"
    )
    name: Annotated[str, words("检查人员姓名", 40)] = Field(
        "", max_length=40, title="检查人员姓名", description="无执法证的检查人员（如乡镇工作人员）的姓名"
    )
    leader: bool = Field(False, title="带队", description="带队人员；不指定时第一名执法人员带队")

    @model_validator(mode="after")
    def _one_kind(self) -> TeamMemberIn:
        given = [v for v in (self.officer, self.expert, self.name) if v not in (None, "")]
        if len(given) != 1:
            raise ValueError("每名成员填写且只填写执法人员、专家或检查人员姓名之一")
        if self.leader and self.expert is not None:
            raise ValueError("专家不能带队")
        return self


def _team(raw: Any) -> Any:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise ValueError("检查组应为成员的列表")
    return raw


def _team_size(team: list[TeamMemberIn]) -> list[TeamMemberIn]:
    if not team:
        raise ValueError("请填写检查组成员（至少一人）")
    if len(team) > MAX_TEAM:
        raise ValueError(f"检查组最多{MAX_TEAM}人")
    if sum(1 for m in team if m.leader) > 1:
        raise ValueError("只能指定一名带队人员")
    return team


def _kind_given(kind: str, info: ValidationInfo) -> str:
    """A kind is chosen unless the inspection starts from a record that implies it (the service checks the rest:
    a draw's is random, a tip's is tip)."""
    if not kind and not any(info.data.get(name) is not None for name in ("plan_item", "draw", "tip")):
        raise ValueError("请选择检查方式")
    return kind


class InspectionNew(Input):
    """A new inspection at an enterprise on a day, by a team; started from a plan item, a draw's pick, a tip or
    nothing."""

    enterprise: Annotated[str, BeforeValidator(_credit_code)] = Field(
        "",
        max_length=30,
        title="被检查单位",
        description="统一社会信用代码；从计划检查对象或举报开始时可省略（取其企业）",
    )
    plan_item: Annotated[int | None, BeforeValidator(partial(record_id, label="计划检查对象"))] = Field(
        None, title="计划检查对象", description="年度监督检查计划中的检查对象编号"
    )
    draw: Annotated[int | None, BeforeValidator(partial(record_id, label="双随机抽查"))] = Field(
        None, title="双随机抽查", description="抽查编号；被检查单位须是该次抽查抽中的企业"
    )
    tip: Annotated[int | None, BeforeValidator(partial(record_id, label="举报"))] = Field(
        None, title="举报", description="核查的举报编号"
    )
    kind: Annotated[str, choice("检查方式", InspectionKind.choices), AfterValidator(_kind_given)] = Field(
        "",
        validate_default=True,
        title="检查方式",
        description=(
            "planned|random|tip|special|other；从抽查结果开始为 random，从举报开始为 tip，从计划开始默认 planned"
        ),
    )
    flags: Annotated[list[str], BeforeValidator(_flags)] = Field(
        default_factory=list,
        title="检查形式",
        description="unannounced（四不两直）、covert（明察暗访）、cross_region（异地交叉执法）",
    )
    on: Annotated[datetime.date, BeforeValidator(_inspection_day)] = required(
        title="检查日期", description="不能晚于今天，不能早于2000年"
    )
    place: Annotated[str, words("检查场所", 200)] = Field("", max_length=200, title="检查场所")
    department: Annotated[int | None, BeforeValidator(partial(record_id, label="检查单位"))] = Field(
        None, title="检查单位", description="检查单位编号：默认本人所在单位；仅管理员可指定"
    )
    team: Annotated[list[TeamMemberIn], BeforeValidator(_team), AfterValidator(_team_size)] = required(
        title="检查组",
        description="成员列表：{officer: 编号或执法证号} | {expert: 编号} | {name: 姓名}，可加 leader: true",
    )
    client_key: Annotated[str, BeforeValidator(_client_key)] = Field(
        "",
        max_length=64,
        title="表单标识",
        description="客户端为本次检查生成的唯一标识（如 UUID）：同一标识再次提交，答复已登记的检查，不会重复登记",
    )


# ------------------------------------------------------------------------------------------ checklist
def _results(raw: Any) -> Any:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise ValueError("检查结果应为列表：[{id, result, note}]")
    if len(raw) > MAX_ITEMS:
        raise ValueError(f"一次最多提交{MAX_ITEMS}项检查结果")
    return raw


def _free(raw: Any) -> Any:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raise ValueError("新增检查项应为列表：[{text}]")
    if len(raw) > MAX_FREE:
        raise ValueError(f"一次最多新增{MAX_FREE}项")
    return raw


class ItemResult(Input):
    """One line's result: 符合 (pass), 不符合 (fail), 不适用 (na), or back to 未检查 (pending)."""

    id: Annotated[int, BeforeValidator(partial(required_id, label="检查项"))] = required(title="检查项")
    result: Annotated[str, choice("检查结果", CheckResult.choices, allow_blank=False)] = required(
        title="检查结果", description="pass|fail|na|pending"
    )
    note: Annotated[str, words("说明", 500)] = Field("", max_length=500, title="说明")


class FreeItem(Input):
    """A line the team adds on site (检查中发现的其他问题), with its result if already known."""

    text: Annotated[str, words("检查内容", 300, required=True)] = required(max_length=300, title="检查内容")
    result: Annotated[str, choice("检查结果", CheckResult.choices)] = Field(
        "", title="检查结果", description="pass|fail|na；不填为未检查"
    )
    note: Annotated[str, words("说明", 500)] = Field("", max_length=500, title="说明")


class ItemResults(Input):
    """Checklist results in bulk (``items``) and lines added (``add``), in one request."""

    items: Annotated[list[ItemResult], BeforeValidator(_results)] = Field(
        default_factory=list, title="检查结果", description="[{id, result: pass|fail|na|pending, note}]"
    )
    add: Annotated[list[FreeItem], BeforeValidator(_free)] = Field(
        default_factory=list, title="新增检查项", description="[{text, result?, note?}]"
    )


# ------------------------------------------------------------------------------------------- findings
def _deadline(raw: Any) -> datetime.date | None:
    return dates.parse_day(raw, label="整改期限")


MAX_FINDING_PHOTOS = 9  # as many as a hazard takes at once


def _photo_ids(raw: Any) -> list[int]:
    """照片: the numbers of this inspection's photos, a list of whole numbers."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raw = [raw]
    ids = [required_id(item, label="照片") for item in raw]
    if len(ids) > MAX_FINDING_PHOTOS:
        raise ValueError(f"照片一次最多{MAX_FINDING_PHOTOS}张")
    return list(dict.fromkeys(ids))


class FindingNew(Input):
    """A finding of the inspection, recorded as a hazard (``source=inspection``, found on the inspection's day).
    ``item``: the failed checklist line it comes from; a major finding cites a clause (by default the line's)."""

    item: Annotated[int | None, BeforeValidator(partial(record_id, label="检查项"))] = Field(
        None, title="检查项", description="不符合的检查项编号"
    )
    title: Annotated[str, words("隐患名称", 200)] = Field(
        "", max_length=200, title="隐患名称", description="不填时取检查项的内容"
    )
    level: Annotated[str, choice("隐患级别", (("major", "重大隐患"), ("general", "一般隐患")), allow_blank=False)] = (
        required(title="隐患级别", description="major|general")
    )
    criterion: Annotated[str, words("判定依据", 32)] = Field(
        "", max_length=32, title="判定依据", description="判定标准条款编码；重大隐患必填，默认为检查项的条款"
    )
    description: Annotated[str, words("隐患描述", 4000)] = Field("", max_length=4000, title="隐患描述")
    location: Annotated[str, words("隐患部位", 200)] = Field("", max_length=200, title="隐患部位")
    deadline: Annotated[datetime.date | None, BeforeValidator(_deadline)] = Field(
        None, title="整改期限", description="责令整改期限（监管部门责令）；不能早于检查日期"
    )
    photos: Annotated[list[int], BeforeValidator(_photo_ids)] = Field(
        default_factory=list, title="照片", description="本次检查已上传照片的编号（POST …/photos），作为隐患的现场照片"
    )


def _asked(value: bool) -> bool:
    if not value:
        raise ValueError("由不符合项批量生成隐患时 from_failed_items 须为 true")
    return value


class FindingsFromFailed(Input):
    """Every failed line without a finding becomes a hazard, in one request: each titled by its line, citing
    its clause; ``level`` for all of them (a major one needs a clause: the unit's own lines have none)."""

    from_failed_items: Annotated[bool, AfterValidator(_asked)] = Field(..., title="由不符合项生成", description="true")
    level: Annotated[str, choice("隐患级别", (("major", "重大隐患"), ("general", "一般隐患")), allow_blank=False)] = (
        required(title="隐患级别", description="major|general")
    )
    deadline: Annotated[datetime.date | None, BeforeValidator(_deadline)] = Field(
        None, title="整改期限", description="责令整改期限，用于全部生成的隐患"
    )


# ------------------------------------------------------------------------------------------- complete
class Completion(Input):
    """检查完毕: what was found (检查情况), and who signed the 现场检查记录 for the enterprise — or that they
    refused to sign."""

    summary: Annotated[str, words("检查情况", 4000, required=True)] = required(max_length=4000, title="检查情况")
    acknowledged_by: Annotated[str, words("被检查单位签字人", 40)] = Field("", max_length=40, title="被检查单位签字人")
    acknowledgement_refused: bool = Field(False, title="拒绝签字", description="被检查单位负责人拒绝签字")
