"""The declarations of the inspections and enforcement registers (DESIGN.md §5): each area declares its own
register object(s) in its module under ``declarations/`` (draws, inspections, orders and documents,
penalties, experts and plans, statistics); importing them here records them with the platform."""

from __future__ import annotations

from .declarations import penalties, plans, pools  # noqa: F401 - 行政处罚, 年度检查计划, 执法人员和专家库
