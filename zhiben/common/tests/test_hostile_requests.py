"""Requests that must never reach a 500, each kind tried on every endpoint and page that can receive it —
the endpoints read from the OpenAPI document and the pages from the URL resolver, so that a new one is
covered without being listed here:

* strings no database stores (NUL, a lone surrogate) in query strings, path parameters, JSON bodies, form
  fields and file names → 422 naming the field (a Chinese 400 page on pages);
* integers past what the database holds (offsets, ids, counts, amounts) → 422 naming the field, or 404 for
  an id that cannot exist;
* bodies no parser reads (multipart without boundary or cut off, a form or text sent to a JSON endpoint,
  JSON to an upload, invalid UTF-8, a huge Content-Length) → 400/413/415 naming the problem.

Run on PostgreSQL too (DATABASE_URL), where NUL in text is an error of the database itself.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhiben.accounts.models import User
from zhiben.api import api
from zhiben.tests_support import factories, files
from zhiben.tests_support.contract import all_routes
from zhiben.tips.models import Tip

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
TIP = {"region": "500241", "category": "violation", "description": "无证经营危险化学品，夜间在居民区装卸"}
ACCIDENT = {
    "region": "500241",
    "sector": "machinery",
    "occurred_at": "2025-03-01T08:30:00+08:00",
    "deaths": 0,
    "serious_injuries": 0,
    "direct_loss": "1000",
    "description": "车间起重机吊物坠落。",
}
HUGE = [2**63, 2**64 - 1, 5557492821954245543099]


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


# ------------------------------------------------------------------------------------------ the API's map
DOC = api.get_openapi_schema()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return _resolve(DOC["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return schema


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in DOC["paths"].items():
        for method, op in methods.items():
            yield method.upper(), path, op


def _params(op: dict[str, Any], where: str) -> list[tuple[str, str | None]]:
    out = []
    for p in op.get("parameters", []):
        if p["in"] == where:
            schema = _resolve(p.get("schema", {}))
            types = {s.get("type") for s in [schema, *schema.get("anyOf", [])]}
            out.append((p["name"], "integer" if "integer" in types else "string" if "string" in types else None))
    return out


def _body_kind(op: dict[str, Any]) -> str | None:
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return "json"
    if "multipart/form-data" in content:
        return "multipart"
    return None


def _body_properties(op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    content = op.get("requestBody", {}).get("content", {})
    schema = _resolve(content.get("application/json", {}).get("schema", {}))
    return {name: _resolve(prop) for name, prop in schema.get("properties", {}).items()}


def _types(prop: dict[str, Any]) -> set[str]:
    branches = [prop, *(_resolve(b) for b in prop.get("anyOf", []))]
    found = {str(b.get("type")) for b in branches}
    for b in branches:
        if b.get("type") == "array":
            found |= {f"array-of-{t}" for t in _types(_resolve(b.get("items", {})))}
    return found


OPERATIONS = sorted(_operations(), key=lambda o: (o[1], o[0]))
IDS = [f"{m} {p}" for m, p, _ in OPERATIONS]
STRING_QUERY = [(m, p, name) for m, p, op in OPERATIONS for name, t in _params(op, "query") if t != "integer"]
INT_QUERY = [(m, p, name) for m, p, op in OPERATIONS for name, t in _params(op, "query") if t == "integer"]
STRING_PATH = [(m, p, name) for m, p, op in OPERATIONS for name, t in _params(op, "path") if t == "string"]
INT_PATH = [(m, p, name) for m, p, op in OPERATIONS for name, t in _params(op, "path") if t == "integer"]
JSON_OPS = [(m, p) for m, p, op in OPERATIONS if _body_kind(op) == "json"]
UPLOAD_OPS = [(m, p) for m, p, op in OPERATIONS if _body_kind(op) == "multipart"]
BODY_OPS = JSON_OPS + UPLOAD_OPS
JSON_STRINGS = [
    (m, p, n) for m, p, op in OPERATIONS for n, prop in _body_properties(op).items() if "string" in _types(prop)
]
JSON_NUMBERS = [
    (m, p, n)
    for m, p, op in OPERATIONS
    for n, prop in _body_properties(op).items()
    if _types(prop) & {"integer", "number", "array-of-integer"}
]


class World:
    """One of each thing a path can name, in the county of an admin who sees everything."""

    def __init__(self) -> None:
        self.admin = factories.user("admin-hostile", role="admin")
        officer = factories.user("officer-hostile", role="officer", region="500241")
        self.firm = factories.enterprise(region="500241", sector="hazardous_chemicals", name="秀山县清溪化工有限公司")
        self.hazard = factories.hazard(officer, self.firm, discovered_on="2025-03-01")
        r = Client().post("/api/v1/tips", json.dumps(TIP), content_type="application/json")
        assert r.status_code == 201, r.content
        self.receipt = r.json()["receipt"]
        self.tip_id = r.json().get("id") or _last_tip()
        client = self.client()
        r = client.post("/api/v1/accidents", json.dumps(ACCIDENT), content_type="application/json")
        assert r.status_code == 201, r.content
        self.accident_id = r.json()["id"]

    def client(self) -> Client:
        client = Client()
        client.force_login(self.admin)
        return client

    def value(self, name: str) -> str:
        return {
            "hazard_id": str(self.hazard.pk),
            "subject_id": str(self.hazard.pk),
            "accident_id": str(self.accident_id),
            "tip_id": str(self.tip_id),
            "attachment_id": "1",
            "credit_code": self.firm.credit_code,
            "receipt": self.receipt,
            "job_id": str(uuid.uuid4()),
            "kind": "hazards",
            "segment": "hazards",
            "code": "500241",
        }.get(name, "1")

    def url(self, template: str, **override: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: override.get(m.group(1), self.value(m.group(1))), template)


def _signed_in() -> Client:
    client = Client()
    admin = User.objects.filter(username="admin-paths").first() or factories.user("admin-paths", role="admin")
    client.force_login(admin)
    return client


def _last_tip() -> int:
    return int(Tip.objects.order_by("-pk").values_list("pk", flat=True)[0])


@pytest.fixture
def world() -> World:
    return World()


class Paths:
    """Values for a request refused before its view reads anything: nothing need exist but the caller (an
    admin: Ninja checks the caller before it reads the body or the query)."""

    def client(self) -> Client:
        return _signed_in()

    def url(self, template: str, **override: str) -> str:
        values = {"job_id": str(uuid.uuid4()), "kind": "hazards", "segment": "hazards", "code": "500241"}
        values |= {"credit_code": "91500241MA5U0DEM30", "receipt": "ABCD-EFGH-JKMN-PQRS-TVWX"}
        return re.sub(r"\{(\w+)\}", lambda m: override.get(m.group(1), values.get(m.group(1), "1")), template)


@pytest.fixture
def paths() -> Paths:
    return Paths()


def call(client: Client, method: str, url: str, body: bytes = b"", content_type: str = "", **extra: Any) -> Any:
    return client.generic(method, url, body, content_type=content_type, **extra)


def assert_names(r: Any, field: str, *statuses: int) -> None:
    assert r.status_code in statuses, (r.status_code, r.content[:300])
    body = r.json()
    assert field in body["errors"], body
    assert CJK.search(body["errors"][field]), body


def test_the_map_is_not_empty() -> None:
    """The parametrised lists below come from the OpenAPI document: if it stopped naming things, they
    would test nothing."""
    assert len(STRING_QUERY) > 20 and len(INT_QUERY) > 10 and len(STRING_PATH) >= 5 and len(INT_PATH) > 20
    assert len(JSON_OPS) > 15 and len(UPLOAD_OPS) >= 3 and len(JSON_STRINGS) > 40 and len(JSON_NUMBERS) > 8


# ----------------------------------------------------------------------------------------- 1. NUL


@pytest.mark.parametrize(("method", "path", "name"), STRING_QUERY, ids=[f"{m} {p} ?{n}" for m, p, n in STRING_QUERY])
def test_nul_in_any_query_parameter_is_422_naming_it(paths, method, path, name) -> None:
    r = call(paths.client(), method, paths.url(path) + f"?{name}=a%00b")
    assert_names(r, name, 422)
    assert "NUL" in r.json()["errors"][name]


@pytest.mark.parametrize(("method", "path", "name"), STRING_PATH, ids=[f"{m} {p} {n}" for m, p, n in STRING_PATH])
def test_nul_in_any_path_parameter_is_422_naming_it(paths, method, path, name) -> None:
    r = call(paths.client(), method, paths.url(path, **{name: "91500241MA5U0DEM3%00"}))
    # routes of one pattern share the resolver's name for it (/imports/{kind} and /imports/{job_id})
    params = {n for n, _ in _params(dict(DOC["paths"][path])[method.lower()], "path")} | {"kind", "job_id"}
    if r.status_code == 404:  # a uuid converter matches no route
        assert "{job_id}" in path, r.content
        return
    assert r.status_code == 422 and set(r.json()["errors"]) <= params, r.content


@pytest.mark.parametrize(("method", "path", "name"), JSON_STRINGS, ids=[f"{m} {p} {n}" for m, p, n in JSON_STRINGS])
def test_nul_or_a_surrogate_in_any_json_string_is_422_naming_it(paths, method, path, name) -> None:
    for bad in ["a\x00b", "\x00", "隐患\ud800"]:
        body = json.dumps({name: bad}).encode()
        r = call(paths.client(), method, paths.url(path), body, "application/json")
        assert_names(r, name, 422)


def test_the_handed_cases_nul(world) -> None:
    client = world.client()
    assert_names(client.get("/api/v1/enterprises", {"q": "\x00"}), "q", 422)
    body = {"enterprise": world.firm.credit_code, "title": "隐患\u0000", "level": "general", "source": "inspection"}
    r = client.post("/api/v1/hazards", json.dumps(body), content_type="application/json")
    assert_names(r, "title", 422)
    # nested, and in a list
    body = {**TIP, "reporter": {"name": "王\x00"}}
    r = client.post("/api/v1/tips", json.dumps(body), content_type="application/json")
    assert_names(r, "reporter.name", 422)
    r = client.post(
        "/api/v1/users",
        json.dumps({"username": "u", "password": "p", "role": "officer", "sectors": ["a", "\x00"]}),
        content_type="application/json",
    )
    assert_names(r, "sectors.1", 422)
    r = client.get("/api/v1/hazards", {"q\x00": "x"})
    assert r.status_code == 422, r.content


def test_nul_in_a_form_field_is_422_and_a_file_name_loses_it(world) -> None:
    client = world.client()
    r = client.post(f"/api/v1/hazards/{world.hazard.pk}/attachments", {"file": _upload("a.png"), "note": "x\x00"})
    assert_names(r, "note", 422)
    r = Client().post("/api/v1/auth/token", "username=%00&password=x", content_type="application/x-www-form-urlencoded")
    assert_names(r, "username", 422)
    # Django's parser drops NUL from a file's name; the upload is kept under the rest of it
    r = client.post(f"/api/v1/hazards/{world.hazard.pk}/attachments", {"file": _upload("现场\x00.png")})
    assert r.status_code == 201, r.content
    assert "\x00" not in world.hazard.attachments.get().original_name


def _upload(name: str) -> Any:
    return SimpleUploadedFile(name, files.png(), content_type="image/png")


PAGES = [r.template for r in all_routes() if r.methods is None and not r.template.startswith(("/api/", "/admin/"))]


@pytest.mark.parametrize("template", PAGES)
def test_nul_in_a_page_query_or_form_is_a_chinese_422(paths, template) -> None:
    url = paths.url(template)
    for r in (
        paths.client().get(url + "?q=%00&page=1"),
        paths.client().post(url, {"title": "a\x00", "q": "x"}),
        Client().get(url + "?page=%00"),
    ):
        assert r.status_code == 422, (url, r.status_code)
        assert "NUL" in r.content.decode() and "请求有误" in r.content.decode()


@pytest.mark.parametrize("template", [t for t in PAGES if "{" in t])
def test_nul_in_a_page_path_is_a_chinese_422(paths, template) -> None:
    names = re.findall(r"\{(\w+)\}", template)
    url = paths.url(template, **dict.fromkeys(names, "a%00"))
    r = paths.client().get(url)
    # a path converter that takes digits only answers 404 before any view
    assert r.status_code in (422, 404), (url, r.status_code)
    if r.status_code == 422:
        assert "NUL" in r.content.decode()


# --------------------------------------------------------------------------------- 2. unbounded integers


@pytest.mark.parametrize(("method", "path", "name"), INT_QUERY, ids=[f"{m} {p} ?{n}" for m, p, n in INT_QUERY])
def test_a_huge_integer_query_parameter_is_422_naming_it(paths, method, path, name) -> None:
    for value in [*HUGE, -(2**63) - 1]:
        r = call(paths.client(), method, paths.url(path) + f"?{name}={value}")
        assert_names(r, name, 422)


@pytest.mark.parametrize("path", [p for m, p, n in INT_QUERY if n == "offset"])
def test_the_largest_offset_is_an_empty_page(world, path) -> None:
    r = world.client().get(world.url(path), {"offset": 2**63 - 1, "limit": 500})
    assert r.status_code == 200, r.content
    assert r.json()["items"] == []


@pytest.mark.parametrize(("method", "path", "name"), INT_PATH, ids=[f"{m} {p} {n}" for m, p, n in INT_PATH])
def test_a_huge_id_in_a_path_is_404_or_422(paths, method, path, name) -> None:
    client = _signed_in()
    for value in [*HUGE, 2**63 - 1, 10**40]:
        body = b"{}" if method in ("POST", "PATCH") else b""
        r = call(client, method, paths.url(path, **{name: str(value)}), body, "application/json")
        assert r.status_code in (404, 415, 422), (value, r.status_code, r.content[:300])


@pytest.mark.parametrize(("method", "path", "name"), JSON_NUMBERS, ids=[f"{m} {p} {n}" for m, p, n in JSON_NUMBERS])
def test_a_huge_number_in_a_json_body_is_refused_naming_it(world, method, path, name) -> None:
    client = world.client()
    for value in [*HUGE, -(2**63) - 1, 10**40, 1e308, [2**64], [-(2**70)]]:
        r = call(client, method, world.url(path), json.dumps({name: value}).encode(), "application/json")
        assert r.status_code < 500, (value, r.status_code, r.content[:300])
        # refused naming it, or for another field first (the body holds only this one), or by the state
        assert r.status_code in (400, 403, 404, 409, 422), (value, r.status_code, r.content[:300])


def test_the_handed_cases_offsets(world) -> None:
    client = world.client()
    for path, offset in (
        ("/api/v1/hazards", "9223372036854775808"),
        ("/api/v1/imports", "18446744073709551615"),
        ("/api/v1/tips", "5557492821954245543099"),
    ):
        assert_names(client.get(path, {"offset": offset}), "offset", 422)


# ----------------------------------------------------------------------------------- 3. malformed bodies

NO_BOUNDARY = "multipart/form-data"
CUT_OFF = (
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
    b"Content-Type: image/jpeg\r\n\r\n\xff\xd8"
)
A_FORM = b'--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--xyz--\r\n'


@pytest.mark.parametrize(("method", "path"), BODY_OPS, ids=[f"{m} {p}" for m, p in BODY_OPS])
def test_multipart_without_a_boundary_is_400(paths, method, path) -> None:
    for client in (paths.client(), Client()):
        r = call(client, method, paths.url(path), b"--x\r\n\r\n", NO_BOUNDARY)
        assert r.status_code == 400, (r.status_code, r.content)
        assert "boundary" in r.json()["errors"]["body"]


@pytest.mark.parametrize(("method", "path"), BODY_OPS, ids=[f"{m} {p}" for m, p in BODY_OPS])
def test_a_cut_off_multipart_body_is_400(world, method, path) -> None:
    r = call(world.client(), method, world.url(path), CUT_OFF, "multipart/form-data; boundary=xyz")
    assert r.status_code in (400, 415), (r.status_code, r.content)
    assert CJK.search(r.json()["errors"]["body"])


# a photo sent under another boundary than the header declares: its bytes (NUL among them) are not a field
WRONG_BOUNDARY = (
    b'--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc\r\n'
    b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\r\n--xyz--\r\n"
)


@pytest.mark.parametrize(("method", "path"), BODY_OPS, ids=[f"{m} {p}" for m, p in BODY_OPS])
def test_a_multipart_body_under_another_boundary_is_400_saying_so(world, method, path) -> None:
    r = call(world.client(), method, world.url(path), WRONG_BOUNDARY, "multipart/form-data; boundary=abc")
    if method != "POST":  # a PUT or PATCH body is not parsed as a form: the JSON endpoint refuses its kind
        assert r.status_code == 415 and "JSON" in r.json()["errors"]["body"], (r.status_code, r.content)
        return
    assert r.status_code == 400, (r.status_code, r.content)
    said = r.json()["errors"]["body"]
    assert "boundary" in said and "格式错误" in said and "NUL" not in said
    assert r.json()["detail"][0]["type"] == "multipart_boundary"


@pytest.mark.parametrize("template", PAGES)
def test_a_page_form_under_another_boundary_is_a_chinese_400_saying_so(paths, template) -> None:
    r = call(paths.client(), "POST", paths.url(template), WRONG_BOUNDARY, "multipart/form-data; boundary=abc")
    assert r.status_code == 400, (template, r.status_code)
    text = r.content.decode()
    # the words shown, not the attributes: a random form token may hold the letters "NUL"
    shown = re.sub(r'"[^"]*"', '""', text)
    assert "请求有误" in text and "格式错误" in text and "NUL" not in shown


def test_each_reason_of_the_screen_has_its_own_message(world, settings) -> None:
    """Every refusal before the view says what is wrong, and no two reasons share a message."""
    settings.ZHIBEN = {**settings.ZHIBEN, "REQUEST_MAX_BYTES": 1024}
    client, url = world.client(), f"/api/v1/hazards/{world.hazard.pk}/attachments"
    multipart = "multipart/form-data; boundary=xyz"
    many = b"".join(b'--xyz\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % i for i in range(1100))
    cases = {
        "content_length": call(client, "POST", url, b"", multipart, CONTENT_LENGTH="abc"),
        "body_too_large": call(client, "POST", url, b"x" * 2048, multipart),
        "content_type": call(client, "POST", url, A_FORM, "multipart/mixed; boundary=xyz"),
        "no_boundary": call(client, "POST", url, b"--x\r\n\r\n", NO_BOUNDARY),
        "wrong_boundary": call(client, "POST", url, WRONG_BOUNDARY[:900], "multipart/form-data; boundary=abc"),
        "cut_off": call(client, "POST", url, CUT_OFF, multipart),
        "nul": call(client, "POST", url, A_FORM.replace(b"\r\nx\r\n", b"\r\nx\x00\r\n"), multipart),
    }
    settings.ZHIBEN = {**settings.ZHIBEN, "REQUEST_MAX_BYTES": 200 * 1024 * 1024}
    cases["too_many_fields"] = call(client, "POST", url, many + b"--xyz--\r\n", multipart)
    cases["utf8"] = call(client, "POST", "/api/v1/hazards", b'{"title": "\xff"}', "application/json")
    said = {}
    for reason, r in cases.items():
        assert 400 <= r.status_code < 500, (reason, r.status_code, r.content)
        said[reason] = next(iter(r.json()["errors"].values()))
        assert CJK.search(said[reason]), (reason, said[reason])
    assert "NUL" in said["nul"] and all("NUL" not in m for k, m in said.items() if k != "nul"), said
    assert len(set(said.values())) == len(said), said


@pytest.mark.parametrize(("method", "path"), JSON_OPS, ids=[f"{m} {p}" for m, p in JSON_OPS])
def test_a_json_endpoint_refuses_another_kind_of_body_415(world, method, path) -> None:
    client = world.client()
    for body, content_type in (
        (b'{"title": "x"}', "text/plain"),
        (b"title=x", "application/x-www-form-urlencoded"),
        (b'{"title": "x"}', ""),
        (A_FORM, "multipart/form-data; boundary=xyz"),
    ):
        r = call(client, method, world.url(path), body, content_type)
        assert r.status_code == 415, (content_type, r.status_code, r.content[:300])
        assert "application/json" in r.json()["errors"]["body"]


@pytest.mark.parametrize(("method", "path"), UPLOAD_OPS, ids=[f"{m} {p}" for m, p in UPLOAD_OPS])
@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"file=abc", "application/x-www-form-urlencoded"), (b'{"file": "x"}', "application/json")],
)
def test_an_upload_endpoint_refuses_another_kind_of_body_415(paths, method, path, body, content_type) -> None:
    r = call(paths.client(), method, paths.url(path), body, content_type)
    assert r.status_code == 415, (r.status_code, r.content[:300])
    assert "multipart/form-data" in r.json()["errors"]["body"]


@pytest.mark.parametrize(("method", "path"), JSON_OPS, ids=[f"{m} {p}" for m, p in JSON_OPS])
def test_invalid_utf8_in_json_is_400(paths, method, path) -> None:
    r = call(paths.client(), method, paths.url(path), b'{"title": "\xff\xfe\xc3"}', "application/json")
    assert r.status_code == 400, (r.status_code, r.content[:300])
    assert "UTF-8" in r.json()["errors"]["body"]


@pytest.mark.parametrize(("method", "path"), BODY_OPS, ids=[f"{m} {p}" for m, p in BODY_OPS])
def test_a_huge_or_broken_content_length_is_refused(paths, method, path) -> None:
    for length, status in (("99999999999999", 413), ("-5", 400), ("abc", 400)):
        r = call(paths.client(), method, paths.url(path), b"{}", "application/json", CONTENT_LENGTH=length)
        assert r.status_code == status, (length, r.status_code, r.content[:300])
        assert CJK.search(json.dumps(r.json(), ensure_ascii=False))


def test_a_json_body_over_the_memory_cap_is_413(world, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = world.client().post("/api/v1/hazards", json.dumps({"title": "x" * 2000}), content_type="application/json")
    assert r.status_code == 413, r.content


def test_the_handed_cases_multipart(world) -> None:
    client = world.client()
    hazard, tip = f"/api/v1/hazards/{world.hazard.pk}", f"/api/v1/tips/by-receipt/{world.receipt}"
    for url in (f"{hazard}/attachments", f"{tip}/attachments"):
        r = call(client, "POST", url, b"xx", NO_BOUNDARY)
        assert r.status_code == 400 and "boundary" in r.json()["errors"]["body"], r.content
    for url in ("/api/v1/enterprises", "/api/v1/accidents"):
        assert call(client, "POST", url, b"xx", NO_BOUNDARY).status_code == 400


def test_a_whole_multipart_upload_still_works(world) -> None:
    r = world.client().post(f"/api/v1/hazards/{world.hazard.pk}/attachments", {"file": _upload("现场.png")})
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("template", PAGES)
def test_a_broken_body_to_any_page_is_a_chinese_400(paths, template) -> None:
    url = paths.url(template)
    for client in (paths.client(), Client(enforce_csrf_checks=False)):
        for body, content_type in ((b"xx", NO_BOUNDARY), (CUT_OFF, "multipart/form-data; boundary=xyz")):
            r = call(client, "POST", url, body, content_type)
            assert r.status_code == 400, (url, r.status_code)
            assert "请求有误" in r.content.decode()


# ------------------------------------------------------------------------------ pages: every form field


class _Forms(HTMLParser):
    """The forms of a page: their method, action and the names of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self.forms.append(((named.get("method") or "get").lower(), named.get("action") or "", set()))
        elif tag in ("input", "select", "textarea") and self.forms and named.get("name") and not self._skipped(named):
            self.forms[-1][2].add(str(named["name"]))

    @staticmethod
    def _skipped(named: dict[str, str | None]) -> bool:
        return named.get("type") in ("file", "hidden", "submit")


@pytest.mark.parametrize("template", [t for t in PAGES if not t.startswith(("/accounts/", "/healthz"))])
def test_huge_numbers_in_every_field_of_every_page_form(world, template) -> None:
    """Every field of every form a page shows (filters by GET, forms by POST) given numbers no column holds."""
    client = world.client()
    url = world.url(template)
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return
    parser = _Forms()
    parser.feed(page.content.decode())
    for method, action, names in parser.forms:
        for value in ("99999999999999999999999", "-9223372036854775809", "1e400", str(2**63)):
            send = client.post if method == "post" else client.get
            r = send(action or url, {**dict.fromkeys(names, value), "page": value})
            assert r.status_code < 500, (method, action or url, value, r.status_code)


@pytest.mark.parametrize("template", [t for t in PAGES if not t.startswith(("/healthz",))])
def test_a_refused_page_field_is_named_by_its_chinese_label(world, template) -> None:
    """NUL in each field of each form of each page (the hazard report, the tip form, filters, actions, the
    import upload…): the refusal names the field by its Chinese label, never by the program's name."""
    client = world.client() if not template.startswith("/tips/report") else Client()
    url = world.url(template)
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return
    parser = _Forms()
    parser.feed(page.content.decode())
    for method, action, names in parser.forms:
        for name in names:
            send = client.post if method == "post" else client.get
            r = send(action or url, {name: "a\x00"})
            assert r.status_code == 422, (action or url, name, r.status_code)
            said = re.search(r'<p id="refusal">(.*?)</p>', r.content.decode(), re.S)
            assert said, (action or url, name)
            text = html.unescape(said[1])
            assert not re.search(r"[A-Za-z_]{2,}", text.replace("NUL", "")), (action or url, name, text)
            assert re.match(r"「[^」]*[\u4e00-\u9fff][^」]*」", text), (action or url, name, text)


_ERROR_TEXT = re.compile(
    r'<(p|ul|li|div)[^>]*class="[^"]*(?:field-error|errorlist|msg error)[^"]*"[^>]*>(.*?)</\1>', re.S
)


@pytest.mark.parametrize("template", [t for t in PAGES if not t.startswith(("/healthz", "/accounts/"))])
@pytest.mark.parametrize("value", ["", "x", "-1", "2025-13-45", "99999999999999999999"])
def test_the_errors_of_every_page_form_name_no_program_word(world, template, value) -> None:
    """Every form of every page sent with a value its fields refuse (empty, a word, a negative, an impossible
    date, a huge number): the errors shown are Chinese, naming fields by their labels — no field name, no
    enum value, no ``key=value`` of the program."""
    client = world.client() if not template.startswith("/tips/report") else Client()
    url = world.url(template)
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return
    parser = _Forms()
    parser.feed(page.content.decode())
    for method, action, names in parser.forms:
        send = client.post if method == "post" else client.get
        r = send(action or url, dict.fromkeys(names, value))
        for _, found in _ERROR_TEXT.findall(r.content.decode()):
            text = html.unescape(re.sub(r"<[^>]+>", "", found))
            words = re.findall(r"[A-Za-z_]+(?:[=_][A-Za-z_]+)*", text)
            program = [w for w in words if "_" in w or "=" in w or w in names or (w.islower() and len(w) > 2)]
            assert not program, (action or url, value, text)


def test_a_page_refusal_before_the_view_names_the_label(world) -> None:
    r = world.client().post("/hazards/new/", {"title": "储罐\x00区", "location": "x"})
    assert r.status_code == 422
    assert "「隐患名称」含有无法保存的控制字符（NUL）" in r.content.decode()
    r = Client().post("/tips/report/", {"place": "秀山\x00", "description": "x"})
    assert "「所在地区」" in r.content.decode()
    r = world.client().get("/hazards/", {"no_such_filter": "\x00"})
    assert "地址中的一个参数" in r.content.decode() and "no_such_filter" not in r.content.decode()


# ------------------------------------------------------------------ JSON nested past the parser's recursion
DEEP = b"[" * 5000 + b"1" + b"]" * 5000
DEEP_ESCAPED = b'{"title": ' + b"[" * 5000 + b'"\\u0041"' + b"]" * 5000 + b"}"


@pytest.mark.parametrize(("method", "path"), JSON_OPS, ids=[f"{m} {p}" for m, p in JSON_OPS])
def test_json_nested_past_the_parsers_limit_is_400(paths, method, path) -> None:
    for body in (DEEP, DEEP_ESCAPED):
        r = call(paths.client(), method, paths.url(path), body, "application/json")
        assert r.status_code == 400, (r.status_code, r.content[:300])
        assert CJK.search(r.json()["errors"]["body"])


def test_deep_json_is_400_without_signing_in() -> None:
    for url in ("/api/v1/auth/token", "/api/v1/tips", "/api/v1/hazards"):
        r = Client().post(url, DEEP, content_type="application/json")
        assert r.status_code == 400, (url, r.status_code, r.content[:200])


# ------------------------------------------------------------------ instants whose Beijing day leaves the calendar
JSON_DATES = [
    (m, p, n)
    for m, p, op in OPERATIONS
    for n, prop in _body_properties(op).items()
    if any(_resolve(b).get("format") in ("date", "date-time") for b in [prop, *prop.get("anyOf", [])])
]


def test_the_date_fields_are_found() -> None:
    assert len(JSON_DATES) >= 10 and ("POST", "/api/v1/hazards", "deadline") in JSON_DATES


@pytest.mark.parametrize(("method", "path", "name"), JSON_DATES, ids=[f"{m} {p} {n}" for m, p, n in JSON_DATES])
def test_an_instant_past_the_calendars_end_is_refused_naming_the_field(world, method, path, name) -> None:
    """9999-12-31T23:59:59-12:00 is already year 10000 in Beijing; 0001-01-01T00:00:00+14:00 is year 0."""
    for text in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"):
        r = call(world.client(), method, world.url(path), json.dumps({name: text}).encode(), "application/json")
        assert r.status_code in (400, 404, 409, 422), (text, r.status_code, r.content[:300])
        if r.status_code == 422 and name in r.json().get("errors", {}):
            assert CJK.search(r.json()["errors"][name])


def test_the_calendars_end_on_the_hazard_report(world) -> None:
    body = {
        "enterprise": world.firm.credit_code,
        "title": "储罐区报警器失效",
        "level": "general",
        "source": "inspection",
        "discovered_on": "2025-03-01",
        "deadline": "9999-12-31T23:59:59-12:00",
    }
    r = world.client().post("/api/v1/hazards", json.dumps(body), content_type="application/json")
    assert_names(r, "deadline", 422)
    assert "9999" in r.json()["errors"]["deadline"]
