"""The enterprise register's ledger (企业清单): its columns, and how a row becomes a registration, an
update or nothing. Validation is ``validate_enterprise``'s; the rows are written by
``enterprise_create_many`` / ``enterprise_update_many`` (DESIGN.md §5: the import engine reads, maps and
reports; the register checks and writes)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.common.errors import FieldErrors
from zhiben.common.ledgers import (
    Checked,
    Column,
    Ledger,
    compact_text,
    filter_in_chunks,
    labels,
    normal_text,
    parse_bool,
    parse_choice,
    parse_code,
    parse_date,
    parse_int,
)
from zhiben.common.validators import clean_credit_code
from zhiben.reference.models import Sector
from zhiben.regions.resolve import resolve_region

from .inputs import EnterpriseChange, EnterpriseRegistration
from .models import Enterprise, OperatingStatus, RiskLevel, Scale, StandardisationGrade, SupervisionClass
from .services import (
    EDITABLE,
    enterprise_create_many,
    enterprise_input,
    enterprise_snapshot,
    enterprise_update_many,
    validate_enterprise,
)


def _coordinate(raw: Any) -> Any:
    """经度/纬度 as the API takes it. A number cell is a binary float, often a GPS reading with more digits
    than the register keeps (6 decimals, about 0.1 m): it is rounded to those here, where the cell is
    read; text is handed on as written (more than 6 decimals are then refused, as by the API)."""
    if isinstance(raw, float):
        raw = round(raw, 6)
    return parse_int(raw)


def _sector_names() -> list[str]:
    return list(Sector.objects.order_by("key").values_list("name", flat=True))


class EnterpriseRows:
    """The enterprise ledger's rows (``LedgerRows``): identified by credit code; a registered enterprise
    (in the actor's scope) is updated from the row's non-blank cells, a new one registered."""

    def __init__(self, actor: User) -> None:
        self.actor = actor

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        codes = set()
        for r in rows:
            with contextlib.suppress(ValueError):
                codes.add(clean_credit_code(r.get("credit_code")))
        self.existing = {e.credit_code: e for e in filter_in_chunks(Enterprise.objects, "credit_code", codes)}
        visible = scoped(Enterprise.objects, self.actor).values_list("credit_code", flat=True)
        self.visible = set(filter_in_chunks(visible, "credit_code", self.existing))
        self.seen: dict[str, int] = {}
        self.regions: dict[str, str | ValueError] = {}
        self.within = self.actor.region_id if self.actor.role != Role.ADMIN else None

    def _region(self, text: str, *, address: bool = False) -> str:
        key = f"{'@' if address else ''}{text}"
        if key not in self.regions:
            try:
                self.regions[key] = resolve_region(text, within=self.within, address=address)
            except ValueError as exc:
                self.regions[key] = exc
        found = self.regions[key]
        if isinstance(found, ValueError):
            raise found
        return found

    def check(self, row: int, data: dict[str, Any]) -> Checked:
        out = Checked(row=row)
        values = {k: v for k, v in data.items() if k in EDITABLE or k == "credit_code"}
        existing = None
        try:
            code = clean_credit_code(values.get("credit_code"))
        except ValueError as exc:
            out.errors["credit_code"] = str(exc)  # and the row's other fields are still checked
        else:
            values["credit_code"] = code
            if code in self.seen:
                out.errors["credit_code"] = f"与第 {self.seen[code]} 行的统一社会信用代码重复"
                return out
            self.seen[code] = row
            existing = self.existing.get(code)
            if existing is not None and code not in self.visible:
                out.errors["credit_code"] = "该统一社会信用代码已由其他辖区登记"
                return out
        # the address names the region only for a new enterprise: a registered one moves by its region column
        place = values.get("region") or (values.get("address") if existing is None else "") or ""
        if place:
            try:
                values["region"] = self._region(str(place)) if values.get("region") else self._address(str(place))
            except ValueError as exc:
                out.errors["region"] = str(exc)
        elif existing is None:
            out.errors["region"] = "请填写所在区划（或地址）"
        # blank cells say nothing: they neither clear a registered enterprise's field nor fail a new one
        given = {k: v for k, v in values.items() if v not in ("", None)}
        if existing is not None:
            given.pop("credit_code", None)
        try:
            model = EnterpriseRegistration if existing is None else EnterpriseChange
            fields = enterprise_input(model, given, actor=self.actor)
            cleaned = validate_enterprise(fields, actor=self.actor, instance=existing)
        except FieldErrors as exc:
            out.errors.update({k: v for k, v in exc.errors.items() if k not in out.errors})
            return out
        if out.errors:
            return out
        out.cleaned = cleaned
        if existing is None:
            out.action = "create"
            return out
        before = enterprise_snapshot(existing)
        changed = {
            k: v
            for k, v in cleaned.items()
            if str(before.get(k)) != str(v) and not (before.get(k) in (None, "") and v in (None, ""))
        }
        out.target, out.cleaned = existing, changed
        out.action = "update" if changed else "unchanged"
        return out

    def _address(self, text: str) -> str:
        try:
            return self._region(text, address=True)
        except ValueError as exc:
            raise ValueError(f"未填所在区划，按地址也无法确定：{exc}") from exc


CREDIT_CODE_SYNONYMS = ("信用代码", "社会信用代码", "统一代码", "统一社会信用代码证号", "企业信用代码", "USCC")

LEDGER = Ledger(
    kind="enterprises",
    rows=EnterpriseRows,
    create_many=enterprise_create_many,
    update_many=enterprise_update_many,
    writers=frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER}),
    refusal="企业信息由监管部门登记和维护",
    error_columns={"region": ("region", "address")},
    title="企业清单",
    instructions=(
        "1. 在“企业清单”工作表中每行填写一家企业，第一行为列名，不要改动列名（列的顺序可以调整，多余的列会被忽略）。",
        (
            "2. 带 * 的列必填。所在区划可填区划代码（6位区县或9位乡镇街道），"
            "也可填名称或地址（如“秀山县清溪场镇”）；重名时请写明上级区划或填代码。"
        ),
        (
            "3. 以统一社会信用代码识别企业：已登记的企业按表中非空的列更新，未变化的不作改动；"
            "表中任何一行有错时整个文件都不导入，并给出标注了错误的工作簿。"
        ),
    ),
    columns=(
        Column(
            "credit_code",
            "统一社会信用代码",
            CREDIT_CODE_SYNONYMS,
            parse_code,
            True,
            "18位，如 91500241MA5U0DEM30",
            width=22,
        ),
        Column(
            "name",
            "单位名称",
            ("企业名称", "名称", "单位", "企业（单位）名称", "生产经营单位名称"),
            required=True,
            width=28,
        ),
        Column(
            "region",
            "所在区划",
            (
                "区划",
                "行政区划",
                "区划代码",
                "所属区域",
                "所在地区",
                "所属乡镇",
                "乡镇（街道）",
                "所在乡镇（街道）",
                "属地",
            ),
            normal_text,
            note="区划代码，或区县/乡镇名称；不填时按地址识别",
            width=18,
        ),
        Column("address", "地址", ("详细地址", "注册地址", "经营地址", "生产经营地址", "企业地址")),
        Column(
            "sector",
            "行业领域",
            ("行业", "所属行业", "行业类别", "行业分类", "监管行业"),
            normal_text,
            required=True,
            choices=_sector_names,
        ),
        Column("scale", "企业规模", ("规模",), parse_choice({}), choices=lambda: labels(Scale.choices)),
        Column(
            "risk_level",
            "安全风险等级",
            ("风险等级", "风险分级"),
            parse_choice(
                {
                    "红": "重大风险（红）",
                    "橙": "较大风险（橙）",
                    "黄": "一般风险（黄）",
                    "蓝": "低风险（蓝）",
                    "重大风险": "重大风险（红）",
                    "较大风险": "较大风险（橙）",
                    "一般风险": "一般风险（黄）",
                    "低风险": "低风险（蓝）",
                }
            ),
            choices=lambda: labels(RiskLevel.choices),
        ),
        Column(
            "supervision_class",
            "监管分类",
            ("分类监管", "监管类别"),
            parse_choice({"a": "A", "b": "B", "c": "C", "d": "D"}),
            choices=lambda: labels(SupervisionClass.choices),
        ),
        Column(
            "standardisation_grade",
            "安全生产标准化等级",
            ("标准化等级", "标准化达标等级"),
            parse_choice(
                {
                    "1": "一级",
                    "2": "二级",
                    "3": "三级",
                    "一级达标": "一级",
                    "二级达标": "二级",
                    "三级达标": "三级",
                    "无": "未达标",
                }
            ),
            choices=lambda: labels(StandardisationGrade.choices),
        ),
        Column("standardisation_valid_until", "标准化有效期至", ("标准化有效期",), parse_date, kind="date"),
        Column(
            "status",
            "经营状态",
            ("生产状态", "状态"),
            parse_choice(
                {
                    "正常": "正常生产",
                    "生产": "正常生产",
                    "停产": "停产整顿",
                    "停业": "停产整顿",
                    "关停": "关闭",
                    "注销": "关闭",
                }
            ),
            choices=lambda: labels(OperatingStatus.choices),
        ),
        Column(
            "high_risk",
            "高危行业",
            ("是否高危行业", "是否高危"),
            parse_bool,
            note="是/否；不填按行业领域确定",
            choices=lambda: ["是", "否"],
        ),
        Column(
            "above_scale",
            "规模以上",
            ("是否规上企业", "规上企业", "是否规模以上"),
            parse_bool,
            choices=lambda: ["是", "否"],
        ),
        Column(
            "insured",
            "投保安责险",
            ("安责险", "是否投保安责险", "安全生产责任保险"),
            parse_bool,
            choices=lambda: ["是", "否"],
        ),
        Column("insurance_valid_until", "安责险有效期至", ("安责险有效期", "保险有效期"), parse_date, kind="date"),
        Column("employees", "从业人数", ("职工人数", "员工人数", "从业人员数", "从业人员"), parse_int, kind="number"),
        Column("principal", "主要负责人", ("负责人", "法定代表人", "法人代表")),
        Column(
            "principal_phone",
            "主要负责人电话",
            ("负责人电话", "负责人联系电话", "联系电话", "法定代表人电话", "法人代表电话"),
            normal_text,
        ),
        Column("actual_controller", "实际控制人", ()),
        Column("safety_contact", "安全管理联系人", ("安全负责人", "安全管理人员", "安全联系人")),
        Column(
            "safety_phone",
            "安全管理联系电话",
            ("安全负责人电话", "安全联系人电话", "安全管理联系人电话", "安全管理人员电话"),
            normal_text,
        ),
        Column("industry_code", "国民经济行业代码", ("行业代码", "国民经济行业分类代码"), compact_text),
        Column("longitude", "经度", (), _coordinate, kind="number"),
        Column("latitude", "纬度", (), _coordinate, kind="number"),
    ),
)
