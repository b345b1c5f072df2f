"""The declarations of the inspections and enforcement registers (DESIGN.md §5): each area declares its own
register object(s) in its module under ``declarations/`` (draws, inspections, orders and documents,
penalties, experts and plans, statistics); importing them here records them with the platform."""

from __future__ import annotations

from .declarations import (
    draws,  # noqa: F401 - 双随机 draws
    inspections,  # noqa: F401 - the inspection register (with the orders area's parts)
    orders,  # noqa: F401 - the order register (the re-inspection ladder, to-do, menu)
    penalties,  # 行政处罚 (its ledgers attached below)
    plans,  # noqa: F401 - 年度监督检查计划
    pools,  # noqa: F401 - 执法人员和专家库
    stats,  # noqa: F401 - the enforcement statistics (dashboard card)
)
from .ledgers import INSPECTION_LEDGER, PENALTY_LEDGER

# The enforcement ledgers (执法检查台账, 行政处罚台账) on the penalty register: attached here, where the app's
# declarations and its write path meet (the ledgers write through the services, which import the declarations).
penalties.PENALTY_REGISTER.ledgers = (INSPECTION_LEDGER, PENALTY_LEDGER)
