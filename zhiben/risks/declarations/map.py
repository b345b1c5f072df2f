"""The four-colour map (四色图) on the register kit: the events it writes on a risk unit's chain (subject type
``risk_unit``). The risk-unit register (``declarations/register.py``) takes these kinds into its catalogue, so
that a unit's timeline reads its placements in Chinese."""

from __future__ import annotations

from zhiben.common import kit

UNIT_MAP_EVENTS: tuple[kit.EventKind, ...] = (
    kit.EventKind("placed", "在四色图上标注位置", (("name", "风险分析单元"), ("x", "横坐标"), ("y", "纵坐标"))),
    kit.EventKind("unplaced", "从四色图上移除", (("name", "风险分析单元"),)),
)

# The map's own catalogue, for the unit's events until the risk-unit register declares them with its own.
UNIT_MAP_CATALOGUE = kit.EventCatalogue(UNIT_MAP_EVENTS)
