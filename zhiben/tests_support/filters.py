"""Checks shared by every register's filter tests: the API, the page and the exports answer the same rows
for the same parameters, because they read one FilterSet."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from zhiben.api import api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGING = {"limit", "offset"}


def api_parameters(path: str) -> set[str]:
    """The query parameters the OpenAPI document gives a GET endpoint, paging left out."""
    operation = api.get_openapi_schema()["paths"][path]["get"]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"} - PAGING


def api_ids(client: Client, path: str, params: dict[str, Any], key: str = "id") -> set[Any]:
    """The ``key`` of every row a list endpoint answers for ``params`` (one page of up to 500)."""
    r = client.get(path, {**params, "limit": 500})
    assert r.status_code == 200, (path, params, r.content[:300])
    return {row[key] for row in r.json()["items"]}


def page_rows(client: Client, path: str, params: dict[str, Any]) -> list[Any]:
    """The rows a list page shows (its paginator's page; the tests keep PAGE_SIZE above the row count)."""
    r = client.get(path, params)
    assert r.status_code == 200, (path, params)
    assert not r.context["filter_errors"], r.context["filter_errors"]
    return list(r.context["page"].object_list)


def workbook_column(response: Any, header: str) -> set[Any]:
    """One column of an exported workbook (by its Chinese header)."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    at = list(rows[0]).index(header)
    return {row[at] for row in rows[1:]}


def page_error(client: Client, path: str, params: dict[str, Any]) -> list[str]:
    """The filter errors a page shows for ``params`` (and it shows them, and no rows, without failing)."""
    r = client.get(path, params)
    assert r.status_code == 200, (path, params)
    errors = [line for _, line in r.context["filter_errors"]]
    assert errors, params
    assert not list(r.context["page"].object_list), (params, errors)
    html = r.content.decode()
    assert all(line in html for line in errors)
    return errors
