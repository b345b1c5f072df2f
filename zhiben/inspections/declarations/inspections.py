"""The ``inspection`` register (DESIGN.md §5) — the orders branch's minimal declaration, so that the orders area's
parts (``orders_parts``: documents, the re-inspection ladder, to-do, notices, events) are served and tested before
the inspection area's own declaration of this register replaces this module."""

from __future__ import annotations

from zhiben.common import kit

from ..selectors import inspection_get
from . import orders_parts

INSPECTIONS = kit.register(
    kit.Register(
        name="inspection",
        label="监督检查",
        path="inspections",
        app_label="inspections",
        get_scoped=kit.scoped_get(lambda actor, key: inspection_get(actor=actor, inspection_id=key), "检查不存在"),
        events=kit.EventCatalogue(orders_parts.EVENTS),
        documents=orders_parts.DOCUMENTS,
        deadline_sources=orders_parts.DEADLINES,
        todo=orders_parts.TODO,
        notification_rules=orders_parts.NOTICES,
    )
)
