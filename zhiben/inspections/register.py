"""The declarations of the inspections and enforcement registers (DESIGN.md §5): each area declares its own
register object(s) in its module under ``declarations/`` (draws, inspections, orders and documents,
penalties, experts and plans, statistics); importing them here records them with the platform."""

from __future__ import annotations

from .declarations import (
    draws,  # noqa: F401 - 双随机 draws
    inspections,  # noqa: F401 - the inspection register (with the orders area's parts)
    orders,  # noqa: F401 - the order register (the re-inspection ladder, to-do, menu)
    stats,  # noqa: F401 - the enforcement statistics (dashboard card)
)
