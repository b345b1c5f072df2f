"""The to-do list (待办: GET /api/v1/todo and the /todo/ page) and the notifications API: each user sees what
waits on them within their scope, never an item of another region, enterprise or sector; the sources are
the registers' declarations (kit.TodoSource)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from zhiben.accounts.models import User
from zhiben.common import dates, kit
from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardReviewDecision, HazardSubmission, HazardSupervision
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_review, hazard_submit, hazard_supervise
from zhiben.hazards.tests.conftest import evidence, new_hazard, planned
from zhiben.notifications.models import Notification
from zhiben.notifications.todo import todo_for
from zhiben.tests_support import factories, files
from zhiben.tests_support.contract import COUNTY, OTHER_COUNTY, World, build_world
from zhiben.tips.inputs import TipReport
from zhiben.tips.services import tip_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(tmp_path: Any, settings: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def submitted(world: World) -> Hazard:
    """A major hazard of the county's firm, planned and submitted for close-out by its own user."""
    firm_user = world.users["enterprise"]
    hazard = planned(firm_user, new_hazard(firm_user, world.firm, title="储罐区报警器失效"))
    picture = evidence(firm_user, hazard)
    return hazard_submit(
        hazard_id=hazard.pk,
        actor=firm_user,
        submission=parse(HazardSubmission, {"summary": "已更换", "attachments": [picture]}),
    )


def tip_in(region: str, credit_code: str = "") -> Any:
    data = {
        "region": region,
        "category": "violation",
        "description": "夜间违规装卸危险化学品",
        "credit_code": credit_code,
    }
    tip, _ = tip_submit(report=TipReport.model_validate(data), files=[(io.BytesIO(files.png()), "a.png", None)])
    return tip


@pytest.fixture
def world() -> World:
    world = build_world()
    world.users["outside_handler"] = factories.user("c-out-handler", role="tip_handler", region=OTHER_COUNTY)
    return world


def api(user: User, path: str = "/api/v1/todo") -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def kinds(body: Any) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for item in body["items"]:
        out.setdefault(item["kind"], set()).add(item["id"])
    return out


def test_every_source_is_declared_once_with_roles_and_a_page() -> None:
    seen = set()
    for spec in kit.registers():
        for source in spec.todo:
            assert source.kind not in seen, source.kind
            seen.add(source.kind)
            assert source.roles and source.label and source.url.startswith("/")
    assert {"hazard_review", "hazard_plan", "hazard_listed", "tip_verify", "tip_reply"} <= seen


def test_a_submission_waits_for_the_reviewers_in_scope_not_the_submitter_nor_outsiders(
    world: World, settings: Any
) -> None:
    hazard = submitted(world)
    body = api(world.officer)
    assert hazard.pk in kinds(body).get("hazard_review", set())
    item = next(i for i in body["items"] if i["kind"] == "hazard_review")
    assert item == {
        "kind": "hazard_review",
        "subject": "hazard",
        "id": hazard.pk,
        "title": f"{world.firm.name}：储罐区报警器失效",
        # the regulator's review clock: submitted today, an unlisted major hazard, REVIEW_DAYS later
        "due": str(dates.today() + datetime.timedelta(days=settings.ZHIBEN["REVIEW_DAYS"])),
        "url": f"/hazards/{hazard.pk}/",
        "label": "待审核销号",
    }
    assert body["count"] == len(body["items"])
    # the tip handler of the county reviews too; the submitter and everyone outside do not
    assert hazard.pk in kinds(api(world.users["handler"])).get("hazard_review", set())
    for name in ("enterprise", "outsider", "other_enterprise", "sector_officer", "township_officer"):
        assert hazard.pk not in kinds(api(world.users[name])).get("hazard_review", set()), name


def test_an_officer_who_applied_for_close_out_does_not_review_it(world: World) -> None:
    officer = world.officer
    hazard = planned(officer, new_hazard(officer, world.firm, source="inspection"))
    picture = evidence(officer, hazard)
    hazard_submit(
        hazard_id=hazard.pk,
        actor=officer,
        submission=parse(HazardSubmission, {"summary": "已改", "attachments": [picture]}),
    )
    assert hazard.pk not in kinds(api(officer)).get("hazard_review", set())
    assert hazard.pk in kinds(api(world.users["handler"])).get("hazard_review", set())


def test_hazards_without_a_plan_wait_on_the_enterprise_and_late_major_ones_on_its_officers(
    world: World, settings: Any
) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "PLAN_DAYS": 7}
    today = dates.today()
    old = new_hazard(
        world.officer, world.firm, source="inspection", discovered_on=str(today - datetime.timedelta(days=8))
    )
    fresh = new_hazard(
        world.officer, world.firm, source="inspection", discovered_on=str(today - datetime.timedelta(days=7))
    )
    mine = kinds(api(world.users["enterprise"]))
    assert {old.pk, fresh.pk} <= mine["hazard_plan"]
    officers = kinds(api(world.officer))
    # late once its due day (发现 + 7 days) has passed, as the flag without_plan and the ladder count it
    assert officers["hazard_no_plan"] == {old.pk}
    item = next(i for i in api(world.officer)["items"] if i["kind"] == "hazard_no_plan")
    assert item["due"] == str(today - datetime.timedelta(days=1))
    for name in ("outsider", "other_enterprise", "sector_officer", "township_officer"):
        found = kinds(api(world.users[name]))
        assert not found.get("hazard_plan", set()) & {old.pk, fresh.pk}, name
        assert old.pk not in found.get("hazard_no_plan", set()), name


def test_a_listing_is_on_the_list_of_the_enterprise_and_its_officers_only(world: World) -> None:
    hazard = planned(world.officer, new_hazard(world.officer, world.firm, source="inspection"))
    hazard_supervise(
        hazard_id=hazard.pk,
        actor=world.users["admin"],
        supervision=parse(HazardSupervision, {"level": "county", "notice_no": "秀安督〔2025〕1号"}),
    )
    for name in ("enterprise", "officer", "handler"):
        assert hazard.pk in kinds(api(world.users[name])).get("hazard_listed", set()), name
    for name in ("outsider", "other_enterprise", "sector_officer", "township_officer"):
        assert hazard.pk not in kinds(api(world.users[name])).get("hazard_listed", set()), name


def test_tips_wait_on_the_tip_handlers_of_their_region_with_their_deadlines(world: World) -> None:
    here, there = tip_in(COUNTY), tip_in(OTHER_COUNTY)
    body = api(world.users["handler"])
    assert kinds(body)["tip_verify"] == {here.pk}
    item = next(i for i in body["items"] if i["kind"] == "tip_verify")
    assert item["due"] == str(here.verification_due) and item["url"] == f"/tips/{here.pk}/"
    assert kinds(api(world.users["outside_handler"]))["tip_verify"] == {there.pk}
    # enterprises never see tips; officers read them but the handlers work them
    for name in ("enterprise", "other_enterprise", "officer"):
        assert "tip_verify" not in kinds(api(world.users[name])), name


def test_the_list_is_ordered_by_due_day_and_paged(world: World) -> None:
    for days in (30, 10, 20):
        new_hazard(
            world.users["enterprise"],
            world.firm,
            discovered_on=str(dates.today() - datetime.timedelta(days=40)),
            deadline=str(dates.today() + datetime.timedelta(days=days)),
        )
    user = world.users["enterprise"]
    full = todo_for(user, limit=10)
    dues = [i["due"] for i in full.items if i["due"] is not None]
    assert dues == sorted(dues) and len([i for i in full.items if i["subject"] == "hazard"]) == 3
    page = api(user, "/api/v1/todo?limit=1&offset=1")
    assert page["count"] == full.count and len(page["items"]) == 1
    assert page["items"][0]["id"] == full.items[1]["id"]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=x"])
def test_bad_paging_answers_422_naming_the_parameter(world: World, query: str) -> None:
    client = Client()
    client.force_login(world.officer)
    response = client.get(f"/api/v1/todo?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json()["errors"]


def test_anonymous_callers_get_401() -> None:
    assert Client().get("/api/v1/todo").status_code == 401
    assert Client().get("/api/v1/notifications").status_code == 401


# --- the page ---------------------------------------------------------------------------------------


def test_the_todo_page_lists_what_waits_and_nothing_of_another_region(world: World) -> None:
    hazard = submitted(world)
    here, there = tip_in(COUNTY), tip_in(OTHER_COUNTY)
    client = Client()
    client.force_login(world.users["handler"])
    page = client.get("/todo/").content.decode()
    assert f'href="/hazards/{hazard.pk}/"' in page and f'href="/tips/{here.pk}/"' in page
    assert f'href="/tips/{there.pk}/"' not in page
    client.force_login(world.users["outside_handler"])
    page = client.get("/todo/").content.decode()
    assert f'href="/hazards/{hazard.pk}/"' not in page and f'href="/tips/{here.pk}/"' not in page
    assert f'href="/tips/{there.pk}/"' in page


def test_the_todo_page_says_when_nothing_waits(world: World) -> None:
    client = Client()
    client.force_login(world.users["outsider"])
    assert "暂无待办事项" in client.get("/todo/").content.decode()


@pytest.mark.parametrize(
    ("name", "home"), [("officer", "/todo/"), ("handler", "/todo/"), ("enterprise", "/todo/"), ("admin", "/")]
)
def test_signing_in_lands_on_the_todo_page_except_for_admins(world: World, name: str, home: str) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": world.users[name].username, "password": "pw-for-tests-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == home


def test_the_unread_count_is_in_the_header_outside_the_folded_menu(world: World) -> None:
    submitted(world)
    client = Client()
    client.force_login(world.officer)
    page = client.get("/todo/").content.decode()
    header = page.split('<nav class="nav">')[0]
    assert 'id="unread-count">1<' in header


# --- notifications ------------------------------------------------------------------------------------


def test_the_enterprise_hears_of_the_approval_and_officers_of_a_listing(world: World) -> None:
    hazard = submitted(world)
    hazard_review(
        hazard_id=hazard.pk,
        actor=world.officer,
        review=parse(HazardReviewDecision, {"decision": "approve", "comment": "符合要求"}),
    )
    note = Notification.objects.get(user=world.users["enterprise"], kind="hazard.approved")
    assert "符合要求" in note.body and note.link == f"/hazards/{hazard.pk}/"
    other = planned(world.officer, new_hazard(world.officer, world.firm, source="inspection"))
    hazard_supervise(
        hazard_id=other.pk,
        actor=world.users["admin"],
        supervision=parse(HazardSupervision, {"level": "county", "notice_no": "秀安督〔2025〕2号"}),
    )
    told = set(Notification.objects.filter(kind="hazard.listed").values_list("user__username", flat=True))
    assert {"c-firm", "c-officer", "c-handler"} <= told
    assert not told & {"c-outsider", "c-other-firm", "c-sector", "c-town", "c-admin"}


def test_a_new_tip_tells_its_handlers_dated_to_the_day(world: World) -> None:
    tip = tip_in(COUNTY)
    note = Notification.objects.get(kind="tip.received")
    assert note.user == world.users["handler"] and note.link == f"/tips/{tip.pk}/"
    local = timezone.localtime(note.created_at)
    assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert not Notification.objects.filter(user=world.users["outside_handler"]).exists()


def test_notifications_api_lists_ones_own_and_marks_them_read(world: World) -> None:
    submitted(world)
    mine = Notification.objects.get(user=world.officer)
    theirs = Notification.objects.get(user=world.users["handler"])
    client = Client()
    client.force_login(world.officer)
    body = client.get("/api/v1/notifications?unread=true").json()
    assert [n["id"] for n in body["items"]] == [mine.pk] and body["items"][0]["unread"] is True
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    assert client.post(f"/api/v1/notifications/{2**63}/read").status_code == 404
    response = client.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["unread"] is False
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert client.get("/api/v1/notifications?unread=false").json()["count"] == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(world: World) -> None:
    hazard = submitted(world)
    mine = Notification.objects.get(user=world.officer)
    client = Client()
    client.force_login(world.users["handler"])
    assert client.get(f"/notifications/{mine.pk}/").status_code == 404
    client.force_login(world.officer)
    response = client.get(f"/notifications/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/hazards/{hazard.pk}/"
    mine.refresh_from_db()
    assert mine.read_at is not None


# --- channels -------------------------------------------------------------------------------------------

SENT: list[Any] = []


class Collect:
    """A messenger a deployment could plug in (ZHIBEN_MESSENGER): keeps what it is given."""

    def send(self, messages: Any) -> None:
        SENT.extend(messages)


def test_notices_go_to_the_plugged_in_messenger_after_the_commit(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ZHIBEN_MESSENGER = f"{__name__}.Collect"
    SENT.clear()
    world.officer.phone = "13800138000"
    world.officer.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted(world)
    assert not SENT  # nothing leaves inside the request's transaction
    for callback in callbacks:
        callback()
    sent = {m.username: m for m in SENT}
    assert set(sent) == {"c-officer", "c-handler"}
    assert sent["c-officer"].phone == "13800138000" and sent["c-officer"].title.startswith("重大隐患销号待审核")


def test_the_default_messenger_only_logs_and_an_empty_setting_turns_it_off(
    world: World, settings: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    caplog.set_level("INFO", logger="zhiben.notifications.channels")
    with django_capture_on_commit_callbacks(execute=True):
        submitted(world)
    lines = [r.getMessage() for r in caplog.records if r.name == "zhiben.notifications.channels"]
    assert any("c-officer" in line and "重大隐患销号待审核" in line for line in lines)
    settings.ZHIBEN_MESSENGER = ""
    caplog.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tip_in(COUNTY)
    assert not [r for r in caplog.records if r.name == "zhiben.notifications.channels"]


def test_a_dated_notice_is_not_sent_on(world: World, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.ZHIBEN_MESSENGER = f"{__name__}.Collect"
    settings.ZHIBEN_EMAIL_ENABLED = True
    world.users["handler"].email = "handler@example.cn"
    world.users["handler"].save()
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tip_in(COUNTY)
    assert Notification.objects.filter(kind="tip.received").exists()
    assert not SENT


def test_the_lists_queries_do_not_grow_with_its_items(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(user: User) -> int:
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as api_calls:
            assert client.get("/api/v1/todo").status_code == 200
        with CaptureQueriesContext(connection) as page_calls:
            assert client.get("/todo/").status_code == 200
        return len(api_calls) + len(page_calls)

    submitted(world)
    tip_in(COUNTY)
    few = queries(world.users["handler"]), queries(world.users["enterprise"])
    for _ in range(4):
        submitted(world)
        tip_in(COUNTY)
    assert (queries(world.users["handler"]), queries(world.users["enterprise"])) == few


# --- linking a tip to an enterprise at verification ------------------------------------------------------


def verify(user: User, tip: Any, body: dict[str, Any]) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(f"/api/v1/tips/{tip.pk}/verify", body, content_type="application/json")


def test_a_handler_names_the_reported_unit_when_the_tip_matched_none(world: World) -> None:
    tip = tip_in(COUNTY)
    assert tip.enterprise_id is None
    body = {"outcome": "confirmed", "enterprise": world.firm.credit_code.lower(), "fine": "20000"}
    response = verify(world.users["handler"], tip, body)
    assert response.status_code == 200, response.content
    tip.refresh_from_db()
    assert tip.enterprise_id == world.firm.pk and tip.credit_code == world.firm.credit_code
    assert tip.enterprise_name == world.firm.name
    from zhiben.audit.models import Event

    event = Event.objects.get(subject_type="tip", subject_id=str(tip.pk), kind="verified")
    assert event.payload["enterprise"] == world.firm.credit_code


@pytest.mark.parametrize("which", ["other_firm", "unknown", "bad"])
def test_the_named_unit_must_be_an_enterprise_in_scope(world: World, which: str) -> None:
    tip = tip_in(COUNTY)
    code = {"other_firm": world.other_firm.credit_code, "unknown": factories.credit_code("500241"), "bad": "91500241X"}[
        which
    ]
    response = verify(world.users["handler"], tip, {"outcome": "confirmed", "enterprise": code, "fine": "0"})
    assert response.status_code == 422 and "enterprise" in response.json()["errors"]
    tip.refresh_from_db()
    assert tip.enterprise_id is None and tip.status == "accepted"


def test_the_verification_form_offers_the_picker_for_an_unmatched_tip(world: World) -> None:
    tip = tip_in(COUNTY)
    client = Client()
    client.force_login(world.users["handler"])
    page = client.get(f"/tips/{tip.pk}/").content.decode()
    assert 'name="enterprise" id="id_enterprise"' in page and "data-enterprise-picker" in page
    response = client.post(
        f"/tips/{tip.pk}/verify/", {"outcome": "confirmed", "enterprise": world.firm.credit_code, "fine": "0"}
    )
    assert response.status_code in (200, 302)
    tip.refresh_from_db()
    assert tip.enterprise_id == world.firm.pk


def test_an_admin_may_take_every_verdict_so_it_waits_on_admins_too(world: World) -> None:
    """Admins may review, decide and verify anywhere (their scope is everything): their list is not empty
    while something waits on a regulator."""
    here, there = tip_in(COUNTY), tip_in(OTHER_COUNTY)
    found = kinds(api(world.users["admin"]))
    assert {here.pk, there.pk} <= found["tip_verify"]


def test_a_plan_to_make_says_by_when_deadline_or_not(world: World, settings: Any) -> None:
    """待制定整改方案 (the enterprise's hazards without a plan): due ``PLAN_DAYS`` after discovery when no
    deadline is set, and by the deadline when one was set earlier — on the API and on the page."""
    settings.ZHIBEN = {**settings.ZHIBEN, "PLAN_DAYS": 15}
    firm_user = world.users["enterprise"]
    bare = new_hazard(firm_user, world.firm, title="无期限的重大隐患", discovered_on="2025-03-01")
    general = new_hazard(
        firm_user, world.firm, title="无期限的一般隐患", level="general", criterion="", discovered_on="2025-03-10"
    )
    early = new_hazard(firm_user, world.firm, title="期限较早的隐患", discovered_on="2025-03-01", deadline="2025-03-05")
    late = new_hazard(firm_user, world.firm, title="期限较晚的隐患", discovered_on="2025-03-01", deadline="2025-06-30")
    assert bare.deadline is None and general.deadline is None
    due = {item["id"]: item["due"] for item in api(firm_user)["items"] if item["kind"] == "hazard_plan"}
    assert due[bare.pk] == "2025-03-16"
    assert due[general.pk] == "2025-03-25"
    assert due[early.pk] == "2025-03-05"
    assert due[late.pk] == "2025-03-16"
    client = Client()
    client.force_login(firm_user)
    page = client.get("/todo/").content.decode()
    assert "2025-03-16" in page and "2025-03-25" in page
