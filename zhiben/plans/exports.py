"""The board (挂图作战) as a workbook (.xlsx): one row per task, through zhiben/common/xlsx.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from zhiben.common.xlsx import Column, write_table

COLUMNS = (
    Column("序号", 8),
    Column("专项行动", 24),
    Column("任务内容", 60),
    Column("完成时限", 20),
    Column("期限", 12, "date"),
    Column("牵头单位", 24),
    Column("配合单位", 30),
    Column("状态", 12),
    Column("进度（%）", 10, "int"),
)


def _rows(board: dict[str, Any]) -> Iterator[list[Any]]:
    for row in board["rows"]:
        yield [
            row["number"],
            row["action"],
            row["text"],
            row["due_text"],
            row["due"],
            "、".join(row["lead"]),
            "、".join(row["co"]),
            row["state_label"],
            row["percent"],
        ]


def board_xlsx(title: str, board: dict[str, Any]) -> bytes:
    """The board's tasks in one sheet, captioned with the plan's title and the state tally."""
    tally = board["tally"]
    caption = (
        f"{title}（共 {tally['total']} 项：未开始 {tally['open']}，推进中 {tally['in_progress']}，"
        f"已完成待验收 {tally['done']}，已销号 {tally['accepted']}，逾期 {tally['overdue']}；"
        f"截至 {board['today']:%Y-%m-%d}）"
    )
    return write_table("挂图作战", COLUMNS, _rows(board), caption=caption)
