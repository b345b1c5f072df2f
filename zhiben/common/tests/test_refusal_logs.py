"""A refusal is not an error: a 403 (a page or the API, Django's PermissionDenied or the API's own) is logged
as one WARNING line naming the path and the user, without a traceback; a real 500 keeps its traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from zhiben.tests_support.contract import build_world

pytestmark = pytest.mark.django_db


def _logged(caplog: Any, client: Client, path: str, status: int) -> list[logging.LogRecord]:
    caplog.clear()
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return [r for r in caplog.records if r.name.startswith("django")]


def test_a_403_is_one_warning_line_with_the_user_and_no_traceback(caplog: Any) -> None:
    world = build_world()
    firm_user = world.users["enterprise"]
    client = Client()
    client.force_login(firm_user)
    caplog.set_level(logging.INFO)
    for path in ("/dashboard/", "/dashboard/ranking/", "/api/v1/users"):
        records = _logged(caplog, client, path, 403)
        assert len(records) == 1, (path, [r.getMessage() for r in records])
        record = records[0]
        assert record.levelno == logging.WARNING
        assert record.exc_info is None and record.exc_text is None, path
        line = record.getMessage()
        assert "403" in line and path in line and firm_user.username in line, line
        assert "Traceback" not in caplog.text
    records = _logged(caplog, Client(), "/api/v1/users", 401)
    assert all(r.exc_info is None and r.levelno == logging.WARNING for r in records)
    assert "anonymous" in records[0].getMessage()


def test_a_500_keeps_its_traceback(caplog: Any, monkeypatch: Any) -> None:
    world = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(world.users["enterprise"])

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("zhiben.web.views.todo_for", broken)
    caplog.set_level(logging.INFO)
    records = _logged(caplog, client, "/todo/", 500)
    assert any(r.levelno == logging.ERROR and r.exc_info for r in records), [r.getMessage() for r in records]
