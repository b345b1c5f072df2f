"""The contract test base every register reuses (DESIGN.md §8; issue 10, item 10).

A register declares a :class:`Spec` — how to make one record in scope, the calls and pages that take
the record, its lists — and subclasses :class:`RegisterContract` in its own tests folder::

    class TestHazardContract(RegisterContract):
        spec = Spec(
            name="hazards",
            prefixes=("/api/v1/hazards", "/hazards/"),
            make=make_hazard,                          # (world) -> Subject, in scope of world.officer
            calls=(Call("GET", "/api/v1/hazards/{id}"), Call("POST", "/hazards/{id}/plan/", body={...}), ...),
            lists=(Listing("/hazards/", {"enterprise": "{credit_code}"}, marker='href="/hazards/{id}/"', baseline=9),),
        )

and gets, written once here:

* every call, by every outsider (an officer of another county, the user of another enterprise, an
  officer of the county limited to other sectors, an officer of another township — the spec picks):
  404 (a missing and a forbidden record look the same), and nothing changes: not the row, not the
  counts of its related rows, not the register's row count, not the event log;
* every call, by every insider (the officer in scope, the record's enterprise user …): not 404 and
  no 5xx (200 for a read), so that the 404s above are the scope's and not a wrong URL's;
* every list (API, page, export), with a filter that selects the record: outsiders do not see it
  (an API list counts 0), insiders do;
* every list's query count, with 1 and with 20 records: it does not grow with the rows (the N+1
  check) and stays at or below the declared baseline;
* completeness: every URL the resolver serves under the register's prefixes (Ninja's operations
  method by method, pages by route) is taken by a call, a list or a declared ``elsewhere`` entry
  naming the test that covers it — so a new endpoint without a contract test fails.

The world and the record are made once per class (in a transaction rolled back at the end); each
test runs in its own savepoint, so a call that changes something in scope leaves nothing behind.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from openpyxl import load_workbook

from zhiben.accounts.models import User
from zhiben.audit.models import Event
from zhiben.enterprises.models import Enterprise
from zhiben.tests_support import factories, files

COUNTY = "500241"  # 秀山县: the county of the record
TOWNSHIP = "500241100"  # a township of it (the record is registered at county level, above it)
OTHER_COUNTY = "110105"  # 北京市朝阳区
RECORD_SECTOR = "hazardous_chemicals"
OTHER_SECTOR = "machinery"

# The users every contract knows, by name. A spec may add its own (``Spec.users``).
INSIDE = ("officer", "enterprise")
OUTSIDE = ("outsider", "other_enterprise", "sector_officer", "township_officer")
# The test client's response (an HttpResponse with .json(), .streaming_content …).
Response = Any
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the world ---------------------------------------------------------------------------------------


@dataclass
class World:
    """The firm in the county, a firm elsewhere, and the users by name:

    ``officer`` (county, all sectors), ``enterprise`` (the firm's user), ``outsider`` (officer of another
    county), ``other_enterprise`` (user of the firm elsewhere), ``sector_officer`` (the county, limited to
    another sector than the firm's), ``township_officer`` (a township of the county: the firm is
    registered above it), ``handler`` (tip handler of the county), ``admin``.
    """

    firm: Enterprise
    other_firm: Enterprise
    users: dict[str, User]

    @property
    def officer(self) -> User:
        return self.users["officer"]


def build_world() -> World:
    """The standard world (usernames prefixed ``c-`` so that they never meet the conftest fixtures')."""
    factories.township(TOWNSHIP, "清溪场镇", COUNTY)
    firm = factories.enterprise(region=COUNTY, sector=RECORD_SECTOR, name="秀山县契约化工有限公司")
    other_firm = factories.enterprise(region=OTHER_COUNTY, sector=OTHER_SECTOR, name="北京朝阳契约机械有限公司")
    users = {
        "officer": factories.user("c-officer", role="officer", region=COUNTY),
        "enterprise": factories.user("c-firm", role="enterprise", enterprise=firm),
        "outsider": factories.user("c-outsider", role="officer", region=OTHER_COUNTY),
        "other_enterprise": factories.user("c-other-firm", role="enterprise", enterprise=other_firm),
        "sector_officer": factories.user("c-sector", role="officer", region=COUNTY, sectors=[OTHER_SECTOR]),
        "township_officer": factories.user("c-town", role="officer", region=TOWNSHIP),
        "handler": factories.user("c-handler", role="tip_handler", region=COUNTY),
        "admin": factories.user("c-admin", role="admin"),
    }
    return World(firm=firm, other_firm=other_firm, users=users)


@dataclass
class Subject:
    """The record under test and the values its URLs take: ``keys`` fills ``{id}``, ``{credit_code}``,
    ``{attachment_id}`` … in calls, list parameters and markers."""

    obj: models.Model
    keys: dict[str, Any]


# --- the declarations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request about the record. ``url`` is a template (``/api/v1/hazards/{id}/plan``, may carry a
    query string); ``body`` is JSON for ``/api/`` URLs and form fields for pages (its string values are
    templates too); ``upload`` names a multipart field that gets a small PNG.

    ``inside``/``outside`` replace the spec's users for this call (``None``: the spec's);
    ``also_outside`` adds to them (e.g. the officer for the tipster's identity). ``refused`` are the
    statuses an outsider may get (404 unless the call creates, where a form may answer 200 with its
    errors); whatever the status, nothing may change, and ``hidden`` (a template) is not in what the
    outsider gets (a form opened for the record's enterprise names it only to those who see it).
    ``xfail`` maps a user to the reason a known bug lets them through (the test is
    ``xfail(strict=True)``). ``optional``: a route another change adds; the call is tested when the
    route exists.
    """

    method: str
    url: str
    body: Mapping[str, Any] | None = None
    upload: str | None = None
    inside: tuple[str, ...] | None = None
    outside: tuple[str, ...] | None = None
    also_outside: tuple[str, ...] = ()
    refused: tuple[int, ...] = (404,)
    hidden: str | None = None
    xfail: Mapping[str, str] = field(default_factory=dict)
    optional: bool = False

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


@dataclass(frozen=True)
class Listing:
    """A list (API, page or export). ``params`` select the record (templates filled from the keys).

    Outsiders must not see it: ``marker`` (a template) is absent from the body, and for JSON
    ``count(body)`` is 0. Insiders see it: the marker is present and the count at least 1. ``baseline``
    is the most queries one request may take, with 1 and with 20 records (measured as ``viewer``,
    without ``params``, after one warm-up request); ``None`` when the list is not measured.
    """

    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    marker: str | None = None
    count: Callable[[Any], int] | None = None
    baseline: int | None = None
    inside: tuple[str, ...] | None = None
    outside: tuple[str, ...] | None = None
    viewer: str | None = None
    xfail: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        return f"GET {self.url}" + (("&" if "?" in self.url else "?") + query if query else "")


def api_count(body: Any) -> int:
    """The ``count`` of a paginated API list."""
    return int(body["count"])


@dataclass(frozen=True)
class Spec:
    """What a register declares for its contract test.

    ``make(world)`` makes one record in scope of ``world.officer`` (its enterprise, when it has one, is
    ``world.firm``) and answers it as a :class:`Subject`; ``make_more(world, n)`` makes ``n`` more like
    it, for the query counts (default: ``make`` n times). ``prefixes`` are the URL prefixes the register
    owns (``/api/v1/hazards``, ``/hazards/``). ``elsewhere`` maps a request (``"POST /api/v1/tips"``,
    with a concrete path) to the test that covers it, for routes that do not take the record (public
    forms, creation); ``users`` adds named users to the world. ``excluding``: prefixes inside ``prefixes``
    that another register owns (``/inspections/draws/`` inside ``/inspections/``): its contract covers them.
    """

    name: str
    prefixes: tuple[str, ...]
    make: Callable[[World], Subject]
    calls: tuple[Call, ...] = ()
    lists: tuple[Listing, ...] = ()
    inside: tuple[str, ...] = INSIDE
    outside: tuple[str, ...] = OUTSIDE
    viewer: str = "officer"
    make_more: Callable[[World, int], None] | None = None
    elsewhere: Mapping[str, str] = field(default_factory=dict)
    users: Mapping[str, Callable[[World], User]] = field(default_factory=dict)
    excluding: tuple[str, ...] = ()

    def live_calls(self) -> list[Call]:
        """The calls whose route exists (an optional call whose route is not there yet is left out)."""
        return [c for c in self.calls if not c.optional or route_of(c.url) is not None]


# --- the URL resolver --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A URL pattern as served: ``route`` as Django writes it, ``template`` with ``{name}`` parameters,
    ``methods`` for a Ninja operation (``None`` for a page: any method)."""

    route: str
    template: str
    methods: frozenset[str] | None


def _ninja_methods(callback: Any) -> frozenset[str] | None:
    """The HTTP methods of a Ninja path view (its operations), or None for any other view."""
    for cell in getattr(callback, "__closure__", None) or ():
        view = cell.cell_contents
        operations = getattr(view, "operations", None)
        if operations is not None and hasattr(view, "_find_operation"):
            return frozenset(m.upper() for op in operations for m in op.methods)
    return None


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def all_routes() -> list[Route]:
    """Every route of zhiben/urls.py, the API's included (one entry per route, methods merged)."""
    merged: dict[str, set[str] | None] = {}
    for route, callback in _walk(get_resolver().url_patterns):
        methods = _ninja_methods(callback)
        if route not in merged or merged[route] is None:
            merged[route] = set(methods) if methods is not None else None
        elif methods is not None:
            merged[route] |= methods  # type: ignore[operator]
    return [
        Route(route, "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route), frozenset(m) if m else None)
        for route, m in merged.items()
    ]


def _under(template: str, prefixes: tuple[str, ...]) -> bool:
    return any(template == p.rstrip("/") or template.startswith(p.rstrip("/") + "/") for p in prefixes)


class _Any(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "1"


def route_of(url: str) -> str | None:
    """The route a URL template resolves to (its ``{id}``-style parameters taken as ``1``), or None."""
    path = url.split("?", 1)[0].format_map(_Any())
    try:
        return resolve(path).route
    except Resolver404:
        return None


def uncovered(spec: Spec) -> list[str]:
    """The requests under ``spec.prefixes`` that no call, list or ``elsewhere`` entry of it takes."""
    taken: set[tuple[str, str]] = set()
    requests = [(c.method, c.url) for c in spec.live_calls()]
    requests += [("GET", listing.url) for listing in spec.lists]
    requests += [tuple(key.split(" ", 1)) for key in spec.elsewhere]  # type: ignore[misc]
    for method, url in requests:
        route = route_of(url)
        assert route is not None, f"{spec.name}: {method} {url} resolves to no URL"
        taken.add((method.upper(), route))
    missing = []
    for r in all_routes():
        if not _under(r.template, spec.prefixes) or _under(r.template, spec.excluding):
            continue
        if r.methods is None:
            if not any(route == r.route for _, route in taken):
                missing.append(f"page {r.template}")
        else:
            missing += [f"{m} {r.template}" for m in sorted(r.methods) if (m, r.route) not in taken]
    return missing


# --- requests ----------------------------------------------------------------------------------------


def session_of(user: User) -> str:
    """A session key for ``user`` (signed in once per class: logging in is most of a request's cost)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def send(client: Client, call: Call, keys: Mapping[str, Any]) -> Response:
    """``call`` about the record whose keys are ``keys``."""
    url = call.url.format_map(keys)
    body = {k: v.format_map(keys) if isinstance(v, str) else v for k, v in (call.body or {}).items()}
    if call.upload is not None:  # multipart: the form's fields and a small PNG
        data = dict(body)
        data[call.upload] = SimpleUploadedFile("contract.png", files.png(), content_type="image/png")
        assert call.method == "POST", "uploads are POSTed"
        return client.post(url, data)
    if call.method == "GET":
        return client.get(url)
    if call.is_api:
        return client.generic(call.method, url, json.dumps(body), content_type="application/json")
    return client.post(url, body) if call.method == "POST" else client.generic(call.method, url)


def body_of(response: Response) -> bytes:
    """A response's bytes, streamed or not. Reading a streamed response to its end closes it (the test
    client's wrapper does, without closing the database connection as a direct ``close()`` would)."""
    if not response.streaming:
        return response.content
    return b"".join(response.streaming_content)


def text_of(response: Response) -> str:
    """A response's text, or the cells of a workbook."""
    raw = body_of(response)
    if response.get("Content-Type", "").startswith(XLSX):
        sheet = load_workbook(io.BytesIO(raw), read_only=True).active
        assert sheet is not None
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return raw.decode(errors="replace")


def snapshot(obj: models.Model) -> tuple[Any, dict[str, int], int, int]:
    """What must not change when an outsider calls: the row, the counts of its related rows, the
    table's row count and the number of events."""
    model = type(obj)
    row = model._default_manager.filter(pk=obj.pk).values().first()
    related: dict[str, int] = {}
    for rel in model._meta.related_objects:
        if rel.one_to_many or rel.one_to_one:
            related_model: Any = rel.related_model
            related[rel.name] = related_model._default_manager.filter(**{rel.field.name: obj}).count()
    return row, related, model._default_manager.count(), Event.objects.count()


def get_list(client: Client, url: str, params: Mapping[str, str], keys: Mapping[str, Any]) -> Response:
    """GET ``url`` (its own query string kept) with ``params`` filled from ``keys``."""
    path, _, query = url.partition("?")
    data = dict(parse_qsl(query))
    data.update({k: v.format_map(keys) for k, v in params.items()})
    return client.get(path, data)


# --- the base ----------------------------------------------------------------------------------------


@dataclass
class Context:
    world: World
    subject: Subject
    spec: Spec
    sessions: dict[str, str]

    def user(self, name: str) -> User:
        return self.world.users[name]

    def client(self, name: str) -> Client:
        """A fresh client (no cookie left by an earlier test) signed in as the user ``name``."""
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[name]
        return client


def _param(value: Any, ident: str, xfail: str | None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(value, id=ident, marks=marks)


class RegisterContract:
    """Subclass with ``spec = Spec(...)``; the tests below run for it (see the module's docstring)."""

    spec: ClassVar[Spec]
    pytestmark = [pytest.mark.django_db]

    # -- parametrisation (pytest calls this for the class's tests) --
    def pytest_generate_tests(self, metafunc: Any) -> None:
        spec: Spec = metafunc.cls.spec
        names = metafunc.fixturenames
        if "outside_call" in names:
            metafunc.parametrize(
                "outside_call",
                [
                    _param((c, who), f"{c} [{who}]", c.xfail.get(who))
                    for c in spec.live_calls()
                    for who in (*(spec.outside if c.outside is None else c.outside), *c.also_outside)
                ],
            )
        if "inside_call" in names:
            calls = [c for c in spec.live_calls() if (spec.inside if c.inside is None else c.inside)]
            metafunc.parametrize("inside_call", [_param(c, str(c), None) for c in calls])
        if "outside_list" in names:
            metafunc.parametrize(
                "outside_list",
                [
                    _param((li, who), f"{li} [{who}]", li.xfail.get(who))
                    for li in spec.lists
                    if li.marker is not None or li.count is not None
                    for who in (spec.outside if li.outside is None else li.outside)
                ],
            )
        if "inside_list" in names:
            lists = [li for li in spec.lists if li.marker is not None or li.count is not None]
            metafunc.parametrize("inside_list", [_param(li, str(li), None) for li in lists])
        if "measured_list" in names:
            measured = [li for li in spec.lists if li.baseline is not None]
            metafunc.parametrize("measured_list", [_param(li, f"GET {li.url}", None) for li in measured])

    # -- the world, once per class --
    @pytest.fixture(scope="class")
    @classmethod
    def contract(
        cls, request: Any, django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
    ) -> Iterator[Context]:
        spec: Spec = cls.spec
        media = tmp_path_factory.mktemp(f"contract-{spec.name}")
        with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock(), transaction.atomic():
            world = build_world()
            for name, make_user in spec.users.items():
                world.users[name] = make_user(world)
            sessions = {name: session_of(user) for name, user in world.users.items()}
            yield Context(world=world, subject=spec.make(world), spec=spec, sessions=sessions)
            transaction.set_rollback(True)

    # The class's files live in its own MEDIA_ROOT for the whole class: the per-test folders of the
    # conftests would hide the record's evidence from the insiders.
    @pytest.fixture
    def _media_in_tmp(self) -> None:
        return None

    @pytest.fixture
    def media_root(self) -> None:
        return None

    # -- the contract --
    def test_every_route_of_the_register_is_covered(self) -> None:
        missing = uncovered(self.spec)
        assert not missing, f"{self.spec.name}: no contract test for {missing} (add a Call, a Listing or elsewhere)"

    def test_outsiders_get_404_and_change_nothing(self, contract: Context, outside_call: Any) -> None:
        call, who = outside_call
        client = contract.client(who)
        before = snapshot(contract.subject.obj)
        r = send(client, call, contract.subject.keys)
        content = body_of(r)
        assert r.status_code in call.refused, (who, str(call), r.status_code, content[:300])
        if call.hidden is not None:
            assert call.hidden.format_map(contract.subject.keys).encode() not in content, (who, str(call), "shown")
        assert snapshot(contract.subject.obj) == before, (who, str(call), "changed something")

    def test_insiders_are_not_refused(self, contract: Context, inside_call: Call) -> None:
        for who in self.spec.inside if inside_call.inside is None else inside_call.inside:
            r = send(contract.client(who), inside_call, contract.subject.keys)
            content = body_of(r)
            assert r.status_code != 404, (who, str(inside_call), content[:300])
            if inside_call.method == "GET":  # a read in scope answers
                assert r.status_code == 200, (who, str(inside_call), r.status_code, content[:300])
            assert r.status_code < 500, (who, str(inside_call), r.status_code, content[:300])

    def test_outsiders_lists_hide_the_record(self, contract: Context, outside_list: Any) -> None:
        listing, who = outside_list
        r = get_list(contract.client(who), listing.url, listing.params, contract.subject.keys)
        assert r.status_code in (200, 404), (who, str(listing), r.status_code)
        if r.status_code == 404:
            return
        if listing.marker is not None:
            assert listing.marker.format_map(contract.subject.keys) not in text_of(r), (who, str(listing))
        if listing.count is not None:
            assert listing.count(r.json()) == 0, (who, str(listing))

    def test_insiders_lists_show_the_record(self, contract: Context, inside_list: Listing) -> None:
        for who in self.spec.inside if inside_list.inside is None else inside_list.inside:
            r = get_list(contract.client(who), inside_list.url, inside_list.params, contract.subject.keys)
            assert r.status_code == 200, (who, str(inside_list), r.status_code)
            if inside_list.marker is not None:
                assert inside_list.marker.format_map(contract.subject.keys) in text_of(r), (who, str(inside_list))
            if inside_list.count is not None:
                assert inside_list.count(r.json()) >= 1, (who, str(inside_list))

    def test_list_queries_do_not_grow_with_the_rows(self, contract: Context, measured_list: Listing) -> None:
        client = contract.client(measured_list.viewer or self.spec.viewer)
        url = measured_list.url

        def measure() -> list[str]:
            with CaptureQueriesContext(connection) as ctx:
                r = get_list(client, url, {}, {})
                text_of(r)  # a streamed export runs its queries while it is read
            assert r.status_code == 200, (url, r.status_code)
            return [q["sql"] for q in ctx.captured_queries]

        measure()  # warm-up: per-process caches (regions, content types) fill once
        one = measure()
        more = self.spec.make_more or _make_n(self.spec.make)
        more(contract.world, 19)
        twenty = measure()
        assert len(twenty) <= len(one), f"{url}: {len(one)} queries for 1 row, {len(twenty)} for 20:\n" + "\n".join(
            twenty
        )
        assert measured_list.baseline is not None
        assert max(len(one), len(twenty)) <= measured_list.baseline, (
            f"{url}: {len(one)}/{len(twenty)} queries, baseline {measured_list.baseline}:\n" + "\n".join(twenty)
        )
        MEASURED[f"{self.spec.name} GET {url}"] = (len(one), len(twenty), measured_list.baseline)


MEASURED: dict[str, tuple[int, int, int]] = {}  # for reports: list → (queries at N=1, at N=20, baseline)


def _make_n(make: Callable[[World], Subject]) -> Callable[[World, int], None]:
    def more(world: World, n: int) -> None:
        for _ in range(n):
            make(world)

    return more
