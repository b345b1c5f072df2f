"""The dual-prevention data exchange on the register kit (issue 15): the 风险分级管控清单 ledger for the import engine
(``ledgers.REGISTER_LEDGER``) and the events of an exchange (subject ``risk_exchange``: one per import, on the
enterprise, with what it did per table)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiben.common import kit

from .. import interface as nat
from ..ledgers import REGISTER_LEDGER
from ..selectors import enterprise_visible
from ..selectors.interface import exchange_panel

_ACTIONS = (("created", "新增"), ("updated", "更新"), ("deleted", "删除"), ("skipped", "未变"))


def _imported(payload: Mapping[str, Any]) -> list[str]:
    """``{"source", "tables": {table: {"created": n, …}}}`` (the JSON import) or ``{"source", "tables":
    {"riskUnit_created": n, …}}`` (the ledger) as Chinese lines."""
    lines = [f"来源：{payload.get('source', '')}"]
    tables = payload.get("tables") or {}
    for table, name in nat.TABLE_NAMES.items():
        counts = tables.get(table)
        if isinstance(counts, Mapping):
            shown = "，".join(f"{label} {counts[k]}" for k, label in _ACTIONS if counts.get(k))
            if counts.get("not_imported"):  # check records and hazards: given, not written
                shown = f"未导入 {counts['not_imported']}"
        else:
            shown = "，".join(
                f"{label} {tables[f'{table}_{k}']}" for k, label in _ACTIONS if tables.get(f"{table}_{k}")
            )
        if shown:
            lines.append(f"{name}：{shown}")
    return lines


def _unit_changes(payload: Mapping[str, Any]) -> list[str]:
    """``{"source", "changes": {"riskEvent:created": n, …}}`` (the JSON import) or ``{"source", "changes": {"rows":
    n}}`` (the ledger) as Chinese lines."""
    actions = dict(_ACTIONS)
    lines = [f"来源：{payload.get('source', '')}"]
    for key, n in (payload.get("changes") or {}).items():
        table, _, action = str(key).partition(":")
        if table == "rows":
            lines.append(f"台账中涉及本单元的行 {n} 行")
        elif table in nat.TABLE_NAMES:
            lines.append(f"{nat.TABLE_NAMES[table]}{actions.get(action, action)} {n}")
    return lines


EVENTS = kit.EventCatalogue(kinds=(kit.EventKind("imported", "导入双重预防数据", render=_imported),))
# The kind the exchange writes on a risk unit (subject ``risk_unit``): the risk register's catalogue takes it.
UNIT_EVENT_KINDS = (kit.EventKind("exchange_imported", "通过数据交换或台账导入更新", render=_unit_changes),)

REGISTER = kit.register(
    kit.Register(
        name="risk_exchange",
        label="双重预防数据交换",
        path="dual-prevention",
        app_label="risks",
        get_scoped=kit.scoped_get(lambda actor, key: enterprise_visible(actor, key), "企业不存在", integer=False),
        events=EVENTS,
        ledgers=(REGISTER_LEDGER,),
        # on an enterprise's page: its dual-prevention data in figures, and the way to the exchange page
        panels=(kit.Panel("enterprise", "risks/_interface_enterprise_panel.html", exchange_panel, order=40),),
    )
)
