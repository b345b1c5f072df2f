"""The ``inspection`` register's declaration (DESIGN.md §5): its scoped get, its events, its list's filters, the
section it adds to a hazard's page (来源检查) and its menu entry — for regulators (监督检查) and for enterprise
users (their own premises' inspections, read-only). The orders area adds its documents, notices and event kinds
through ``orders_parts``."""

from __future__ import annotations

from zhiben.accounts.models import Role
from zhiben.common import kit

from ..events import CATALOGUE
from ..selectors import inspection_get
from ..selectors.inspections import InspectionFilterSet, hazard_panel
from . import orders_parts

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(lambda actor, key: inspection_get(actor=actor, inspection_id=key), "检查记录不存在")

# 有问题查不出 (DESIGN.md §3 ``self_check_missed``; the plans: 参照事故调查处理): a major finding the enterprise's own
# self-check did not record is told at once to the regulators over the enterprise, to look into its self-check.
NOTICES = (
    kit.NotificationRule(
        event="finding_added",
        only={"self_check_missed": True},
        roles=frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER}),
        title="有问题查不出：{enterprise}",
        body="{actor}检查发现重大事故隐患“{title}”，企业自查未发现同类问题（前365日无引用同一条款的自查隐患），请倒查企业自查责任。",
        link="/hazards/{hazard}/",
    ),
)

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
        notification_rules=(*orders_parts.NOTICES, *NOTICES),
        # every role: officers and admins record inspections, an enterprise user reads its own
        nav=kit.NavEntry("监督检查", "inspection-list", frozenset(), order=55),
        panels=(kit.Panel("hazard", "inspections/_hazard_panel.html", hazard_panel, order=10),),
    )
)
