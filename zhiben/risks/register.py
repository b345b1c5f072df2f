"""The declarations of the dual-prevention registers (DESIGN.md §5): each area declares its kit objects in its
module under ``declarations/``; importing them here records them with the platform."""

from __future__ import annotations

from .declarations import interface  # noqa: F401 - the national interface's exchange and the 风险分级管控清单 ledger
