"""The notification rules (kit.NotificationRule): each register's table is well formed, every rule reaches
the users in scope of its record and never one outside it, and the notices are written with the event —
in its transaction, with a few queries whatever the number of recipients."""

from __future__ import annotations

import datetime
import importlib
import string
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import covers, place_of, scoped
from zhiben.common import hooks, kit
from zhiben.common.errors import NotFound
from zhiben.common.inputs import parse
from zhiben.escalation.engine import sweep
from zhiben.hazards.inputs import HazardReviewDecision, HazardSubmission, HazardSupervision
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_review, hazard_submit, hazard_supervise
from zhiben.hazards.tests.conftest import evidence, new_hazard, planned
from zhiben.notifications.models import Notification
from zhiben.notifications.rules import deliver, on_events
from zhiben.tests_support import factories
from zhiben.tests_support.contract import COUNTY, Spec, World, build_world

REGISTERS = [spec.name for spec in kit.registers()]


def _rules(events: bool | None = None) -> list[Any]:
    """``(register name, index of the rule)`` for every rule (``events``: only those on events, or deadlines)."""
    return [
        pytest.param(spec.name, i, id=f"{spec.name}-{i}-{getattr(rule.event, 'source', rule.event)}")
        for spec in kit.registers()
        for i, rule in enumerate(spec.notification_rules)
        if events is None or isinstance(rule.event, str) == events
    ]


RULES, EVENT_RULES, DEADLINE_RULES = _rules(), _rules(events=True), _rules(events=False)
DAY = datetime.date(2025, 6, 1)
# What an item of a source needs besides its due day to be among the source's open items.
OPEN_ITEM = {"tip_reply": {"status": "verified"}, "hazard_plan": {"level": "major", "criterion_id": "SAWS121C-1"}}
# Sources whose due day is computed rather than a column: the fields that put it on ``day``.
COMPUTED_DUE = {
    "hazard": lambda day: {"deadline": day},  # the earlier of the deadline and the 督办期限 (none here)
    "hazard_plan": lambda day: {"discovered_on": day - datetime.timedelta(days=settings.ZHIBEN["PLAN_DAYS"])},
}


def due_on(source: kit.DeadlineSource, day: datetime.date) -> dict[str, Any]:
    """The update that makes an item of ``source`` due on ``day``."""
    if source.key in COMPUTED_DUE:
        return COMPUTED_DUE[source.key](day)
    return {source.columns[source.due_column]: day}


def contract_spec(name: str) -> Spec:
    """The register's contract spec (``zhiben/<app>/tests/test_register_contract.py``): it makes a record in
    scope of the world's county officer."""
    module = importlib.import_module(f"zhiben.{kit.get(name).app_label}.tests.test_register_contract")
    # an app with several registers names each one's spec (SPECS, by register name)
    spec: Spec = getattr(module, "SPECS", {}).get(name) or module.SPEC
    return spec


def world_for(spec: Spec) -> World:
    world = build_world()
    for name, make_user in spec.users.items():
        world.users[name] = make_user(world)
    return world


def can_see(name: str, user: User, record: Any) -> bool:
    try:
        kit.get(name).get_scoped(user, record.pk)
    except NotFound:
        return False
    return True


def fields_named(template: Any) -> set[str]:
    if callable(template):
        return set()
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    return {n.split(".")[0].split("[")[0] for n in names}


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- the table -----------------------------------------------------------------------------------------


def test_every_register_declares_its_rules_and_the_ones_with_deadlines_have_some() -> None:
    for spec in kit.registers():
        if spec.deadline_sources:
            assert spec.notification_rules, f"{spec.name}: deadlines that tell no one"
    assert any(isinstance(r.event, str) for spec in kit.registers() for r in spec.notification_rules)


@pytest.mark.parametrize(("name", "index"), RULES)
def test_every_rule_names_a_kind_of_its_catalogue_or_a_rung_of_its_sources(name: str, index: int) -> None:
    spec = kit.get(name)
    rule = spec.notification_rules[index]
    assert rule.roles and rule.roles <= set(Role.values), rule.roles
    if isinstance(rule.event, str):
        assert spec.events.get(rule.event) is not None, f"{name}: {rule.event!r} is not in its event catalogue"
        return
    sources = {s.key: s for s in spec.deadline_sources}
    assert rule.event.source in sources, f"{name}: {rule.event.source!r} is not one of its deadline sources"
    assert rule.event.steps and set(rule.event.steps) <= set(sources[rule.event.source].steps())
    # a deadline notice names only what the sweep gives it
    for template in (rule.title, rule.body, rule.link):
        assert fields_named(template) <= {"day", "label", "days", "counts", "lines"}


@pytest.mark.parametrize("name", REGISTERS)
def test_every_rung_of_every_deadline_tells_someone(name: str) -> None:
    spec = kit.get(name)
    for source in spec.deadline_sources:
        told = {s for r in spec.notification_rules if isinstance(r.event, kit.OnDeadline) for s in r.event.steps}
        told_here = {
            s
            for r in spec.notification_rules
            if isinstance(r.event, kit.OnDeadline) and r.event.source == source.key
            for s in r.event.steps
        }
        assert told_here == set(source.steps()), f"{source.key}: rungs nobody hears of {set(source.steps()) - told}"


# --- every rule reaches the users in scope, and only them ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index"), EVENT_RULES)
def test_an_event_rule_tells_exactly_the_users_with_its_roles_who_see_the_record(name: str, index: int) -> None:
    register = kit.get(name)
    rule = register.notification_rules[index]
    spec = contract_spec(name)
    world = world_for(spec)
    record = spec.make(world).obj
    Notification.objects.all().delete()
    payload: dict[str, Any] = {field: "测试" for t in (rule.title, rule.body, rule.link) for field in fields_named(t)}
    payload.update(rule.only)
    for given in ("subject", "actor"):
        payload.pop(given, None)
    assert isinstance(rule.event, str)
    with transaction.atomic():
        on_events(None, name, type(record), [(record, rule.event, payload)])
    told = set(Notification.objects.values_list("user__username", flat=True))
    users = world.users.values()
    inside = {u.username for u in users if u.role in rule.roles and can_see(name, u, record)}
    outside = {u.username for u in users if u.role in rule.roles and not can_see(name, u, record)}
    assert inside, f"{name}: no user of the world is in scope of the rule {rule.title!r}"
    assert outside, f"{name}: no user of the world is outside the rule's scope (the check would prove nothing)"
    assert told == inside, f"told {told}, in scope {inside}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index"), DEADLINE_RULES)
def test_a_deadline_rule_tells_exactly_the_users_with_its_roles_who_see_the_record(name: str, index: int) -> None:
    register = kit.get(name)
    rule = register.notification_rules[index]
    assert isinstance(rule.event, kit.OnDeadline)
    source = next(s for s in register.deadline_sources if s.key == rule.event.source)
    spec = contract_spec(name)
    world = world_for(spec)
    record = spec.make(world).obj
    # due today (临期提醒), or a day ago (the first rung of the ladder)
    late = {kit.DUE_SOON: 0, "reminder": 1}
    step = next(s for s in rule.event.steps if s in late)
    change = due_on(source, DAY - datetime.timedelta(days=late[step]))
    type(record)._default_manager.filter(pk=record.pk).update(**change, **OPEN_ITEM.get(source.key, {}))
    assert source.items().filter(pk=record.pk).exists(), f"{source.key}: the record is not an open item"
    Notification.objects.all().delete()
    sweep(today=DAY)
    counts = f"{kit.STEP_LABELS[step]} 1 条"
    title = rule.title.format(day=f"{DAY:%Y-%m-%d}", counts=counts) if isinstance(rule.title, str) else ""
    told = set(Notification.objects.filter(title=title).values_list("user__username", flat=True))
    users = world.users.values()
    inside = {u.username for u in users if u.role in rule.roles and can_see(name, u, record)}
    outside = {u.username for u in users if u.role in rule.roles and not can_see(name, u, record)}
    assert inside and outside
    assert told == inside, f"told {told}, in scope {inside}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", REGISTERS)
def test_covers_agrees_with_the_scoping_query(name: str) -> None:
    """The rule engine matches users to records in Python; it must say what ``scoped()`` says."""
    spec = contract_spec(name)
    world = world_for(spec)
    record = spec.make(world).obj
    model: Any = type(record)
    place = place_of(record)
    for user in world.users.values():
        sectors = {s.key for s in user.sectors.all()}
        expected = scoped(model.objects, user).filter(pk=record.pk).exists()
        assert covers(user, model.scope, place, sectors=sectors) == expected, user.username


# --- written with the event ----------------------------------------------------------------------------


@pytest.fixture
def submitted(officer, firm, firm_user) -> Hazard:
    """A major hazard the enterprise has put up for review."""
    hazard = planned(firm_user, new_hazard(firm_user, firm))
    picture = evidence(firm_user, hazard)
    return hazard_submit(
        hazard_id=hazard.pk,
        actor=firm_user,
        submission=parse(HazardSubmission, {"summary": "已更换", "attachments": [picture]}),
    )


def test_a_major_close_out_waits_for_the_regulators_in_scope(
    officer, tip_handler, chem_officer, outsider, firm_user, admin_user, submitted
) -> None:
    notes = Notification.objects.filter(kind="hazard.submitted")
    told = {n.user.username for n in notes}
    assert told == {officer.username, tip_handler.username, chem_officer.username}  # not the submitter
    note = notes.get(user=officer)
    assert note.title == f"重大隐患销号待审核：《{submitted.title}》"
    assert note.link == f"/hazards/{submitted.pk}/" and "申请" in note.body


def test_a_general_hazard_closed_by_its_enterprise_tells_no_one(officer, firm, firm_user) -> None:
    hazard = new_hazard(firm_user, firm, level="general", criterion="")
    hazard_submit(hazard_id=hazard.pk, actor=firm_user, submission=parse(HazardSubmission, {"summary": "已整改"}))
    assert not Notification.objects.exists()


def test_the_enterprise_hears_of_a_rejection_and_a_listing(submitted, officer, firm_user, outsider) -> None:
    factories.user("other-firm-user", role="enterprise", enterprise=factories.enterprise(region=COUNTY))
    hazard_review(
        hazard_id=submitted.pk,
        actor=officer,
        review=parse(HazardReviewDecision, {"decision": "reject", "comment": "照片不清楚"}),
    )
    note = Notification.objects.get(kind="hazard.rejected")
    assert note.user == firm_user and note.title == f"隐患销号申请被退回：《{submitted.title}》"
    assert "照片不清楚" in note.body
    hazard_supervise(hazard_id=submitted.pk, actor=officer, supervision=parse(HazardSupervision, {"level": "county"}))
    assert list(Notification.objects.filter(kind="hazard.listed").values_list("user", flat=True)) == [firm_user.pk]


def test_a_new_accident_goes_to_the_office_and_the_officers_in_scope(admin_user, officer, outsider, firm) -> None:
    from zhiben.accidents.tests.test_register_contract import make_accident

    colleague = factories.user("officer2", role="officer", region=COUNTY)
    world = World(firm=firm, other_firm=firm, users={"officer": colleague})
    accident = make_accident(world).obj
    told = set(Notification.objects.filter(kind="accident.created").values_list("user__username", flat=True))
    assert told == {admin_user.username, officer.username}  # not the one who recorded it, not the outsider
    note = Notification.objects.get(user=officer)
    assert note.title.startswith("生产安全事故报告：") and note.link == f"/accidents/{accident.pk}/"


def test_a_notice_rolls_back_with_its_event(officer, firm, firm_user) -> None:
    hazard = planned(firm_user, new_hazard(firm_user, firm))
    picture = evidence(firm_user, hazard)

    def fails_after_the_service() -> None:
        with transaction.atomic():
            hazard_submit(
                hazard_id=hazard.pk,
                actor=firm_user,
                submission=parse(HazardSubmission, {"summary": "已更换", "attachments": [picture]}),
            )
            assert Notification.objects.exists()
            raise RuntimeError("the request fails after the service")

    with pytest.raises(RuntimeError):
        fails_after_the_service()
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_notices_are_written_only_inside_the_change_transaction() -> None:
    officer = factories.user("officer-tx", role="officer", region=COUNTY)
    with pytest.raises(RuntimeError):
        hooks.events_written(actor=None, subject_type="hazard", model=Hazard, events=[(1, "submitted", {})])
    with pytest.raises(RuntimeError):
        deliver([Notification(user=officer, kind="x", title="x")])


def test_more_recipients_take_no_more_queries(officer, firm, firm_user) -> None:
    def submit() -> int:
        hazard = planned(firm_user, new_hazard(firm_user, firm))
        picture = evidence(firm_user, hazard)
        with CaptureQueriesContext(connection) as queries:
            hazard_submit(
                hazard_id=hazard.pk,
                actor=firm_user,
                submission=parse(HazardSubmission, {"summary": "已更换", "attachments": [picture]}),
            )
        return len(queries)

    one = submit()
    for i in range(15):
        factories.user(f"many{i}", role="officer", region=COUNTY)
    many = submit()
    assert Notification.objects.filter(kind="hazard.submitted").count() == 1 + 16
    assert many <= one


def test_event_notices_are_mailed_after_the_commit(officer, firm, firm_user, settings) -> None:
    settings.ZHIBEN_EMAIL_ENABLED = True
    officer.email = "county@example.gov.cn"
    officer.save()
    hazard = planned(firm_user, new_hazard(firm_user, firm))
    picture = evidence(firm_user, hazard)
    with TestCase.captureOnCommitCallbacks(execute=True):
        hazard_submit(
            hazard_id=hazard.pk,
            actor=firm_user,
            submission=parse(HazardSubmission, {"summary": "已更换", "attachments": [picture]}),
        )
    assert [m.to for m in mail.outbox] == [["county@example.gov.cn"]]
    assert mail.outbox[0].subject.startswith("重大隐患销号待审核")


def test_a_rule_on_records_given_by_key_loads_them_once(officer, firm) -> None:
    """A bulk service hands over keys when it keeps no instances; the engine loads those a rule needs."""
    hazards = [new_hazard(officer, firm) for _ in range(3)]
    factories.user("officer2", role="officer", region=COUNTY)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        on_events(officer, "hazard", Hazard, [(h.pk, "submitted", {"status": "pending_review"}) for h in hazards])
    assert Notification.objects.filter(kind="hazard.submitted").count() == 3
    assert len(queries) <= 4  # the hazards, the users, their sectors, the insert


# The sweep's digests as the deadline sources worded them before the rules (DeadlineSource's notice,
# notice_body, link, soon_notice, soon_link): the same words, for the same people.
DIGESTS = [
    pytest.param(
        "hazard",
        "hazard",
        "reminder",
        "逾期隐患升级：提醒 1 条",
        "以下隐患已超过整改期限，按规定升级督办，逾期未改的将继续升级：\n提醒 1 条",
        "/hazards/?overdue=1",
        id="hazard-late",
    ),
    pytest.param(
        "hazard",
        "hazard",
        kit.DUE_SOON,
        "隐患整改期限临近：临期提醒 1 条",
        "以下隐患整改期限将在 3 日内到期，请按期完成：\n临期提醒 1 条",
        "/hazards/?status=active&overdue=false",
        id="hazard-soon",
    ),
    pytest.param(
        "tip",
        "tip_verification",
        "reminder",
        "举报核查或答复超期：提醒 1 条",
        "以下举报已超过核查（60日，可延长一次30日）或答复（核查后10日）期限，请尽快办理：\n提醒 1 条",
        "/tips/?overdue=1",
        id="tip-late",
    ),
    pytest.param(
        "tip",
        "tip_reply",
        kit.DUE_SOON,
        "举报核查或答复期限临近：临期提醒 1 条",
        "以下举报答复期限将在 3 日内到期，请按期完成：\n临期提醒 1 条",
        "/tips/?overdue=false",
        id="tip-reply-soon",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key", "step", "title", "body", "link"), DIGESTS)
def test_the_sweeps_digests_read_as_before(name, key, step, title, body, link, settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "REMIND_BEFORE_DAYS": 3}
    source = next(s for s in kit.get(name).deadline_sources if s.key == key)
    spec = contract_spec(name)
    world = world_for(spec)
    record = spec.make(world).obj
    late = 1 if step == "reminder" else 0
    change = due_on(source, DAY - datetime.timedelta(days=late))
    type(record)._default_manager.filter(pk=record.pk).update(**change, **OPEN_ITEM.get(key, {}))
    Notification.objects.all().delete()
    sweep(today=DAY)
    note = Notification.objects.get(user=world.officer)
    assert (note.kind, note.title, note.body, note.link) == ("escalation", f"{DAY:%Y-%m-%d} {title}", body, link)
