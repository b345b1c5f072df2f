"""Contract-wide rules: anonymous callers get 401 everywhere but token and the OpenAPI document, every
endpoint keeps its scope, and no input makes a 500."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben.accidents.tests.test_register_contract import SPEC as ACCIDENTS
from zhiben.analytics.tests.test_register_contract import SPEC as FIGURES
from zhiben.api import api
from zhiben.departments.tests.test_register_contract import SPEC as UNITS
from zhiben.duties.tests.test_register_contract import LIST_SPEC as DUTY_LISTS
from zhiben.duties.tests.test_register_contract import PRESSURE_SPEC as PRESSURES
from zhiben.enterprises.tests.test_register_contract import SPEC as ENTERPRISES
from zhiben.hazards.tests.test_register_contract import SPEC as HAZARDS
from zhiben.inspections.tests.test_draws_contract import SPEC as DRAWS_CONTRACT
from zhiben.inspections.tests.test_inspections_contract import SPEC as INSPECTIONS_CONTRACT
from zhiben.inspections.tests.test_orders_contract import SPEC as ORDERS_CONTRACT
from zhiben.inspections.tests.test_register_contract_pen import EXPERT_SPEC as EXPERTS
from zhiben.inspections.tests.test_register_contract_pen import OFFICER_SPEC as LAW_OFFICERS
from zhiben.inspections.tests.test_register_contract_pen import OWN_ITEM_SPEC as OWN_CHECK_ITEMS
from zhiben.inspections.tests.test_register_contract_pen import PENALTY_SPEC as PENALTIES_CONTRACT
from zhiben.inspections.tests.test_register_contract_pen import PLAN_SPEC as INSPECTION_PLANS_CONTRACT
from zhiben.inspections.tests.test_stats_contract import SPEC as ENFORCEMENT_STATS
from zhiben.plans.tests.test_register_contract import SPEC as PLANS_CONTRACT
from zhiben.risks.tests.test_checks_contract import SPEC as CHECKS_CONTRACT
from zhiben.risks.tests.test_checks_contract import STATS_SPEC as CHECK_STATS
from zhiben.risks.tests.test_interface_contract import SPEC as DUAL_PREVENTION_CONTRACT
from zhiben.risks.tests.test_map_contract import SPEC as RISK_MAP_CONTRACT
from zhiben.risks.tests.test_posts_contract import SPEC as POSTS_CONTRACT
from zhiben.risks.tests.test_register_contract import SPEC as RISK_REGISTER
from zhiben.tests_support.contract import route_of
from zhiben.tips.tests.test_register_contract import SPEC as TIPS

pytestmark = pytest.mark.django_db

PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    # the public tip channel: no account, the receipt is the key (zhiben/tips/tests)
    ("POST", "/api/v1/tips"),
    ("GET", "/api/v1/tips/by-receipt/{receipt}"),
    ("POST", "/api/v1/tips/by-receipt/{receipt}/messages"),
    ("POST", "/api/v1/tips/by-receipt/{receipt}/attachments"),
    ("POST", "/api/v1/tips/by-receipt/{receipt}/objection"),
    # 双随机: recomputes a published draw (an unpublished one is 404 to everyone: zhiben/inspections/tests)
    ("POST", "/api/v1/draws/verify"),
}


INTEGER_IDS = (
    r"\{(hazard_id|attachment_id|accident_id|tip_id|subject_id|filing_id|list_id|item_id|pressure_id"
    r"|department_id|plan_id|task_id|file_id|draw_id|inspection_id|photo_id|order_id|penalty_id|officer_id|expert_id"
    r"|relation_id|record_id|unit_id|post_id|event_id|measure_id)\}"
)


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            concrete = re.sub(INTEGER_IDS, "1", path)
            concrete = concrete.replace("{job_id}", "00000000-0000-4000-8000-000000000000")
            concrete = concrete.replace("{kind}", "hazards")
            concrete = re.sub(r"\{[^}]+\}", "91440300708461136T", concrete)
            ops.append((method.upper(), concrete))
    return ops


def test_the_openapi_document_is_public_and_names_the_contract() -> None:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = set(r.json()["paths"])
    assert {
        "/api/v1/auth/token",
        "/api/v1/users",
        "/api/v1/regions",
        "/api/v1/sectors",
        "/api/v1/criteria",
        "/api/v1/enterprises",
        "/api/v1/enterprises/{credit_code}",
    } <= paths
    assert Client().get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize(("method", "path"), _operations())
def test_anonymous_callers_get_401(method: str, path: str) -> None:
    template = re.sub(r"/by-receipt/[^/]+", "/by-receipt/{receipt}", path)
    if (method, template) in PUBLIC:
        if "/by-receipt/" in path:  # public, and a made-up receipt is simply not found
            r = Client().generic(method, path, data="{}", content_type="application/json")
            # (an upload sent a JSON body is refused for its kind, whatever the receipt: 415)
            assert r.status_code in (404, 415, 422), (method, path, r.status_code)
        return
    r = Client().generic(method, path, data="{}", content_type="application/json")
    assert r.status_code == 401, (method, path, r.content)


# Every operation of the API, classified by how scope applies to it. A new endpoint fails
# test_every_operation_is_classified until someone decides (and tests) its scope.
REFERENCE = {
    ("GET", "/api/v1/regions"),
    ("GET", "/api/v1/regions/{code}"),
    ("GET", "/api/v1/sectors"),
    ("GET", "/api/v1/criteria"),
    ("GET", "/api/v1/criteria/standards"),
    ("GET", "/api/v1/criteria/coverage"),
    ("GET", "/api/v1/penalties/bases"),  # the common articles of 安全生产法 a penalty cites
}  # public reference data, same for every signed-in user
ADMIN_ONLY = {("POST", "/api/v1/users"), ("GET", "/api/v1/users"), ("POST", "/api/v1/regions")}
SELF = {("GET", "/api/v1/users/me")}
# The caller's own to-do (built from the registers' scoped sources) and notifications (another's: 404);
# zhiben/notifications/tests/test_todo.py checks that out-of-scope users see none of another region's items.
OWN_ITEMS = {
    ("GET", "/api/v1/todo"),
    ("GET", "/api/v1/notifications"),
    ("POST", "/api/v1/notifications/{notification_id}/read"),
}
# Lists, and their Excel exports (same parameters and scope, every row in one workbook).
SCOPED_LIST = {
    ("GET", "/api/v1/enterprises"),
    ("GET", "/api/v1/hazards"),
    ("GET", "/api/v1/enterprises/export"),
    ("GET", "/api/v1/hazards/export"),
}
SCOPED_CREATE = {("POST", "/api/v1/enterprises"), ("POST", "/api/v1/hazards")}
HAZARD = "/api/v1/hazards/{hazard_id}"
SCOPED_OBJECT = {
    ("GET", "/api/v1/enterprises/{credit_code}"),
    ("PATCH", "/api/v1/enterprises/{credit_code}"),
    ("GET", HAZARD),
    *{
        ("POST", f"{HAZARD}/{step}")
        for step in (
            "plan",
            "attachments",
            "submit",
            "review",
            "cancel",
            "supervise",
            "delist",
            "extension",
            "extension/decision",
            "reports",
        )
    },
    ("GET", f"{HAZARD}/attachments/{{attachment_id}}"),
    ("GET", f"{HAZARD}/events/export"),
}
# Figures for a region subtree: a region outside the caller's subtree answers 404.
SCOPED_STATS = {
    ("GET", "/api/v1/stats/hazards"),
    ("GET", "/api/v1/stats/zeroing"),
    ("GET", "/api/v1/stats/dashboard"),
    ("GET", "/api/v1/stats/tasks"),
    ("GET", "/api/v1/stats/departments"),
    # enforcement figures (zhiben/inspections/tests/test_stats_contract.py; enterprise users 403)
    ("GET", "/api/v1/stats/enforcement"),
    ("GET", "/api/v1/stats/enforcement/self-check-missed"),
    # check compliance (zhiben/risks/tests/test_checks_api.py; enterprise users get their own enterprise's)
    ("GET", "/api/v1/stats/checks"),
}
# Ledger imports: templates are the same for everyone; a job is its uploader's (404 to anyone else), and
# its rows are checked against the uploader's scope like any other write (zhiben/imports/tests).
IMPORT_TEMPLATES = {("GET", "/api/v1/imports/templates/{kind}")}
OWN_JOBS = {
    ("GET", "/api/v1/imports"),
    ("POST", "/api/v1/imports/{kind}"),
    ("GET", "/api/v1/imports/{job_id}"),
    ("GET", "/api/v1/imports/{job_id}/errors"),
    ("POST", "/api/v1/imports/{job_id}/confirm"),
}
# Accidents (事故): list and create scoped like the registers (an officer's subtree and sectors, an enterprise
# user's own enterprise; creating outside answers 422 naming region/sector/enterprise), objects 404 out of
# scope (below, and zhiben/accidents/tests for the list and the create).
ACCIDENT = "/api/v1/accidents/{accident_id}"
ACCIDENT_LIST = {("GET", "/api/v1/accidents")}
ACCIDENT_CREATE = {("POST", "/api/v1/accidents")}
ACCIDENT_OBJECT = {
    ("GET", ACCIDENT),
    ("POST", f"{ACCIDENT}/supplements"),
    ("POST", f"{ACCIDENT}/relays"),
    ("POST", f"{ACCIDENT}/investigation"),
    ("POST", f"{ACCIDENT}/investigation/extension"),
    ("POST", f"{ACCIDENT}/reply"),
    ("POST", f"{ACCIDENT}/reply/extension"),
}
# Tips: the queue is scoped by region (enterprise users see none); a tip outside it answers 404 to every
# action, and the identity endpoint answers 404 to everyone but tip handlers in scope.
TIP = "/api/v1/tips/{tip_id}"
TIP_LIST = {("GET", "/api/v1/tips")}
TIP_OBJECT = {
    ("GET", TIP),
    ("GET", f"{TIP}/reporter"),
    ("GET", f"{TIP}/attachments/{{attachment_id}}"),
    *{
        ("POST", f"{TIP}/{step}")
        for step in ("verify", "extend", "messages", "review", "reward/notice", "reward/payment")
    },
}
# Documents (文书) of any register, ``/{register}/{id}/documents…``: the record through the register's own
# scope, 404 outside it (zhiben/documents/tests).
DOCUMENTS = {
    ("GET", "/api/v1/{segment}/{subject_id}/documents"),
    ("GET", "/api/v1/{segment}/{subject_id}/documents/{kind}"),
}
# 16号令 statistics filings: the list, the roll-up and an enterprise's statistics are cut to the caller's scope, a
# filing or an enterprise outside it answers 404 (zhiben/filings/tests/test_register_contract.py); filing is the
# enterprise's own (403 for an officer, 404 for another enterprise).
FILING = "/api/v1/filings/{filing_id}"
STATISTICS = "/api/v1/enterprises/{credit_code}/statistics"
FILINGS = {
    ("GET", "/api/v1/filings"),
    ("POST", "/api/v1/filings"),
    ("GET", "/api/v1/filings/summary"),
    ("GET", "/api/v1/filings/summary.xlsx"),
    ("GET", FILING),
    ("GET", f"{FILING}/scan"),
    ("GET", STATISTICS),
    ("GET", f"{STATISTICS}.xlsx"),
    ("GET", f"{STATISTICS}.docx"),
}
# Plans and tasks (方案 · 重点任务): a plan is seen by the officers of its region and above, a task also by the
# officers of its units; everyone else gets 404 and changes nothing (zhiben/plans/tests/test_register_contract.py).
# Saving a plan for a region outside the caller's answers 404; the parse preview saves nothing.
PLAN = "/api/v1/plans/{plan_id}"
TASK = "/api/v1/tasks/{task_id}"
PLANS = {
    ("POST", "/api/v1/plans/parse"),
    ("POST", "/api/v1/plans"),
    ("GET", "/api/v1/plans"),
    ("GET", PLAN),
    ("GET", f"{PLAN}/board.xlsx"),
    ("POST", f"{PLAN}/tasks"),
    ("GET", "/api/v1/tasks"),
    ("GET", TASK),
    ("GET", f"{TASK}/files/{{file_id}}"),
    ("POST", f"{TASK}/progress"),
    ("POST", f"{TASK}/done"),
    ("POST", f"{TASK}/accept"),
    ("POST", f"{TASK}/reject"),
}
# Member units: read by the officers of their region, those above and below (zhiben/departments/tests/
# test_register_contract.py); kept by the committee office (403 for other officers, 404 outside the subtree); the
# routing of a region is read by its officers, those below it and above it (test_departments.py).
DEPARTMENTS = {
    ("GET", "/api/v1/departments"),
    ("POST", "/api/v1/departments"),
    ("GET", "/api/v1/departments/{department_id}"),
    ("PATCH", "/api/v1/departments/{department_id}"),
    ("GET", "/api/v1/departments/{department_id}/members"),
    ("POST", "/api/v1/departments/{department_id}/members"),
    ("GET", "/api/v1/regions/{code}/routing"),
    ("POST", "/api/v1/regions/{code}/routing"),
    ("POST", "/api/v1/regions/{code}/departments/seed"),
}
# Duty lists, the duty ledger and pressures (督促问责): narrower than a region subtree (a list is its leader's or
# unit's, its committee office's and the regions above; a unit's pressure the unit's, the issuing office's and
# above); every one of them 404 to anyone else (zhiben/duties/tests/test_register_contract.py).
DUTY_LIST = "/api/v1/duty-lists/{list_id}"
PRESSURE = "/api/v1/pressures/{pressure_id}"
DUTIES = {
    ("GET", "/api/v1/duty-lists"),
    ("POST", "/api/v1/duty-lists"),
    ("GET", DUTY_LIST),
    ("POST", f"{DUTY_LIST}/items"),
    ("GET", f"{DUTY_LIST}/report.docx"),
    ("GET", f"{DUTY_LIST}/ledger.xlsx"),
    ("POST", f"{DUTY_LIST}/items/import"),
    ("POST", "/api/v1/duty-items/{item_id}/entries"),
    ("GET", "/api/v1/duty-attachments/{attachment_id}"),
    ("GET", "/api/v1/stats/duties"),
    ("GET", "/api/v1/pressures"),
    ("POST", "/api/v1/pressures"),
    ("GET", PRESSURE),
    ("POST", f"{PRESSURE}/follow-up"),
}
# 双随机 draws: seen by the officers of the draw's region subtree (narrowed to a unit's own and led sectors, and to
# a sector-limited officer's sectors); made, published and discarded by the unit's officers, its committee office
# and admins (403 for other officers in scope); 404 to everyone else (zhiben/inspections/tests/test_draws*.py).
DRAW = "/api/v1/draws/{draw_id}"
DRAWS = {
    ("GET", "/api/v1/draws"),
    ("POST", "/api/v1/draws"),
    ("GET", DRAW),
    ("POST", f"{DRAW}/publish"),
    ("POST", f"{DRAW}/discard"),
}
# The inspection on site (监督检查): the list and the record scoped as the register's rule says (a unit's own and its
# led sectors', the enterprise's own premises), recording one for an enterprise outside the caller's scope 422
# naming ``enterprise``, every step 404 outside (zhiben/inspections/tests/test_inspections_contract.py).
INSPECTION = "/api/v1/inspections/{inspection_id}"
INSPECTIONS = {
    ("GET", "/api/v1/inspections"),
    ("POST", "/api/v1/inspections"),
    ("GET", INSPECTION),
    ("POST", f"{INSPECTION}/items"),
    ("POST", f"{INSPECTION}/findings"),
    ("POST", f"{INSPECTION}/photos"),
    ("GET", f"{INSPECTION}/photos/{{photo_id}}"),
    ("POST", f"{INSPECTION}/complete"),
}
# Orders at an inspection and their re-inspections (执法指令 · 复查): an inspection's and an order's scope is the
# inspection's (its region subtree and sectors, the unit's own and its led sectors, the enterprise's own); outside
# it 404 and nothing changes (zhiben/inspections/tests/test_orders_contract.py).
ORDERS = {
    ("POST", "/api/v1/inspections/{inspection_id}/orders"),
    ("GET", "/api/v1/inspections/{inspection_id}/orders"),
    ("GET", "/api/v1/orders"),
    ("GET", "/api/v1/orders/{order_id}"),
    ("POST", "/api/v1/orders/{order_id}/reinspections"),
}
# Penalties (行政处罚): seen by the officers of the region subtree and sectors (a unit's officer: the unit's own and
# its led sectors) and by the enterprise penalised; recorded and kept by the unit's officers, the committee office,
# officers of no unit in scope, admins (403 for others who see it); out of scope 404, nothing changed
# (zhiben/inspections/tests/test_register_contract_pen.py, test_penalties.py). The ledgers' exports are cut the same.
PENALTY = "/api/v1/penalties/{penalty_id}"
PENALTIES = {
    ("GET", "/api/v1/penalties"),
    ("POST", "/api/v1/penalties"),
    ("GET", "/api/v1/penalties/export"),
    ("GET", PENALTY),
    ("POST", f"{PENALTY}/payment"),
    ("POST", "/api/v1/inspections/{inspection_id}/penalties"),
    ("GET", "/api/v1/inspections/export"),
}
# Yearly inspection plans and the inspector and expert pools: seen by the officers of the region subtree (a unit's
# officer: the unit's own plans and officers), kept by the unit's officers, the committee office and admins (403
# for others who see them); enterprise users and other regions 404 (test_register_contract_pen.py, test_plans.py,
# test_pools.py).
INSPECTION_PLAN = "/api/v1/inspection-plans/{plan_id}"
INSPECTION_PLANS = {
    ("GET", "/api/v1/inspection-plans"),
    ("POST", "/api/v1/inspection-plans"),
    ("GET", INSPECTION_PLAN),
    ("GET", f"{INSPECTION_PLAN}/progress.xlsx"),
}
POOLS = {
    ("GET", "/api/v1/law-officers"),
    ("POST", "/api/v1/law-officers"),
    ("GET", "/api/v1/law-officers/{officer_id}"),
    ("PATCH", "/api/v1/law-officers/{officer_id}"),
    ("GET", "/api/v1/experts"),
    ("POST", "/api/v1/experts"),
    ("GET", "/api/v1/experts/{expert_id}"),
    ("PATCH", "/api/v1/experts/{expert_id}"),
    ("POST", "/api/v1/experts/{expert_id}/relations"),
    ("DELETE", "/api/v1/experts/{expert_id}/relations/{relation_id}"),
    ("GET", "/api/v1/own-check-items"),
    ("POST", "/api/v1/own-check-items"),
    ("GET", "/api/v1/own-check-items/{item_id}"),
    ("PATCH", "/api/v1/own-check-items/{item_id}"),
}
# The national dual-prevention interface (双重预防数据接口): an enterprise's six tables, read by those who see the
# enterprise, imported by its own users (an officer in scope: 403); zhiben/risks/tests/test_interface_contract.py.
DUAL_PREVENTION_API = "/api/v1/enterprises/{credit_code}/dual-prevention.json"
DUAL_PREVENTION = {("GET", DUAL_PREVENTION_API), ("POST", DUAL_PREVENTION_API)}
# The risk register (风险分级管控清单): units, their events and measures, and an enterprise's settings and grade are
# seen by the officers of its region subtree and sectors, its own staff and admins, written by its staff and admins
# (403 for officers in scope); out of scope 404 and nothing changed (zhiben/risks/tests/test_register_contract.py).
RISK_UNIT = "/api/v1/risk-units/{unit_id}"
CONTROL_MEASURE = "/api/v1/control-measures/{measure_id}"
RISK_PROFILE = "/api/v1/enterprises/{credit_code}/risk-profile"
RISKS = {
    ("GET", "/api/v1/risk-units"),
    ("POST", "/api/v1/risk-units"),
    ("GET", RISK_UNIT),
    ("PATCH", RISK_UNIT),
    ("DELETE", RISK_UNIT),
    ("GET", f"{RISK_UNIT}/events"),
    ("POST", f"{RISK_UNIT}/events"),
    ("PATCH", f"{RISK_UNIT}/events/{{event_id}}"),
    ("DELETE", f"{RISK_UNIT}/events/{{event_id}}"),
    ("GET", "/api/v1/control-measures"),
    ("POST", "/api/v1/control-measures"),
    ("GET", CONTROL_MEASURE),
    ("PATCH", CONTROL_MEASURE),
    ("DELETE", CONTROL_MEASURE),
    ("GET", RISK_PROFILE),
    ("PUT", RISK_PROFILE),
}
CHECKS = {
    ("GET", "/api/v1/check-tasks"),
    ("POST", "/api/v1/check-tasks"),
    ("GET", "/api/v1/check-tasks/{task_id}"),
    ("PATCH", "/api/v1/check-tasks/{task_id}"),
    ("DELETE", "/api/v1/check-tasks/{task_id}"),
    ("GET", "/api/v1/check-records"),
    ("POST", "/api/v1/check-records"),
    ("GET", "/api/v1/check-records/{record_id}"),
    ("POST", "/api/v1/enterprises/{credit_code}/rhythm-tasks"),
}
# Dual prevention's four-colour map and posts (两单两卡): seen by the officers of the enterprise's region subtree and
# sectors and by its own users; written by its own users and admins (403 for an officer who sees it); 404 to
# everyone else, nothing changed (zhiben/risks/tests/test_map_contract.py, test_posts_contract.py).
POST_ = "/api/v1/posts/{post_id}"
RISK_MAP = {
    ("POST", "/api/v1/enterprises/{credit_code}/layout"),
    ("GET", "/api/v1/enterprises/{credit_code}/layout"),
    ("GET", "/api/v1/enterprises/{credit_code}/risk-map"),
    ("PUT", f"{RISK_UNIT}/place"),
    ("DELETE", f"{RISK_UNIT}/place"),
    ("GET", f"{RISK_UNIT}/four-lists.docx"),
}
POSTS = {
    ("GET", "/api/v1/posts"),
    ("POST", "/api/v1/posts"),
    ("GET", POST_),
    ("PATCH", POST_),
    ("DELETE", POST_),
    ("GET", f"{POST_}/cards.docx"),
}
CLASSIFIED = (
    RISKS
    | CHECKS
    | RISK_MAP
    | POSTS
    | DUAL_PREVENTION
    | DRAWS
    | INSPECTIONS
    | ORDERS
    | PENALTIES
    | INSPECTION_PLANS
    | POOLS
    | DUTIES
    | DEPARTMENTS
    | FILINGS
    | PLANS
    | PUBLIC
    | DOCUMENTS
    | TIP_LIST
    | TIP_OBJECT
    | REFERENCE
    | ADMIN_ONLY
    | SELF
    | OWN_ITEMS
    | SCOPED_LIST
    | SCOPED_CREATE
    | SCOPED_OBJECT
    | SCOPED_STATS
    | IMPORT_TEMPLATES
    | OWN_JOBS
    | ACCIDENT_LIST
    | ACCIDENT_CREATE
    | ACCIDENT_OBJECT
)


@pytest.mark.parametrize(("method", "path"), sorted(op for op in OWN_JOBS if "{job_id}" in op[1]))
def test_import_jobs_of_others_answer_404(method, path, officer, outsider, firm) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhiben.imports.models import ImportJob
    from zhiben.imports.tests.test_imports import workbook

    owner = Client()
    owner.force_login(officer)
    header = ["统一社会信用代码", "隐患名称", "隐患级别", "隐患来源", "发现日期"]
    rows = [header, [firm.credit_code, "x", "特大", "检查", "2024-03-01"]]
    r = owner.post("/api/v1/imports/hazards", {"file": SimpleUploadedFile("a.xlsx", workbook(rows))})
    job = ImportJob.objects.get(pk=r.json()["id"])
    assert job.error_file  # so that the errors download exists for its owner
    stranger = Client()
    stranger.force_login(outsider)
    url = path.replace("{job_id}", str(job.pk))
    assert stranger.generic(method, url).status_code == 404
    assert owner.generic(method, url).status_code in (200, 409)
    assert stranger.get("/api/v1/imports").json()["count"] == 0


@pytest.mark.parametrize(("method", "path"), sorted(SCOPED_STATS))
def test_figures_outside_the_subtree_answer_404(method, path, officer, township) -> None:
    town = factories_user("town8", township)
    for user, region in ((officer, "110105"), (officer, "50"), (town, "500241"), (town, "500241101")):
        client = Client()
        client.force_login(user)
        r = client.get(path, {"region": region})
        assert r.status_code in (404, 422), (user.username, region, r.content)
        assert r.status_code == 404 or "region" in r.json()["errors"]
    client = Client()
    client.force_login(officer)
    assert client.get(path, {"region": "500241100"}).status_code == 200


def factories_user(name, region):
    from zhiben.tests_support import factories

    return factories.user(name, role="officer", region=region)


def test_every_operation_is_classified() -> None:
    schema = api.get_openapi_schema()
    ops = {(m.upper(), p) for p, methods in schema["paths"].items() for m in methods}
    assert ops == CLASSIFIED


# Scope, object by object and list by list, is each register's contract test (zhiben/tests_support/
# contract.py): every endpoint and page of the register, four kinds of outsider, 404 and nothing changed,
# lists hidden, query counts. Each contract fails when a route under its prefixes is not covered; this
# test makes sure every scoped operation above falls under one of them.
def test_every_scoped_operation_has_a_register_contract() -> None:
    specs = [ACCIDENTS, FIGURES, ENTERPRISES, HAZARDS, TIPS, UNITS, DUTY_LISTS, PRESSURES, PLANS_CONTRACT]
    specs += [DRAWS_CONTRACT, INSPECTIONS_CONTRACT, ORDERS_CONTRACT, ENFORCEMENT_STATS]
    specs += [PENALTIES_CONTRACT, INSPECTION_PLANS_CONTRACT, LAW_OFFICERS, EXPERTS, OWN_CHECK_ITEMS]
    specs += [CHECKS_CONTRACT, CHECK_STATS, RISK_MAP_CONTRACT, POSTS_CONTRACT, RISK_REGISTER]
    specs += [DUAL_PREVENTION_CONTRACT]
    prefixes = [p for spec in specs for p in spec.prefixes]
    scoped = SCOPED_LIST | SCOPED_OBJECT | SCOPED_STATS | ACCIDENT_LIST | ACCIDENT_OBJECT | TIP_LIST | TIP_OBJECT
    scoped |= DUTIES | PLANS | DRAWS | INSPECTIONS | ORDERS | PENALTIES | INSPECTION_PLANS | POOLS | DUAL_PREVENTION
    scoped |= {op for op in CHECKS if "rhythm" not in op[1]}
    scoped |= RISK_MAP | POSTS | RISKS
    for _, path in sorted(scoped):
        assert any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes), path
    # the generic document routes are under no register's prefix: the registers that issue documents
    # take them in their own contracts
    for spec in (HAZARDS, TIPS, PRESSURES):
        taken = {(c.method, route_of(c.url)) for c in spec.live_calls()}
        for method, path in sorted(DOCUMENTS):
            assert (method, route_of(path.replace("{segment}", spec.name))) in taken, (spec.name, path)


@pytest.mark.parametrize(("method", "path"), sorted(ADMIN_ONLY))
def test_admin_only_operations_refuse_everyone_else(method, path, officer, firm_user, tip_handler) -> None:
    for user in (officer, firm_user, tip_handler):
        client = Client()
        client.force_login(user)
        r = client.generic(
            method,
            path,
            data=json.dumps(
                {
                    "username": "x",
                    "password": "A-strong-pass-9",
                    "role": "admin",
                    "code": "500241101",
                    "name": "x",
                    "parent": "500241",
                }
            ),
            content_type="application/json",
        )
        assert r.status_code == 403, (user.username, method, path)


def test_scoped_create_refuses_out_of_scope_targets(firm_user, outsider) -> None:
    for user, expected in ((firm_user, 403), (outsider, 422)):
        client = Client()
        client.force_login(user)
        r = client.post(
            "/api/v1/enterprises",
            {"credit_code": "91440300708461136T", "name": "x", "region": "500241", "sector": "machinery"},
            content_type="application/json",
        )
        assert r.status_code == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.one_of(
        st.dictionaries(
            st.sampled_from(
                [
                    "credit_code",
                    "name",
                    "region",
                    "sector",
                    "employees",
                    "longitude",
                    "high_risk",
                    "risk_level",
                    "standardisation_valid_until",
                    "username",
                    "password",
                    "role",
                    "code",
                    "parent",
                ]
            ),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.floats(allow_nan=True),
                st.text(max_size=300),
                st.lists(st.integers(), max_size=3),
            ),
            max_size=8,
        ),
        st.lists(st.integers(), max_size=3),
        st.text(max_size=50),
    )
)
def test_no_payload_makes_a_500(payload, admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    for path in ("/api/v1/enterprises", "/api/v1/users", "/api/v1/regions", "/api/v1/auth/token", "/api/v1/hazards"):
        r = client.post(path, data=json.dumps(payload), content_type="application/json")
        assert r.status_code < 500, (path, payload, r.content)
    r = client.patch(
        "/api/v1/enterprises/91440300708461136T", data=json.dumps(payload), content_type="application/json"
    )
    assert r.status_code < 500


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "region",
                "sector",
                "limit",
                "offset",
                "q",
                "high_risk",
                "parent",
                "risk_level",
                "status",
                "cohort",
                "overdue",
                "listed",
                "level",
                "source",
                "enterprise",
                "on",
            ]
        ),
        st.text(max_size=20),
        max_size=5,
    )
)
def test_no_query_makes_a_500(params, admin_user) -> None:
    client = Client()
    client.force_login(admin_user)
    for path in (
        "/api/v1/enterprises",
        "/api/v1/regions",
        "/api/v1/criteria",
        "/api/v1/criteria/standards",
        "/api/v1/criteria/coverage",
        "/criteria/",
        "/enterprises/",
        "/api/v1/hazards",
        "/hazards/",
        "/api/v1/enterprises/export",
        "/api/v1/hazards/export",
    ):
        r = client.get(path, params)
        assert r.status_code < 500, (path, params)
