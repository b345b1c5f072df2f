"""hazards 0010: a pending extension asked before 0008 stored the request day gets it from its event."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from zhiben.audit.models import Event
from zhiben.hazards.models import ExtensionStatus, Hazard

from .conftest import new_hazard

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("zhiben.hazards.migrations.0010_extension_requested_on_backfill").backfill


def test_a_pending_extension_gets_its_request_day_from_the_latest_event(officer, firm) -> None:
    pending = new_hazard(officer, firm, title="待审批延期")
    decided = new_hazard(officer, firm, title="已审批延期")
    Hazard.objects.filter(pk=pending.pk).update(extension_status=ExtensionStatus.PENDING, extension_requested_on=None)
    Hazard.objects.filter(pk=decided.pk).update(extension_status=ExtensionStatus.APPROVED, extension_requested_on=None)
    for hazard in (pending, decided):
        for at in ("2026-03-01T15:00:00+00:00", "2026-04-01T16:30:00+00:00"):  # the second is 04-02 in Beijing
            Event.objects.create(
                chain="hazard-test",
                subject_type="hazard",
                subject_id=str(hazard.pk),
                kind="extension_requested",
                actor_name="测试",
                at=datetime.datetime.fromisoformat(at),
                payload={},
                prev_hash="",
                hash=f"{hazard.pk}-{at}",
            )
    backfill(apps, None)
    assert Hazard.objects.get(pk=pending.pk).extension_requested_on == datetime.date(2026, 4, 2)
    assert Hazard.objects.get(pk=decided.pk).extension_requested_on is None  # decided: no clock to run
