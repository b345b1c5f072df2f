"""``insert_one``: one row by a statement built once per model, the same row the ORM would write."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from zhiben.audit.models import Event
from zhiben.common.bulk import insert_one
from zhiben.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_row_is_written_with_its_fields_and_the_new_key_returned() -> None:
    at = datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC)
    payload = {"title": "“压力容器”：超期未检", "n": 3, "on": "2026-03-01"}
    pk = insert_one(
        Event,
        {
            "chain": "test",
            "subject_type": "hazard",
            "subject_id": "7",
            "kind": "created",
            "actor_name": "张三",
            "at": at,
            "payload": payload,
            "prev_hash": "0" * 64,
            "hash": "1" * 64,
        },
    )
    row = Event.objects.get(pk=pk)
    assert (row.chain, row.kind, row.actor_id, row.actor_name, row.at, row.payload) == (
        "test",
        "created",
        None,  # a nullable field the row does not give
        "张三",
        at,
        payload,
    )
    assert insert_one(Event, {**row.__dict__, "hash": "2" * 64}) == pk + 1  # keys follow each other


def test_a_field_left_out_takes_its_default_and_a_callable_one_is_called(officer) -> None:
    before = timezone.now()
    pk = insert_one(Notification, {"user_id": officer.pk, "title": "t"})
    made = Notification.objects.get(pk=pk)
    expected = Notification(user=officer, title="t")
    for field in Notification._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            continue
        if field.has_default() and callable(field.default) and field.attname not in ("user_id", "title"):
            continue
        assert getattr(made, field.attname) == getattr(expected, field.attname), field.name
    stamps = [f.attname for f in Notification._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for name in stamps:
        assert getattr(made, name) >= before
