"""The contracts (zhiben/tests_support/contract.py) of the penalties register, yearly plans and the two pools.

- a penalty is seen by the officers of its county (all sectors, or its sector) and by its enterprise; officers
  of another county or township, of other sectors and other enterprises get 404 and change nothing;
- a plan, an officer and an expert are seen by the officers of their county (the pools and plans have no
  sector); enterprise users, other counties and townships get 404.
"""

from __future__ import annotations

from typing import Any

from zhiben.inspections.models import Expert, ExpertRelation, InspectionPlan, LawOfficer, OwnCheckItem
from zhiben.inspections.services.penalties import penalty_record
from zhiben.inspections.services.plans import plan_create
from zhiben.inspections.tests import factories_pen as f
from zhiben.tests_support.contract import COUNTY, Call, Listing, RegisterContract, Spec, Subject, World, api_count

ENTERPRISE_OUT = ("outsider", "other_enterprise", "enterprise", "township_officer")
FINE = {"amount": "30000", "basis": "安全生产法 第一百零二条", "decided_on": "2026-03-10"}


def _unit() -> Any:
    return f.unit()


def make_penalty(world: World) -> Subject:
    unit = _unit()
    visit = f.inspection(world.firm, world.users["admin"], department=unit, on="2026-03-02")
    made = penalty_record(actor=world.users["admin"], data=FINE, inspection_id=visit.pk)
    return Subject(made, {"id": made.pk, "inspection": visit.pk, "credit_code": world.firm.credit_code})


def more_penalties(world: World, n: int) -> None:
    for i in range(n):
        penalty_record(actor=world.users["admin"], data={**FINE, "enterprise": world.firm.credit_code, "facts": str(i)})


PENALTY_SPEC = Spec(
    name="penalties",
    # the two routes under /api/v1/inspections that are this register's, named exactly (the rest is the inspections')
    prefixes=(
        "/api/v1/penalties",
        "/inspections/penalties/",
        "/api/v1/inspections/{inspection_id}/penalties",
        "/api/v1/inspections/export",
    ),
    make=make_penalty,
    make_more=more_penalties,
    calls=(
        Call("GET", "/api/v1/penalties/{id}"),
        # the payment: the unit's keepers (the county officer of no unit here); the enterprise sees, 403
        Call("POST", "/api/v1/penalties/{id}/payment", body={"paid_amount": "1000", "paid_on": "2026-03-20"}),
        Call("POST", "/api/v1/inspections/{inspection}/penalties", body={**FINE, "facts": "补充"}),
        Call("GET", "/inspections/penalties/{id}/"),
        Call("POST", "/inspections/penalties/{id}/", body={"paid_amount": "1000", "paid_on": "2026-03-20"}),
        Call("GET", "/inspections/penalties/?inspection={inspection}"),
        Call(
            "POST",
            "/inspections/penalties/",
            body={"inspection": "{inspection}", **FINE},
            hidden="{credit_code}",
        ),
    ),
    lists=(
        Listing("/api/v1/penalties", {"enterprise": "{credit_code}"}, count=api_count, baseline=5),
        Listing("/api/v1/penalties/export", {"enterprise": "{credit_code}"}, marker="{credit_code}", baseline=4),
        Listing("/api/v1/inspections/export", {"enterprise": "{credit_code}"}, marker="{credit_code}", baseline=6),
        Listing("/inspections/penalties/", marker='href="/inspections/penalties/{id}/"', baseline=5),
    ),
    elsewhere={
        "POST /api/v1/penalties": "recording a penalty on its own: zhiben/inspections/tests/test_penalties.py",
        "GET /api/v1/penalties/bases": "the articles offered, the same for everyone: test_penalties.py",
    },
)


class TestPenaltyContract(RegisterContract):
    spec = PENALTY_SPEC


# --- plans ------------------------------------------------------------------------------------------------------


def make_plan(world: World) -> Subject:
    unit = _unit()
    year = 2026 - InspectionPlan.objects.filter(department=unit).count()
    plan = plan_create(
        actor=world.users["admin"],
        data={"region": COUNTY, "department": unit.pk, "year": year, "title": f"{year}年度监督检查计划"},
    )
    return Subject(plan, {"id": plan.pk})


PLAN_SPEC = Spec(
    name="inspection-plans",
    prefixes=("/api/v1/inspection-plans", "/inspections/plans/"),
    make=make_plan,
    inside=("officer", "sector_officer"),
    outside=ENTERPRISE_OUT,
    calls=(
        Call("GET", "/api/v1/inspection-plans/{id}"),
        Call("GET", "/api/v1/inspection-plans/{id}/progress.xlsx"),
        Call("GET", "/inspections/plans/{id}/"),
    ),
    lists=(
        Listing("/api/v1/inspection-plans", count=api_count, baseline=6),
        Listing("/inspections/plans/", marker='href="/inspections/plans/{id}/"', baseline=10),
    ),
    elsewhere={"POST /api/v1/inspection-plans": "making a plan: zhiben/inspections/tests/test_plans.py"},
)


class TestPlanContract(RegisterContract):
    spec = PLAN_SPEC


# --- the pools --------------------------------------------------------------------------------------------------


def make_officer(world: World) -> Subject:
    n = LawOfficer.objects.count()
    made = f.law_officer(_unit(), f"执法员{n}", f"渝应急执5004{n:02d}")
    return Subject(made, {"id": made.pk, "certificate_no": made.certificate_no})


OFFICER_SPEC = Spec(
    name="law-officers",
    prefixes=("/api/v1/law-officers", "/inspections/officers/"),
    make=make_officer,
    inside=("officer", "sector_officer"),
    outside=ENTERPRISE_OUT,
    calls=(
        Call("GET", "/api/v1/law-officers/{id}"),
        Call("PATCH", "/api/v1/law-officers/{id}", body={"active": False}),
        Call("POST", "/inspections/officers/", body={"action": "change", "officer": "{id}", "active": "1"}),
    ),
    lists=(
        Listing("/api/v1/law-officers", count=api_count, baseline=5),
        Listing("/inspections/officers/", marker="{certificate_no}", baseline=9),
    ),
    elsewhere={"POST /api/v1/law-officers": "registering an officer: zhiben/inspections/tests/test_pools.py"},
)


class TestOfficerContract(RegisterContract):
    spec = OFFICER_SPEC


def make_own_item(world: World) -> Subject:
    n = OwnCheckItem.objects.count()
    made = OwnCheckItem.objects.create(department=_unit(), text=f"契约自定检查项{n}：应急物资台账", position=n + 1)
    return Subject(made, {"id": made.pk, "text": made.text})


OWN_ITEM_SPEC = Spec(
    name="own-check-items",
    prefixes=("/api/v1/own-check-items",),
    make=make_own_item,
    inside=("officer", "sector_officer"),
    outside=ENTERPRISE_OUT,
    calls=(
        Call("GET", "/api/v1/own-check-items/{id}"),
        Call("PATCH", "/api/v1/own-check-items/{id}", body={"active": False}),
        Call("POST", "/inspections/officers/", body={"action": "item_toggle", "item": "{id}", "active": "0"}),
    ),
    lists=(
        Listing("/api/v1/own-check-items", count=api_count, baseline=5),
        Listing("/inspections/officers/", marker="{text}"),
    ),
    elsewhere={"POST /api/v1/own-check-items": "adding a line: zhiben/inspections/tests/test_pools.py"},
)


class TestOwnItemContract(RegisterContract):
    spec = OWN_ITEM_SPEC


def make_expert(world: World) -> Subject:
    expert = Expert.objects.create(
        region_id=COUNTY,
        name=f"契约专家{Expert.objects.count()}",
        sectors=["hazardous_chemicals"],
        created_by=world.users["admin"],
    )
    relation = ExpertRelation.objects.create(expert=expert, enterprise=world.firm, kind="service")
    keys = {"id": expert.pk, "relation": relation.pk, "credit_code": world.firm.credit_code, "name": expert.name}
    return Subject(expert, keys)


RELATE = {"enterprise": "{credit_code}", "kind": "kin"}
EXPERT_SPEC = Spec(
    name="experts",
    prefixes=("/api/v1/experts", "/inspections/experts/"),
    make=make_expert,
    inside=("officer", "sector_officer"),
    outside=ENTERPRISE_OUT,
    calls=(
        Call("GET", "/api/v1/experts/{id}"),
        Call("PATCH", "/api/v1/experts/{id}", body={"title": "正高级工程师"}),
        Call("POST", "/api/v1/experts/{id}/relations", body=RELATE),
        Call("DELETE", "/api/v1/experts/{id}/relations/{relation}"),
        Call("POST", "/inspections/experts/", body={"action": "relate", "expert": "{id}", **RELATE}),
        Call("POST", "/inspections/experts/", body={"action": "unrelate", "expert": "{id}", "relation": "{relation}"}),
    ),
    lists=(
        Listing("/api/v1/experts", count=api_count, baseline=6),
        Listing("/inspections/experts/", marker="{name}", baseline=8),
    ),
    elsewhere={"POST /api/v1/experts": "registering an expert: zhiben/inspections/tests/test_pools.py"},
)


class TestExpertContract(RegisterContract):
    spec = EXPERT_SPEC
