"""Shared fixtures: the three-user base of DESIGN.md §8 (in scope, enterprise, out of scope) and more.

Reference data (regions, sectors, criteria) is in every test database: ``migrate`` loads it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhiben.accounts.models import User
from zhiben.enterprises.models import Enterprise
from zhiben.tests_support import factories

COUNTY = "500241"  # 秀山县
TOWNSHIP = "500241100"
OTHER_COUNTY = "110105"  # 北京市朝阳区


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path: Any, settings: Any) -> None:
    """Uploaded evidence from tests goes to a temporary folder, never to data/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def township(db: Any) -> str:
    factories.township(TOWNSHIP, "清溪场镇", COUNTY)
    return TOWNSHIP


@pytest.fixture
def admin_user(db: Any) -> User:
    return factories.user("admin1", role="admin")


@pytest.fixture
def officer(db: Any) -> User:
    """In scope: an officer of county 500241, all sectors."""
    return factories.user("officer1", role="officer", region=COUNTY)


@pytest.fixture
def outsider(db: Any) -> User:
    """Out of scope: an officer of another county."""
    return factories.user("outsider1", role="officer", region=OTHER_COUNTY)


@pytest.fixture
def chem_officer(db: Any) -> User:
    """An officer of the same county limited to hazardous chemicals."""
    return factories.user("chem1", role="officer", region=COUNTY, sectors=["hazardous_chemicals"])


@pytest.fixture
def tip_handler(db: Any) -> User:
    return factories.user("tips1", role="tip_handler", region=COUNTY)


@pytest.fixture
def firm(db: Any) -> Enterprise:
    """An enterprise in the county."""
    return factories.enterprise(region=COUNTY, sector="hazardous_chemicals", name="秀山县清溪化工有限公司")


@pytest.fixture
def other_firm(db: Any) -> Enterprise:
    """An enterprise in the other county."""
    return factories.enterprise(region=OTHER_COUNTY, sector="machinery", name="北京朝阳机械有限公司")


@pytest.fixture
def firm_user(db: Any, firm: Enterprise) -> User:
    return factories.user("firm1", role="enterprise", enterprise=firm)


class Api:
    """A JSON client that signs in with a bearer token, like a real API client."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {factories.token_for(user)}"

    def _call(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        fn = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": self.headers}
        if method == "get":
            return fn(path, body or {}, **kwargs)
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return fn(path, data=data, content_type="application/json", **kwargs)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("get", path, params)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self._call("post", path, body, raw)

    def patch(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self._call("patch", path, body, raw)


@pytest.fixture
def api_as() -> Any:
    return Api
