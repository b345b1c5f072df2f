"""Tallies are a register's declaration (kit.TallySource): the engine keeps what is declared, and only that."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.management import call_command

from zhiben.analytics.checks import check_tally_sources
from zhiben.analytics.tallies import ENGINES, counted_hazards
from zhiben.common import kit
from zhiben.hazards.models import Hazard, Status
from zhiben.hazards.tallies import SUBJECT, shape_of


def test_the_hazard_register_declares_its_tallies_and_the_engine_keeps_them() -> None:
    source = kit.get("hazard").tallies
    assert source is not None
    assert (source.subject, source.shape_of) == (SUBJECT, shape_of)
    assert SUBJECT in ENGINES
    assert check_tally_sources() == []
    call_command("check")  # the system check is registered and passes


@pytest.mark.django_db
def test_the_counted_records_are_the_declared_ones() -> None:
    assert str(counted_hazards().query) == str(Hazard.objects.exclude(status=Status.CANCELLED).query)


def test_a_register_declaring_tallies_the_engine_does_not_keep_fails_the_checks(monkeypatch) -> None:
    accident = kit.get("accident")
    stray = dataclasses.replace(accident, tallies=kit.TallySource("accident", "事故统计", lambda a: a, lambda: None))
    monkeypatch.setitem(kit._REGISTRY, "accident", stray)
    assert [e.id for e in check_tally_sources()] == ["analytics.E001"]


def test_counts_kept_for_a_subject_no_register_declares_fail_the_checks(monkeypatch) -> None:
    hazard = kit.get("hazard")
    monkeypatch.setitem(kit._REGISTRY, "hazard", dataclasses.replace(hazard, tallies=None))
    assert [e.id for e in check_tally_sources()] == ["analytics.E002"]
