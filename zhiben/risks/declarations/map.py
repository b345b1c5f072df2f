"""The four-colour map (四色图) on the register kit: the events it writes on a risk unit's chain (subject type
``risk_unit``), for the risk-unit register's catalogue to take in, so that a unit's timeline reads its placements in
Chinese. (The layout's upload is an event on the enterprise: its kind is in zhiben/enterprises/events.py.)"""

from __future__ import annotations

from zhiben.common import kit

UNIT_MAP_EVENTS: tuple[kit.EventKind, ...] = (
    kit.EventKind("placed", "在四色图上标注位置", (("name", "风险分析单元"), ("x", "横坐标"), ("y", "纵坐标"))),
    kit.EventKind("unplaced", "从四色图上移除", (("name", "风险分析单元"),)),
)

# The placements as a catalogue of their own (read by the tests; the risk-unit register's catalogue includes them).
UNIT_MAP_CATALOGUE = kit.EventCatalogue(UNIT_MAP_EVENTS)
