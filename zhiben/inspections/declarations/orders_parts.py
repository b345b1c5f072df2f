"""What the orders and documents area (责令限期整改 · 现场处理措施 · 复查 · 行政处罚 · 执法文书) adds to the
``inspection`` register declared in ``declarations/inspections.py``: its documents (``kit.DocumentSpec``), its
deadline sources for the escalation ladder (``kit.DeadlineSource``: the re-inspection due after an ordered
deadline), its to-do sources (``kit.TodoSource``) and its event kinds (``kit.EventKind``, written on the
inspection's timeline). The orders area fills these; the register reads them as they are."""

from __future__ import annotations

from zhiben.common import kit

DOCUMENTS: tuple[kit.DocumentSpec, ...] = ()
# the documents of the ``penalty`` register (declarations/penalties.py): the 行政处罚决定书
PENALTY_DOCUMENTS: tuple[kit.DocumentSpec, ...] = ()
DEADLINES: tuple[kit.DeadlineSource, ...] = ()
TODO: tuple[kit.TodoSource, ...] = ()
EVENTS: tuple[kit.EventKind, ...] = ()
