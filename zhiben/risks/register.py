"""The declarations of the dual-prevention registers (DESIGN.md §5): each area declares its register object(s) in
its module under ``declarations/``; importing them here records them with the platform."""

from __future__ import annotations

from .declarations import register  # noqa: F401 - 风险分级管控清单 (units, events, measures; the settings)
