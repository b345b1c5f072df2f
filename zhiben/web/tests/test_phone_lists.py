"""List pages on phones: the filters sit behind one button that says how many are set, and a detail page's
back link returns to the list with the filters the user had (common.middleware.ListMemoryMiddleware)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from zhiben.accidents.tests import support as accidents
from zhiben.tests_support import factories
from zhiben.tests_support.contract import COUNTY, TOWNSHIP, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def back_link(page: str, path: str) -> str:
    found = re.search(rf'href="({re.escape(path)}[^"]*)">‹', page)
    assert found, path
    return html.unescape(found.group(1))


@pytest.fixture
def world() -> Any:
    world = build_world()
    hazard = factories.hazard(world.officer, world.firm, discovered_on="2025-03-01", level="major", title="报警器失效")
    accident = accidents.make(world.officer, region=COUNTY)
    return world, {"hazard": hazard.pk, "accident": accident.pk, "enterprise": world.firm.credit_code}


@pytest.mark.parametrize(
    ("list_url", "query", "detail"),
    [
        ("/hazards/", "level=major&status=active&page=1", "/hazards/{hazard}/"),
        ("/enterprises/", "sector=hazardous_chemicals", "/enterprises/{enterprise}/"),
        ("/accidents/", "grade=general&year=", "/accidents/{accident}/"),
    ],
)
def test_the_back_link_keeps_the_lists_filters(world: Any, list_url: str, query: str, detail: str) -> None:
    w, keys = world
    client = Client()
    client.force_login(w.officer)
    url = detail.format(**keys)
    # before any list was seen: the plain list
    assert back_link(client.get(url).content.decode(), list_url) == list_url
    assert client.get(f"{list_url}?{query}").status_code == 200
    assert back_link(client.get(url).content.decode(), list_url) == f"{list_url}?{query}"
    # an export of the list does not change what the back link remembers
    client.get(f"{list_url}?format=xlsx")
    assert back_link(client.get(url).content.decode(), list_url) == f"{list_url}?{query}"
    # another user's session remembers nothing of it
    other = Client()
    other.force_login(w.users["admin"])
    assert back_link(other.get(url).content.decode(), list_url) == list_url


@pytest.mark.parametrize("list_url", ["/hazards/", "/enterprises/", "/accidents/", "/tips/"])
def test_the_filters_are_behind_one_button_that_counts_them(world: Any, list_url: str) -> None:
    w, _ = world
    client = Client()
    client.force_login(w.users["handler"])
    page = client.get(list_url).content.decode()
    assert re.search(
        r"<details class=\"filters-box card\" data-filters>\s*"
        r"<summary><span class=\"button\" id=\"filter-summary\">筛选</span>",
        page,
    )
    page = client.get(f"{list_url}?region={TOWNSHIP}&_rp={COUNTY}&_rp={TOWNSHIP}&page=2").content.decode()
    assert "筛选（已选 1 项）" in page  # the picker's own selects are not filters
    # the handler's own county is where the list is anyway: the picker's default narrows nothing
    page = client.get(f"{list_url}?region={COUNTY}&_rp={COUNTY}&page=2").content.decode()
    assert "筛选（已选" not in page
