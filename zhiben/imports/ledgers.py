"""The ledgers the registers declare (``kit.Register.ledgers``), by key: the import engine's only way to
them (DESIGN.md §5: the platform reads the kit and never imports a register)."""

from __future__ import annotations

from zhiben.common import kit
from zhiben.common.ledgers import Ledger


def ledgers() -> dict[str, Ledger]:
    """Every declared ledger by its key (``enterprises``, ``hazards``), in the registers' order."""
    return {ledger.kind: ledger for spec in kit.registers() for ledger in spec.ledgers if isinstance(ledger, Ledger)}


def ledger_get(kind: str) -> Ledger | None:
    """The ledger ``kind``, or None when no register declares it."""
    return ledgers().get(kind)
