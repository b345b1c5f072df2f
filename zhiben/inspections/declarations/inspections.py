"""The ``inspection`` register's declaration (DESIGN.md §5): its scoped get, its events, its list's filters, the
section it adds to a hazard's page (来源检查) and its menu entry — for regulators (监督检查) and for enterprise
users (their own premises' inspections, read-only). The orders area adds its documents, deadlines, to-do and
event kinds through ``orders_parts``."""

from __future__ import annotations

from zhiben.common import kit

from ..events import CATALOGUE
from ..selectors import inspection_get
from ..selectors.inspections import InspectionFilterSet, hazard_panel
from . import orders_parts

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(lambda actor, key: inspection_get(actor=actor, inspection_id=key), "检查记录不存在")

REGISTER = kit.register(
    kit.Register(
        name="inspection",
        label="监督检查",
        path="inspections",
        app_label="inspections",
        get_scoped=get_scoped,
        events=kit.EventCatalogue((*CATALOGUE.kinds, *orders_parts.EVENTS)),
        filters=InspectionFilterSet,
        documents=orders_parts.DOCUMENTS,
        deadline_sources=orders_parts.DEADLINES,
        todo=orders_parts.TODO,
        # every role: officers and admins record inspections, an enterprise user reads its own
        nav=kit.NavEntry("监督检查", "inspection-list", frozenset(), order=55),
        panels=(kit.Panel("hazard", "inspections/_hazard_panel.html", hazard_panel, order=10),),
    )
)
