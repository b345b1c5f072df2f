"""A re-import (enterprise_update_many) and a change made by hand at the same time: neither is lost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhiben.audit.models import Event
from zhiben.common.inputs import parse
from zhiben.enterprises.inputs import EnterpriseChange
from zhiben.enterprises.models import Enterprise
from zhiben.enterprises.services import enterprise_update, enterprise_update_many
from zhiben.tests_support import factories
from zhiben.tests_support.concurrency import second_after_first

NEW_ADDRESS = "秀山县清溪场镇工业园区1号"


def _by_hand(officer, firm) -> None:
    change = parse(EnterpriseChange, {"principal": "李四", "employees": 80})
    enterprise_update(actor=officer, credit_code=firm.credit_code, change=change)


def _reimport(officer, read_before) -> None:
    enterprise_update_many(actor=officer, rows=[(read_before, {"address": NEW_ADDRESS})])


def _both_kept(firm) -> None:
    now = Enterprise.objects.get(pk=firm.pk)
    assert (now.principal, now.employees, now.address) == ("李四", 80, NEW_ADDRESS)
    updates = Event.objects.filter(subject_type="enterprise", subject_id=firm.credit_code, kind="updated")
    changed = [set(e.payload["changes"]) for e in updates.order_by("id")]
    assert changed == [{"principal", "employees"}, {"address"}]  # the re-import changed only what it names


@pytest.mark.django_db
def test_a_reimport_keeps_a_change_saved_after_it_read_the_enterprise(officer, firm) -> None:
    read_before = Enterprise.objects.get(pk=firm.pk)  # the import checked its rows ...
    _by_hand(officer, firm)  # ... someone saved a change on the enterprise's page ...
    _reimport(officer, read_before)  # ... then the import wrote its rows
    _both_kept(firm)
    assert read_before.principal == "李四" and read_before.address == NEW_ADDRESS  # the caller's copy, as written


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_reimport_waits_for_a_change_in_progress_and_keeps_it(officer, firm) -> None:
    read_before = Enterprise.objects.get(pk=firm.pk)
    # A saves a change by hand and commits a moment later; B's re-import, started meanwhile, waits for A's row
    # lock and writes on the row as A left it
    assert second_after_first(lambda: _by_hand(officer, firm), lambda: _reimport(officer, read_before)) is None
    _both_kept(firm)


@pytest.mark.django_db
def test_a_reimport_locks_its_rows_in_id_order(officer, firm, township) -> None:
    """Two re-imports naming the same enterprises in different orders take their locks in the same order, so
    they cannot deadlock."""
    other = factories.enterprise(region=township, sector="hazardous_chemicals", name="秀山县第二化工有限公司")
    rows = [(Enterprise.objects.get(pk=pk), {"address": f"地址{pk}"}) for pk in sorted([firm.pk, other.pk])[::-1]]
    with CaptureQueriesContext(connection) as queries:
        assert enterprise_update_many(actor=officer, rows=rows) == 2
    table = Enterprise._meta.db_table
    locks = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]
    assert len(locks) == 1 and f'ORDER BY "{table}"."id" ASC' in locks[0], locks
    if connection.features.has_select_for_update:
        assert locks[0].endswith("FOR UPDATE"), locks
