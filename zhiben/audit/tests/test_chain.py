"""The hash-chained event log: verify_events finds edited, deleted and inserted rows (DESIGN.md §3)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from zhiben.audit.models import ChainHead, Event
from zhiben.audit.services import event_append

pytestmark = pytest.mark.django_db


def _append(n: int, actor=None) -> list[Event]:
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(
                event_append(
                    actor=actor,
                    subject_type="enterprise",
                    subject_id="E1",  # one subject: one chain (a stripe of the enterprises')
                    kind="created",
                    payload={"i": i, "name": "企业"},
                )
            )
    return out


def test_an_intact_chain_verifies(officer) -> None:
    _append(5, officer)
    call_command("verify_events")
    head = ChainHead.objects.get()
    newest = Event.objects.order_by("-id").first()
    assert newest is not None
    assert head.count == 5 and head.last_hash == newest.hash


@pytest.mark.django_db(transaction=True)
def test_events_must_be_written_inside_the_change_transaction() -> None:
    with pytest.raises(RuntimeError):
        event_append(actor=None, subject_type="x", subject_id="1", kind="k")


def test_an_edited_row_is_found_and_named() -> None:
    events = _append(4)
    with connection.cursor() as cursor:  # behind the application's back
        cursor.execute("UPDATE audit_event SET payload = %s WHERE id = %s", ['{"i": 99}', events[1].pk])
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("verify_events")


def test_a_deleted_row_is_found() -> None:
    events = _append(4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"#{events[2].pk}"):
        call_command("verify_events")


def test_deleting_the_newest_row_is_found() -> None:
    events = _append(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [events[-1].pk])
    with pytest.raises(CommandError, match="末尾"):
        call_command("verify_events")


def test_a_changed_actor_or_time_is_found(officer) -> None:
    events = _append(2, officer)
    Event.objects.filter(pk=events[0].pk).update(actor=None)
    with pytest.raises(CommandError):
        call_command("verify_events")


def test_a_failed_change_leaves_no_event() -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            event_append(actor=None, subject_type="x", subject_id="1", kind="k")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        change_that_fails()
    assert not Event.objects.exists()
    call_command("verify_events")


def test_an_edited_actor_name_is_found(officer) -> None:
    events = _append(2, officer)
    Event.objects.filter(pk=events[1].pk).update(actor_name="别人")
    with pytest.raises(CommandError, match=f"#{events[1].pk}"):
        call_command("verify_events")
