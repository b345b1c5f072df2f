"""The two ledgers: their columns (declarations) and how a checked row becomes a create, an update or
nothing. Validation is the services' own (``validate_enterprise``, ``validate_hazard``); writes emit the
same events as writes by hand, with the import named in the payload, and move the summary counts."""

from __future__ import annotations

import contextlib
import datetime
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from django.db.models import Q

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.audit.services import NewEvent, event_append_many
from zhiben.common.bulk import allocate_ids, bulk_insert
from zhiben.common.errors import FieldErrors
from zhiben.common.hooks import tallies_changed
from zhiben.common.validators import clean_credit_code
from zhiben.enterprises.models import (
    Enterprise,
    OperatingStatus,
    RiskLevel,
    Scale,
    StandardisationGrade,
    SupervisionClass,
)
from zhiben.enterprises.services import EDITABLE, enterprise_snapshot, validate_enterprise
from zhiben.hazards.models import Hazard, Level, Source, Status
from zhiben.hazards.services import HazardLookups, snapshot, validate_hazard
from zhiben.hazards.tallies import SUBJECT as HAZARD_SUBJECT
from zhiben.hazards.tallies import Shape, shape_of
from zhiben.reference.models import Sector
from zhiben.reference.selectors import criterion_applies
from zhiben.regions.resolve import resolve_region

from .columns import Column, Ledger, compact_text, parse_bool, parse_choice, parse_code, parse_date, parse_int


def _labels(choices: Any) -> list[str]:
    return [str(label) for _, label in choices]


def _sector_names() -> list[str]:
    return list(Sector.objects.order_by("key").values_list("name", flat=True))


CREDIT_CODE_SYNONYMS = ("信用代码", "社会信用代码", "统一代码", "统一社会信用代码证号", "企业信用代码", "USCC")

ENTERPRISES = Ledger(
    kind="enterprises",
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
            note="区划代码，或区县/乡镇名称；不填时按地址识别",
            width=18,
        ),
        Column("address", "地址", ("详细地址", "注册地址", "经营地址", "生产经营地址", "企业地址")),
        Column(
            "sector",
            "行业领域",
            ("行业", "所属行业", "行业类别", "行业分类", "监管行业"),
            required=True,
            choices=_sector_names,
        ),
        Column("scale", "企业规模", ("规模",), parse_choice({}), choices=lambda: _labels(Scale.choices)),
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
            choices=lambda: _labels(RiskLevel.choices),
        ),
        Column(
            "supervision_class",
            "监管分类",
            ("分类监管", "监管类别"),
            parse_choice({"a": "A", "b": "B", "c": "C", "d": "D"}),
            choices=lambda: _labels(SupervisionClass.choices),
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
            choices=lambda: _labels(StandardisationGrade.choices),
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
            choices=lambda: _labels(OperatingStatus.choices),
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
        Column("principal_phone", "主要负责人电话", ("负责人电话", "负责人联系电话", "联系电话")),
        Column("actual_controller", "实际控制人", ()),
        Column("safety_contact", "安全管理联系人", ("安全负责人", "安全管理人员", "安全联系人")),
        Column("safety_phone", "安全管理联系电话", ("安全负责人电话", "安全联系人电话")),
        Column("industry_code", "国民经济行业代码", ("行业代码", "国民经济行业分类代码"), compact_text),
        Column("longitude", "经度", (), parse_int, kind="number"),
        Column("latitude", "纬度", (), parse_int, kind="number"),
    ),
)

HAZARDS = Ledger(
    kind="hazards",
    title="隐患清单",
    instructions=(
        "1. 在“隐患清单”工作表中每行填写一条隐患，第一行为列名（列的顺序可以调整，多余的列会被忽略）。",
        (
            "2. 带 * 的列必填。企业以统一社会信用代码识别；没有代码列时按企业名称在您的辖区内查找。"
            "重大隐患须填写判定依据（判定标准条款编号）。"
        ),
        (
            "3. 再次导入同一文件不会重复：有“隐患编号”的按企业+编号识别，没有的按企业+隐患名称+发现日期识别。"
            "已有隐患只更新隐患描述、部位（有编号时也更新名称）；级别、来源、日期等请在隐患页面处理。"
        ),
        "4. 任何一行有错时整个文件都不导入，并给出标注了错误的工作簿。导入的隐患为“待整改”，此后按闭环流程办理。",
    ),
    columns=(
        Column(
            "enterprise",
            "统一社会信用代码",
            (*CREDIT_CODE_SYNONYMS, "企业统一社会信用代码"),
            parse_code,
            note="企业的18位代码；不填时按企业名称查找",
            width=22,
        ),
        Column(
            "enterprise_name",
            "企业名称",
            ("单位名称", "企业", "单位", "生产经营单位", "被检查单位", "企业（单位）名称"),
            width=28,
        ),
        Column(
            "title",
            "隐患名称",
            ("隐患描述", "隐患内容", "隐患", "存在问题", "问题描述", "隐患情况"),
            required=True,
            width=36,
        ),
        Column(
            "level",
            "隐患级别",
            ("级别", "隐患等级", "等级", "隐患类别"),
            parse_choice(
                {"重大": "重大隐患", "一般": "一般隐患", "重大事故隐患": "重大隐患", "是": "重大隐患", "否": "一般隐患"}
            ),
            True,
            choices=lambda: _labels(Level.choices),
        ),
        Column(
            "source",
            "隐患来源",
            ("来源", "发现方式", "发现途径", "排查方式"),
            parse_choice(
                {
                    "自查": "企业自查",
                    "企业自查自报": "企业自查",
                    "检查": "督导检查/执法检查",
                    "执法检查": "督导检查/执法检查",
                    "督导检查": "督导检查/执法检查",
                    "监管检查": "督导检查/执法检查",
                    "举报": "群众举报核查",
                    "群众举报": "群众举报核查",
                }
            ),
            True,
            choices=lambda: _labels(Source.choices),
        ),
        Column(
            "discovered_on",
            "发现日期",
            ("排查日期", "检查日期", "发现时间", "排查时间", "检查时间"),
            parse_date,
            True,
            "如 2024-03-01",
            kind="date",
            width=12,
        ),
        Column(
            "deadline",
            "整改期限",
            ("整改时限", "整改完成时间", "整改完成期限", "要求整改完成时间", "整改期限（日期）"),
            parse_date,
            note="如 2024-04-30；不填可在整改方案中确定",
            kind="date",
            width=12,
        ),
        Column(
            "criterion",
            "判定依据",
            ("判定标准", "判定依据条款", "标准条款", "依据条款", "判定标准条款"),
            compact_text,
            note="重大隐患必填：判定标准条款编号，如 SAWS121C-1",
            width=16,
        ),
        Column("location", "隐患部位", ("部位", "位置", "隐患位置", "所在部位", "具体部位")),
        # 隐患描述 names the title when a ledger has no 隐患名称 (the synonyms), else the description
        Column(
            "description", "详细描述", ("情况说明", "具体情况", "备注"), width=36, fallback=("隐患描述", "隐患内容")
        ),
        Column(
            "external_ref",
            "隐患编号",
            ("编号", "台账编号", "外部编号"),
            compact_text,
            note="本台账中的编号，再次导入时据此识别",
        ),
    ),
    required_any=(("enterprise", "enterprise_name"),),
)

LEDGERS = {ENTERPRISES.kind: ENTERPRISES, HAZARDS.kind: HAZARDS}


# ------------------------------------------------------------------------------------- processing
@dataclass
class Checked:
    """What one row comes to: an action with its cleaned data, or its errors by field."""

    row: int  # the Excel row number
    action: str = ""  # create | update | unchanged
    cleaned: dict[str, Any] = field(default_factory=dict)
    target: Any = None
    errors: dict[str, str] = field(default_factory=dict)


class Importer(ABC):
    """What a ledger type declares beyond its columns: how a checked row is classified and written."""

    ledger: Ledger
    # an error on a field the sheet fills from another column is shown on that column
    error_columns: dict[str, tuple[str, ...]] = {}

    def __init__(self, actor: User, job_id: str, file_name: str) -> None:
        self.actor = actor
        self.context = {"job": job_id, "file": file_name}

    @abstractmethod
    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        """Load, once for the file, what checking its rows needs."""

    @abstractmethod
    def check(self, row: int, data: dict[str, Any]) -> Checked:
        """One row's action (create, update, unchanged) or its errors by field."""

    @abstractmethod
    def write(self, checked: Sequence[Checked]) -> None:
        """Write every checked row, inside the caller's transaction."""


class EnterpriseImporter(Importer):
    ledger = ENTERPRISES
    error_columns = {"region": ("region", "address")}

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        codes = set()
        for r in rows:
            with contextlib.suppress(ValueError):
                codes.add(clean_credit_code(r.get("credit_code")))
        self.existing = {e.credit_code: e for e in _in_chunks(Enterprise.objects, "credit_code", codes)}
        visible = scoped(Enterprise.objects, self.actor).values_list("credit_code", flat=True)
        self.visible = set(_in_chunks(visible, "credit_code", set(self.existing)))
        self.seen: dict[str, int] = {}
        self.regions: dict[str, str | ValueError] = {}
        self.within = self.actor.region_id if self.actor.role != Role.ADMIN else None

    def _region(self, text: str) -> str:
        if text not in self.regions:
            try:
                self.regions[text] = resolve_region(text, within=self.within)
            except ValueError as exc:
                self.regions[text] = exc
        found = self.regions[text]
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
            cleaned = validate_enterprise(given, actor=self.actor, instance=existing)
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
            return self._region(text)
        except ValueError as exc:
            raise ValueError(f"未填所在区划，按地址也无法确定：{exc}") from exc

    def write(self, checked: Sequence[Checked]) -> None:
        creates = [c for c in checked if c.action == "create"]
        made = []
        for c in creates:
            cleaned = dict(c.cleaned)
            region, sector = cleaned.pop("region"), cleaned.pop("sector")
            made.append(Enterprise(region_id=region, sector_id=sector, **cleaned))
        Enterprise.objects.bulk_create(made, batch_size=2000)
        events = [
            NewEvent(
                "enterprise",
                e.credit_code,
                "created",
                {**enterprise_snapshot(e), "import": {**self.context, "row": c.row}},
            )
            for c, e in zip(creates, made, strict=True)
        ]
        for c in checked:
            if c.action != "update":
                continue
            enterprise: Enterprise = c.target
            before = enterprise_snapshot(enterprise)
            for name, value in c.cleaned.items():
                setattr(enterprise, f"{name}_id" if name in ("region", "sector") else name, value)
            enterprise.save()
            after = enterprise_snapshot(enterprise)
            changes = {k: [before[k], after[k]] for k in after if str(before[k]) != str(after[k])}
            events.append(
                NewEvent(
                    "enterprise",
                    enterprise.credit_code,
                    "updated",
                    {"changes": changes, "import": {**self.context, "row": c.row}},
                )
            )
        event_append_many(actor=self.actor, events=events)


class _PreloadedLookups(HazardLookups):
    """The file's enterprises and the criteria it cites, looked up once; the rules are validate_hazard's."""

    def __init__(self, enterprises: dict[str, Enterprise]) -> None:
        self.enterprises = enterprises
        self.criteria: dict[tuple[str, str], bool] = {}

    def enterprise(self, actor: User, credit_code: str) -> Enterprise | None:
        return self.enterprises.get(credit_code)

    def criterion_applies(self, code: str, sector: str) -> bool:
        key = (code, sector)
        if key not in self.criteria:
            self.criteria[key] = criterion_applies(code=code, sector=sector)
        return self.criteria[key]


# fields an existing hazard may take from a re-import; the rest follow the lifecycle, on its page
HAZARD_UPDATABLE = ("description", "location")
HAZARD_FIXED = {
    "level": "隐患级别",
    "source": "隐患来源",
    "discovered_on": "发现日期",
    "deadline": "整改期限",
    "criterion_id": "判定依据",
}


class HazardImporter(Importer):
    ledger = HAZARDS
    error_columns = {"enterprise": ("enterprise", "enterprise_name"), "criterion_id": ("criterion",)}

    def prepare(self, rows: Sequence[dict[str, Any]]) -> None:
        codes, names = set(), set()
        for r in rows:
            try:
                codes.add(clean_credit_code(r.get("enterprise")))
            except ValueError:
                if r.get("enterprise_name"):
                    names.add(str(r["enterprise_name"]))
        visible = scoped(Enterprise.objects, self.actor).only("id", "credit_code", "name", "region_id", "sector_id")
        by_code = {e.credit_code: e for e in _in_chunks(visible, "credit_code", codes)}
        self.by_name: dict[str, list[Enterprise]] = defaultdict(list)
        for e in _in_chunks(visible, "name", names):
            self.by_name[e.name].append(e)
            by_code.setdefault(e.credit_code, e)
        self.lookups = _PreloadedLookups(by_code)
        ids = [e.pk for e in by_code.values()]
        # plain rows, not model instances: a county's ledger meets tens of thousands of earlier hazards
        known = Hazard.objects.order_by().values(
            "status",
            "id",
            "enterprise_id",
            "external_ref",
            "title",
            "discovered_on",
            "description",
            "location",
            *HAZARD_FIXED,
        )
        self.by_ref: dict[tuple[int, str], SimpleNamespace] = {}
        self.by_natural: dict[tuple[int, str, datetime.date], SimpleNamespace] = {}
        for row in _in_chunks(known, "enterprise_id", set(ids)):
            h = SimpleNamespace(**row)
            if h.external_ref:
                self.by_ref[(h.enterprise_id, h.external_ref)] = h
            self.by_natural.setdefault((h.enterprise_id, h.title, h.discovered_on), h)
        self.seen: dict[tuple[Any, ...], int] = {}

    def check(self, row: int, data: dict[str, Any]) -> Checked:
        out = Checked(row=row)
        values = dict(data)
        name = values.pop("enterprise_name", "") or ""
        if not values.get("enterprise"):
            matches = self.by_name.get(str(name), [])
            if not name:
                out.errors["enterprise"] = "请填写企业的统一社会信用代码或企业名称"
                return out
            if len(matches) != 1:
                out.errors["enterprise"] = (
                    f"辖区内没有名为“{name}”的企业"
                    if not matches
                    else f"辖区内有 {len(matches)} 家企业名为“{name}”：请填写统一社会信用代码"
                )
                return out
            values["enterprise"] = matches[0].credit_code
        try:
            cleaned = validate_hazard(values, actor=self.actor, lookups=self.lookups)
        except FieldErrors as exc:
            out.errors.update(exc.errors)
            return out
        enterprise: Enterprise = cleaned["enterprise"]
        ref = cleaned.get("external_ref") or ""
        key: tuple[Any, ...] = (
            (enterprise.pk, ref) if ref else (enterprise.pk, cleaned["title"], cleaned["discovered_on"])
        )
        if key in self.seen:
            out.errors["external_ref" if ref else "title"] = f"与第 {self.seen[key]} 行是同一条隐患"
            return out
        self.seen[key] = row
        existing = self.by_ref.get(key) if ref else self.by_natural.get(key)
        out.cleaned = cleaned
        if existing is None:
            out.action = "create"
            return out
        if existing.status == "cancelled":
            out.errors["external_ref" if ref else "title"] = (
                f"同一隐患（ID {existing.id}）已撤销：撤销的隐患不能再导入，请改用新的编号或名称"
            )
            return out
        # a blank cell says nothing; a different value of a field the lifecycle owns is refused
        fixed = [
            label
            for f, label in HAZARD_FIXED.items()
            if cleaned.get(f) not in (None, "") and cleaned[f] != getattr(existing, f)
        ]
        if fixed:
            out.errors[next(f for f, label in HAZARD_FIXED.items() if label == fixed[0])] = (
                f"已导入过的隐患（ID {existing.id}）的{'、'.join(fixed)}与表中不同："
                "请在隐患页面处理，导入只更新描述和部位"
            )
            return out
        updatable = (*HAZARD_UPDATABLE, "title") if ref else HAZARD_UPDATABLE
        # a blank cell says nothing: it never clears what the register holds
        changed = {f: cleaned[f] for f in updatable if cleaned.get(f) and cleaned[f] != getattr(existing, f)}
        out.target, out.cleaned = existing, changed
        out.action = "update" if changed else "unchanged"
        return out

    def write(self, checked: Sequence[Checked]) -> None:
        creates = [c for c in checked if c.action == "create"]
        ids = allocate_ids(Hazard, len(creates))

        def fields_of(c: Checked, pk: int) -> dict[str, Any]:
            cleaned = dict(c.cleaned)
            enterprise: Enterprise = cleaned.pop("enterprise")
            return {
                "id": pk,
                "enterprise_id": enterprise.pk,
                "region_id": enterprise.region_id,
                "sector_id": enterprise.sector_id,
                "created_by_id": self.actor.pk,
                "status": Status.OPEN,
                "criterion_id": None,
                "description": "",
                "location": "",
                "external_ref": "",
                "deadline": None,
                **cleaned,
            }

        # executemany with the ids allocated above: a hundred thousand model saves would be most of the time
        bulk_insert(Hazard, (fields_of(c, pk) for c, pk in zip(creates, ids, strict=True)), 5000, with_ids=True)
        changes: list[tuple[Shape | None, Shape | None]] = []

        def created() -> Iterator[NewEvent]:
            for c, pk in zip(creates, ids, strict=True):
                # what the hazard row holds, for the same snapshot and counts as hazard_create's
                h = cast(
                    Hazard,
                    SimpleNamespace(
                        **fields_of(c, pk), enterprise=c.cleaned["enterprise"], closed_on=None, listed=False
                    ),
                )
                changes.append((None, shape_of(h)))
                yield NewEvent("hazard", str(pk), "created", {**snapshot(h), "import": {**self.context, "row": c.row}})

        event_append_many(actor=self.actor, events=created())
        events: list[NewEvent] = []
        for c in checked:
            if c.action != "update":
                continue
            known: SimpleNamespace = c.target
            before = {f: getattr(known, f) for f in c.cleaned}
            Hazard.objects.filter(pk=known.id).update(**c.cleaned)
            events.append(
                NewEvent(
                    "hazard",
                    str(known.id),
                    "updated",
                    {
                        "changes": {f: [before[f], v] for f, v in c.cleaned.items()},
                        "import": {**self.context, "row": c.row},
                    },
                )
            )
        event_append_many(actor=self.actor, events=events)
        tallies_changed(HAZARD_SUBJECT, changes)


IMPORTERS: dict[str, type[Importer]] = {"enterprises": EnterpriseImporter, "hazards": HazardImporter}


def _in_chunks(qs: Any, field_name: str, values: set[Any], size: int = 900) -> list[Any]:
    """``field__in`` in chunks: SQLite caps the number of parameters of one statement."""
    out: list[Any] = []
    items = sorted(values, key=str)
    for i in range(0, len(items), size):
        out.extend(qs.filter(Q(**{f"{field_name}__in": items[i : i + size]})))
    return out
