"""The enterprise register as an Excel workbook: every row the list filters select, in the list's order.

Reads go through ``enterprise_list`` (so through the actor's scope) and stream its rows as tuples
(``values_list`` + ``iterator``): one query, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

from django.utils import timezone

from zhiben.accounts.models import User
from zhiben.common.xlsx import Column, write_table

from .filters import EnterpriseFilterSet
from .models import OperatingStatus, RiskLevel, Scale, StandardisationGrade, SupervisionClass
from .selectors import enterprise_list

CHUNK = 2000

# (values_list path, column); labels follow the model's verbose names and the register's pages.
FIELDS: list[tuple[str, Column]] = [
    ("credit_code", Column("统一社会信用代码", 22)),
    ("name", Column("单位名称", 32)),
    ("region__full_name", Column("所在区划", 30)),
    ("region_id", Column("区划代码", 12)),
    ("sector__name", Column("行业领域", 16)),
    ("industry_code", Column("国民经济行业代码", 10)),
    ("address", Column("地址", 30)),
    ("high_risk", Column("高危行业", 8)),
    ("scale", Column("企业规模", 8)),
    ("above_scale", Column("规模以上", 8)),
    ("employees", Column("从业人数", 10, "int")),
    ("risk_level", Column("安全风险等级", 14)),
    ("supervision_class", Column("监管分类", 8)),
    ("standardisation_grade", Column("安全生产标准化等级", 10)),
    ("standardisation_valid_until", Column("标准化有效期至", 12, "date")),
    ("insured", Column("投保安责险", 8)),
    ("insurance_valid_until", Column("安责险有效期至", 12, "date")),
    ("principal", Column("主要负责人", 10)),
    ("principal_phone", Column("主要负责人电话", 14)),
    ("actual_controller", Column("实际控制人", 10)),
    ("safety_contact", Column("安全管理联系人", 10)),
    ("safety_phone", Column("安全管理联系电话", 14)),
    ("status", Column("经营状态", 10)),
    ("longitude", Column("经度", 12, "decimal")),
    ("latitude", Column("纬度", 12, "decimal")),
    ("created_at", Column("登记时间", 17, "datetime")),
    ("updated_at", Column("更新时间", 17, "datetime")),
]
COLUMNS = [column for _, column in FIELDS]
# The region's full name is left blank for some regions: fall back on its short name.
PATHS = [path for path, _ in FIELDS] + ["region__name"]
LABELS: dict[str, dict[str, str]] = {
    "scale": dict(Scale.choices),
    "risk_level": dict(RiskLevel.choices),
    "supervision_class": dict(SupervisionClass.choices),
    "standardisation_grade": dict(StandardisationGrade.choices),
    "status": dict(OperatingStatus.choices),
}
_REGION = PATHS.index("region__full_name")
_LABELLED = [(PATHS.index(path), labels) for path, labels in LABELS.items()]


def enterprise_rows(
    *, actor: User, filters: Mapping[str, Any] | EnterpriseFilterSet | None = None
) -> Generator[list[Any], None, None]:
    """The cells of each enterprise the list shows ``actor`` for ``filters`` (the list's query parameters or
    its bound filterset), in the list's order. FieldErrors for an invalid parameter."""
    qs = enterprise_list(actor=actor, filters=filters).values_list(*PATHS)
    for values in qs.iterator(chunk_size=CHUNK):
        row = list(values)
        region_name = row.pop()
        row[_REGION] = row[_REGION] or region_name
        for index, labels in _LABELLED:
            row[index] = labels.get(row[index], row[index])
        yield row


def enterprises_xlsx(*, actor: User, filters: Mapping[str, Any] | EnterpriseFilterSet | None = None) -> bytes:
    """The filtered register as a workbook (every row, no paging). FieldErrors for an invalid parameter."""
    return write_table("企业清单", COLUMNS, enterprise_rows(actor=actor, filters=filters))


def export_filename() -> tuple[str, str]:
    """The download's name and its ASCII fallback, dated by the Beijing day."""
    day = f"{timezone.localdate():%Y%m%d}"
    return f"企业清单-{day}.xlsx", f"enterprises-{day}.xlsx"
