"""Excel exports of figures, through the shared writer (zhiben/common/xlsx.py)."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.common.xlsx import Column, write_table

RANKING_COLUMNS: list[tuple[str, Column]] = [
    ("rank", Column("名次", 6, "int")),
    ("key", Column("区划代码", 12)),
    ("name", Column("区划", 18)),
    ("on_time_rate", Column("按期销号率", 12, "percent")),
    ("closed_on_time", Column("按期销号", 10, "int")),
    ("closed", Column("已销号", 10, "int")),
    ("total", Column("隐患总数", 10, "int")),
    ("open", Column("未销号", 10, "int")),
    ("overdue", Column("逾期未整改", 12, "int")),
    ("stock_total", Column("存量隐患", 10, "int")),
    ("stock_open", Column("存量未销号", 12, "int")),
    ("increment_total", Column("增量隐患", 10, "int")),
    ("increment_open", Column("增量未销号", 12, "int")),
    ("listed", Column("挂牌督办", 10, "int")),
]
_RATE = [key for key, _ in RANKING_COLUMNS].index("on_time_rate")


def ranking_xlsx(rows: list[dict[str, Any]], *, title: str, as_of: datetime.date) -> bytes:
    """The ranking under a caption line (title and date); a region with no rate shows "—"."""

    def cells(row: dict[str, Any]) -> list[Any]:
        values = [row.get(key) for key, _ in RANKING_COLUMNS]
        if values[_RATE] is None:
            values[_RATE] = "—"
        return values

    return write_table(
        "晾晒排名",
        [column for _, column in RANKING_COLUMNS],
        (cells(row) for row in rows),
        caption=f"{title}（截至 {as_of:%Y年%m月%d日}）",
    )


DEPARTMENT_COLUMNS: list[tuple[str, Column]] = [
    ("rank", Column("名次", 6, "int")),
    ("name", Column("成员单位", 22)),
    ("sector_names", Column("牵头行业领域", 30)),
    ("on_time_rate", Column("隐患按期销号率", 14, "percent")),
    ("closed", Column("已销号", 10, "int")),
    ("overdue", Column("逾期未整改", 12, "int")),
    ("stock_open", Column("存量未销号", 12, "int")),
    ("task_rate", Column("任务按期完成率", 14, "percent")),
    ("tasks", Column("牵头任务", 10, "int")),
    ("tasks_overdue", Column("逾期任务", 10, "int")),
]


def department_ranking_xlsx(rows: list[dict[str, Any]], *, title: str, as_of: datetime.date) -> bytes:
    """The member units' ranking under a caption line; a rate with nothing to rate shows "—"."""

    def cells(row: dict[str, Any]) -> list[Any]:
        return ["—" if row.get(key) is None and key.endswith("rate") else row.get(key) for key, _ in DEPARTMENT_COLUMNS]

    return write_table(
        "成员单位晾晒",
        [column for _, column in DEPARTMENT_COLUMNS],
        (cells(row) for row in rows),
        caption=f"{title}（截至 {as_of:%Y年%m月%d日}）",
    )
