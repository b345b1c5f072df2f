"""The declarations of the dual-prevention registers (DESIGN.md §5): each area declares its kit objects in its module
under ``declarations/``; importing them here records them with the platform."""

from __future__ import annotations

from .declarations import (
    checks,  # noqa: F401 - 隐患排查任务 and 隐患排查记录 (events, the 待排查 to-do)
    interface,  # noqa: F401 - the national interface's exchange and the 风险分级管控清单 ledger
    map,  # noqa: F401 - 四色图: the placement events of risk units
    posts,  # noqa: F401 - 岗位 (两单两卡): the post register and its events
    register,  # noqa: F401 - 风险分级管控清单 (units, events, measures; the settings)
)
