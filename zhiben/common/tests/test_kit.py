"""The register kit: every register is declared, and every event kind its services write has a label."""

from __future__ import annotations

import inspect
import re

import pytest

from zhiben.common import kit


def test_every_register_is_declared_with_its_path() -> None:
    names = {spec.name: spec.path for spec in kit.registers()}
    assert names == {
        "enterprise": "enterprises",
        "hazard": "hazards",
        "tip": "tips",
        "accident": "accidents",
        "filing": "filings",
        "department": "departments",
        "duty_list": "duty-lists",
        "pressure": "pressures",
        "plan": "plans",
        "task": "tasks",
        "draw": "draws",
        "inspection": "inspections",
        "order": "orders",
        "enforcement": "enforcement",
        "penalty": "penalties",
        "inspection_plan": "inspection-plans",
        "law_officer": "law-officers",
        "expert": "experts",
        "post": "posts",
        "check_task": "check-tasks",
        "check_record": "check-records",
        "risk_unit": "risk-units",
        "risk_profile": "risk-profiles",
        "risk_exchange": "dual-prevention",
    }
    assert kit.by_path("hazards") is kit.get("hazard")


@pytest.mark.parametrize("name", ["hazard", "tip", "accident", "enterprise"])
def test_every_event_kind_a_service_writes_has_a_chinese_label(name: str) -> None:
    spec = kit.get(name)
    module = __import__(f"zhiben.{spec.app_label}.services", fromlist=["services"])
    source = inspect.getsource(module)
    # the kind argument of each ``_log(actor, subject, <kind>, …)`` (a literal or a conditional of literals)
    kinds = re.findall(r"_log\(\s*\w+,\s*\w+,\s*([^,{]+),", source)
    written = {word for arg in kinds for word in re.findall(r'(?<!== )"(\w+)"', arg)}
    written |= set(re.findall(r'kind="(\w+)"', source))
    assert written, f"no event kinds found in {spec.app_label}.services"
    missing = {kind for kind in written if spec.events.get(kind) is None}
    assert not missing, f"{name}: kinds without a label {missing}"


def test_an_unknown_kind_is_named_not_shown_raw() -> None:
    assert kit.event_view("tip", "no_such_kind", {}) == ("其他记录", "")
    assert kit.event_view("nobody", "created", {}) == ("其他记录", "")


@pytest.mark.django_db
def test_a_tip_timeline_reads_in_chinese() -> None:
    label, text = kit.event_view("tip", "received", {"category": "major_hazard", "region": "500241", "files": 2})
    assert label == "收到举报" and "重大事故隐患" in text and "照片 2 张" in text
    assert "500241" not in text  # the region by its name
    assert kit.event_view("tip", "reporter_read", {"real_name": True}) == ("查看举报人身份", "实名举报")


def test_documents_issued_read_the_same_on_every_register() -> None:
    for name in ("hazard", "tip"):
        assert kit.event_view(name, "document_issued", {"label": "答复书", "number": "X〔2026〕1号"}) == (
            "出具文书",
            "《答复书》X〔2026〕1号",
        )


@pytest.mark.parametrize("name", ["hazard", "tip"])
def test_a_lifecycle_takes_exactly_its_arrows(name: str) -> None:
    """Every (action, state, role): ``take`` answers the declared arrow, or refuses with 403 (role) / 409
    (state or guard) — never anything else; ``allows`` agrees with it."""
    from types import SimpleNamespace

    from hypothesis import given
    from hypothesis import strategies as st

    from zhiben.common.errors import Conflict, PermissionDenied
    from zhiben.common.roles import Role

    lifecycle = kit.get(name).lifecycle
    assert lifecycle is not None
    actions = sorted({t.action for t in lifecycle.transitions})
    states = sorted({t.source for t in lifecycle.transitions} | {t.target for t in lifecycle.transitions})

    @given(st.sampled_from(actions), st.sampled_from(states), st.sampled_from(list(Role.values)))
    def check(action: str, state: str, role: str) -> None:
        subject = SimpleNamespace(status=state, level="general", extended=False)
        actor = SimpleNamespace(role=role, pk=1)
        arrow = lifecycle.find(action, state)
        try:
            taken = lifecycle.take(action, subject, actor)
        except PermissionDenied:
            assert role not in lifecycle.roles_for(action) or (arrow and role not in arrow.roles)
            assert not lifecycle.allows(action, subject, actor)
            return
        except Conflict:
            assert arrow is None or arrow.guard is not None
            assert not lifecycle.allows(action, subject, actor)
            return
        assert taken is arrow and role in taken.roles
        assert lifecycle.table()[(action, state)] == taken.target
        assert lifecycle.allows(action, subject, actor)

    check()


@pytest.mark.django_db
def test_the_home_page_shows_each_registers_tiles_within_the_scope() -> None:
    from django.test import Client

    from zhiben.tests_support import factories

    officer = factories.user("tiles1", role="officer", region="500241")
    factories.enterprise(region="500241", sector="hazardous_chemicals")
    factories.enterprise(region="110105", sector="hazardous_chemicals")  # another county: not counted
    groups = kit.tile_groups(officer)
    assert [g["heading"] for g in groups] == ["隐患", "企业"]
    firms = {t["label"]: t for t in groups[1]["tiles"]}
    assert firms["企业"]["value"] == 1 and firms["企业"]["url"] == "/enterprises/"
    assert firms["高危未投保安责险"]["url"] == "/enterprises/?high_risk=1&insured=0"
    client = Client()
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "未销号重大隐患" in page and 'href="/hazards/?overdue=1"' in page
