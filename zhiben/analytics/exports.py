"""Excel exports of figures (XlsxWriter: styled header, frozen first row, column widths, Chinese labels)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import xlsxwriter

RANKING_COLUMNS: list[tuple[str, str, int]] = [
    ("rank", "名次", 6),
    ("key", "区划代码", 12),
    ("name", "区划", 18),
    ("on_time_rate", "按期销号率", 12),
    ("closed_on_time", "按期销号", 10),
    ("closed", "已销号", 10),
    ("total", "隐患总数", 10),
    ("open", "未销号", 10),
    ("overdue", "逾期未整改", 12),
    ("stock_total", "存量隐患", 10),
    ("stock_open", "存量未销号", 12),
    ("increment_total", "增量隐患", 10),
    ("increment_open", "增量未销号", 12),
    ("listed", "挂牌督办", 10),
]


def ranking_xlsx(rows: list[dict[str, Any]], *, title: str, as_of: datetime.date) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("晾晒排名")
    head = book.add_format(
        {
            "bold": True,
            "bg_color": "#B3261E",
            "font_color": "#FFFFFF",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    cell = book.add_format({"border": 1})
    percent = book.add_format({"border": 1, "num_format": "0.0%"})
    caption = book.add_format({"bold": True, "font_size": 14})
    sheet.write(0, 0, f"{title}（截至 {as_of:%Y年%m月%d日}）", caption)
    for col, (_, label, width) in enumerate(RANKING_COLUMNS):
        sheet.write(1, col, label, head)
        sheet.set_column(col, col, width)
    for r, row in enumerate(rows, start=2):
        for col, (key, _, _) in enumerate(RANKING_COLUMNS):
            value = row.get(key)
            if key == "on_time_rate":
                if value is None:
                    sheet.write(r, col, "—", cell)
                else:
                    sheet.write_number(r, col, value, percent)
            elif isinstance(value, int | float):
                sheet.write_number(r, col, value, cell)
            else:
                sheet.write_string(r, col, str(value or ""), cell)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, 1 + len(rows), len(RANKING_COLUMNS) - 1)
    book.close()
    return out.getvalue()
