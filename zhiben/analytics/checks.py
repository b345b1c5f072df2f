"""System checks of the analytics engine: every register's declared tallies are kept, and only those."""

from __future__ import annotations

from typing import Any

from django.core import checks

from zhiben.common import kit

from .tallies import ENGINES


def check_tally_sources(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """analytics.E001: a register declares tallies this engine keeps no tables for (its counts would be
    lost); analytics.E002: the engine keeps tables for a subject no register declares."""
    errors: list[checks.CheckMessage] = []
    declared = {spec.tallies.subject: spec for spec in kit.registers() if spec.tallies is not None}
    for subject, spec in declared.items():
        if subject not in ENGINES:
            errors.append(
                checks.Error(
                    f"register {spec.name!r} declares tallies {subject!r}, which the analytics engine does not keep",
                    hint="add its count tables and receiver to zhiben.analytics.tallies.ENGINES",
                    id="analytics.E001",
                )
            )
    for subject in ENGINES.keys() - declared.keys():
        errors.append(
            checks.Error(
                f"the analytics engine keeps counts of {subject!r}, but no register declares them",
                hint="declare kit.TallySource in the register's register.py",
                id="analytics.E002",
            )
        )
    return errors
