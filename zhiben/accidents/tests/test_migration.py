"""accidents 0002–0003 give recorded accidents a type that keeps their 补报 window (条例 第十三条), the head's
time (第九条: the accident's) and the investigation's due day (第二十九条: 60 days); and it goes back."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhiben.accidents import rules

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accidents", "0001_initial")]
AFTER = [("accidents", "0003_accident_steps")]
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def at_0001() -> Iterator[Any]:
    apps = _migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes("accidents"))


def _old_accident(apps: Any, sector: str, occurred: datetime.datetime) -> int:
    Accident = apps.get_model("accidents", "Accident")
    Region, Sector = apps.get_model("regions", "Region"), apps.get_model("reference", "Sector")
    region = Region.objects.filter(code="500241").first() or Region.objects.order_by("code").last()
    if not Sector.objects.filter(key=sector).exists():
        Sector.objects.create(key=sector, name=sector)
    return Accident.objects.create(
        region=region,
        sector_id=sector,
        occurred_at=occurred,
        reported_at=occurred + datetime.timedelta(minutes=30),
        deaths=1,
        serious_injuries=0,
        direct_loss=0,
        grade="general",
        description="旧记录",
    ).pk


def test_recorded_accidents_keep_their_window_and_get_their_due_days(at_0001) -> None:
    late_evening = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=BEIJING)  # 15:30 UTC: the Beijing day counts
    truck = _old_accident(at_0001, "road_transport", late_evening)
    plant = _old_accident(at_0001, "machinery", late_evening)
    apps = _migrate(AFTER)
    Accident = apps.get_model("accidents", "Accident")
    rows = {a.pk: a for a in Accident.objects.all()}
    assert (rows[truck].type, rows[plant].type) == ("road_traffic", "other")
    assert rules.supplement_days(rows[truck].type) == 7 and rules.supplement_days(rows[plant].type) == 30
    assert rows[truck].head_notified_at == late_evening and rows[plant].missing == 0
    assert rows[plant].investigation_due == datetime.date(2026, 4, 30) and rows[plant].reply_due is None
    # and back: the columns go, the rows stay
    apps = _migrate(BEFORE)
    assert apps.get_model("accidents", "Accident").objects.count() == 2
