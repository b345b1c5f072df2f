"""Public tips: anonymous receipts, identity sealed and read only by tip handlers (with an event), rate
limits and lockout, photos stripped of EXIF, verification deadlines and the national reward rule."""

from __future__ import annotations

import datetime
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.models import Hazard
from zhiben.tests_support import files
from zhiben.tests_support.factories import chemicals_criterion
from zhiben.tips import rules
from zhiben.tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db

NAME, PHONE, ID_NUMBER = "王小明", "13800138000", "11010519491231002X"
SECRET_TEXT = "清溪化工厂夜间偷偷在2号罐区动火作业，没有审批"


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "1000/h", "TIP_RECEIPT_RATE_LIMIT": "1000/h"}


def submit(client: Client | None = None, **overrides: Any) -> Any:
    body = {
        "region": "500241",
        "category": "major_hazard",
        "description": SECRET_TEXT,
        "enterprise_name": "秀山县清溪化工有限公司",
        "reporter": {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER},
        **overrides,
    }
    return (client or Client()).post("/api/v1/tips", json.dumps(body), content_type="application/json")


def test_a_member_of_the_public_reports_and_follows_up_by_receipt(firm) -> None:
    r = submit(credit_code=firm.credit_code)
    assert r.status_code == 201, r.content
    receipt = r.json()["receipt"]
    assert len(receipt.replace("-", "")) >= 16 and r.json()["status"] == "accepted"
    tip = Tip.objects.get()
    assert tip.enterprise == firm and tip.real_name is True
    assert tip.verification_due == tip.accepted_on + datetime.timedelta(days=60)  # FACTS §3
    seen = Client().get(f"/api/v1/tips/by-receipt/{receipt.lower()}")
    assert seen.status_code == 200 and seen.json()["status"] == "accepted"
    added = Client().post(
        f"/api/v1/tips/by-receipt/{receipt}/messages",
        json.dumps({"body": "补充：今晚还在干"}),
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["messages"][0]["body"] == "补充：今晚还在干"
    # nothing in the event log names the tipster or repeats the text
    for event in Event.objects.filter(subject_type="tip"):
        dumped = json.dumps(event.payload, ensure_ascii=False)
        assert NAME not in dumped and SECRET_TEXT not in dumped


def test_a_wrong_receipt_is_a_strike_and_guessing_locks_out(settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RECEIPT_FAILURES": "3/h"}
    receipt = submit().json()["receipt"]
    client = Client()
    wrong = client.get("/api/v1/tips/by-receipt/ABCD-EFGH-JKMN-PQRS-TVWX")
    assert wrong.status_code == 404
    for malformed in ("x", "ABCD-EFGH-JKMN-PQRS-TVW", "ABCD-EFGH-JKMN-PQRS-TVW0", "ABCD-EFGH-JKMN-PQRS-TVWXY"):
        refused = client.get(f"/api/v1/tips/by-receipt/{malformed}")  # cannot be a receipt: no strike
        assert refused.status_code == 422 and "receipt" in refused.json()["errors"], malformed
    assert client.get(f"/api/v1/tips/by-receipt/{receipt}").status_code == 200  # one strike of three so far
    client.get("/api/v1/tips/by-receipt/ABCD-EFGH-JKMN-PQRS-TVW2")
    client.get("/api/v1/tips/by-receipt/ABCD-EFGH-JKMN-PQRS-TVW3")
    client.get("/api/v1/tips/by-receipt/ABCD-EFGH-JKMN-PQRS-TVW4")
    assert client.get(f"/api/v1/tips/by-receipt/{receipt}").status_code == 429  # locked, even for the right code


def test_submissions_are_rate_limited_per_client(settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "2/h"}
    client = Client()
    assert [submit(client).status_code for _ in range(3)] == [201, 201, 429]


def _retry_time(message: str) -> datetime.datetime:
    """The 「请于 HH:MM 后再试」 of a rate-limited answer, as today's Beijing time."""
    import re

    from django.utils import timezone

    found = re.search(r"请于 (\d\d):(\d\d) 后再试（约 (\d+) 分钟后，北京时间）", message)
    assert found, message
    now = timezone.localtime()
    at = now.replace(hour=int(found[1]), minute=int(found[2]), second=0, microsecond=0)
    return at if at >= now - datetime.timedelta(minutes=1) else at + datetime.timedelta(days=1)


def test_refused_reports_do_not_count_and_the_limit_says_when_to_retry(settings) -> None:
    """Bad input (API and page, report and addition) costs nothing of the quota; a client over it is told
    the Beijing time it may try again, within the window."""
    from django.utils import timezone

    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RATE_LIMIT": "2/h"}
    client = Client()
    assert [submit(client, description="").status_code for _ in range(4)] == [422] * 4
    page = {"place": "500241", "category": "major_hazard", "description": ""}
    assert [client.post("/tips/report/", page).status_code for _ in range(3)] == [422] * 3
    receipt = submit(client).json()["receipt"]
    for _ in range(3):  # an empty addition, by the page and by the API
        assert client.post("/tips/check/", {"receipt": receipt, "action": "add", "body": ""}).status_code == 422
        empty = client.post(
            f"/api/v1/tips/by-receipt/{receipt}/messages", json.dumps({"body": ""}), content_type="application/json"
        )
        assert empty.status_code == 422
    assert submit(client).status_code == 201  # the second accepted one: still within 2/h
    refused = submit(client)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600  # the API says it too
    when = _retry_time(refused.json()["detail"])
    assert timezone.localtime() <= when <= timezone.localtime() + datetime.timedelta(hours=1, minutes=1)
    on_page = client.post("/tips/report/", {**page, "description": SECRET_TEXT})
    assert on_page.status_code == 429 and int(on_page["Retry-After"]) <= 3600
    assert _retry_time(on_page.content.decode()) == when
    added = client.post("/tips/check/", {"receipt": receipt, "action": "add", "body": "补充"})
    assert _retry_time(added.content.decode()) == when


def test_a_locked_out_lookup_says_when_to_retry(settings) -> None:
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_RECEIPT_RATE_LIMIT": "2/h"}
    client = Client()
    for _ in range(2):
        client.post("/tips/check/", {"receipt": "ABCD-EFGH-JKMN-PQRS-TVW2"})
    page = client.post("/tips/check/", {"receipt": "ABCD-EFGH-JKMN-PQRS-TVW2"})
    assert page.status_code == 429 and "查询过于频繁" in page.content.decode()
    _retry_time(page.content.decode())
    api = client.get("/api/v1/tips/by-receipt/ABCD-EFGH-JKMN-PQRS-TVW2")
    assert api.status_code == 429 and int(api["Retry-After"]) > 0
    _retry_time(api.json()["detail"])


def test_identity_is_sealed_and_only_tip_handlers_read_it(
    officer, tip_handler, outsider, firm_user, admin_user
) -> None:
    submit()
    tip = Tip.objects.get()
    responses = []
    for user in (officer, tip_handler, admin_user):
        client = Client()
        client.force_login(user)
        responses += [client.get("/api/v1/tips"), client.get(f"/api/v1/tips/{tip.pk}"), client.get("/tips/")]
        responses.append(client.get(f"/tips/{tip.pk}/"))
    for r in responses:
        assert r.status_code == 200
        text = r.content.decode()
        assert NAME not in text and PHONE not in text and ID_NUMBER not in text
    for user in (officer, admin_user, outsider, firm_user):
        client = Client()
        client.force_login(user)
        assert client.get(f"/api/v1/tips/{tip.pk}/reporter").status_code == 404
    for user in (outsider, firm_user):
        client = Client()
        client.force_login(user)
        assert client.get(f"/api/v1/tips/{tip.pk}").status_code == 404
        assert client.get("/api/v1/tips").json()["count"] == 0
    handler = Client()
    handler.force_login(tip_handler)
    who = handler.get(f"/api/v1/tips/{tip.pk}/reporter").json()
    assert who == {"name": NAME, "phone": "13800138000", "id_number": ID_NUMBER}
    read = Event.objects.get(subject_type="tip", kind="reporter_read")
    assert read.actor_id == tip_handler.pk and read.at is not None


@pytest.mark.django_db(transaction=True)
def test_the_database_never_holds_identity_or_text_in_plain() -> None:
    submit()
    needles = [NAME, PHONE, ID_NUMBER, SECRET_TEXT]
    with connection.cursor() as cursor:
        for model in django_settings_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                blob = " ".join(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v) for v in row
                )
                for needle in needles:
                    assert needle not in blob, (model, needle)
                    assert needle.encode().decode("latin-1") not in blob, (model, needle)
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        for needle in needles:
            assert needle.encode() not in raw


def django_settings_models() -> list[Any]:
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.managed]


def test_photos_lose_their_exif_and_gps_before_storage(tmp_path) -> None:
    receipt = submit().json()["receipt"]
    photo = files.jpeg((800, 600), exif_gps=True)
    assert Image.open(io.BytesIO(photo)).getexif()  # the phone's photo carries a maker and a GPS block
    r = Client().post(
        f"/api/v1/tips/by-receipt/{receipt}/attachments", {"file": SimpleUploadedFile("IMG_2024.jpg", photo)}
    )
    assert r.status_code == 201, r.content
    stored = TipAttachment.objects.get()
    with stored.file.open("rb") as f:
        data = f.read()
    assert not Image.open(io.BytesIO(data)).getexif() and b"PhoneMaker" not in data
    assert "IMG_2024" not in stored.file.name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"region": "999999"}, "region"),
        ({"description": "太短"}, "description"),
        ({"reporter": {"phone": "12345"}}, "reporter.phone"),
        ({"reporter": {"id_number": "110105194912310021"}}, "reporter.id_number"),
        ({"credit_code": "91500241MA5U0DEM3X"}, "credit_code"),
    ],
)
def test_bad_input_is_named(overrides, field) -> None:
    r = submit(**overrides)
    assert r.status_code == 422 and field in r.json()["errors"], r.content
    assert Tip.objects.count() == 0


def handler_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_verification_creates_the_hazard_and_decides_the_reward(tip_handler, firm) -> None:
    submit(credit_code=firm.credit_code)
    tip = Tip.objects.get()
    client = handler_client(tip_handler)
    r = post(client, f"/api/v1/tips/{tip.pk}/verify", {"outcome": "confirmed", "fine": "50000"})
    assert r.status_code == 422 and "hazard_title" in r.json()["errors"]
    r = post(
        client,
        f"/api/v1/tips/{tip.pk}/verify",
        {
            "outcome": "confirmed",
            "fine": "50000",
            "hazard_title": "储罐区违规动火",
            "criterion": chemicals_criterion(dates.today()),
        },
    )
    assert r.status_code == 200, r.content
    body = r.json()
    hazard = Hazard.objects.get(pk=body["hazard"])
    assert hazard.source == "tip" and hazard.level == "major" and SECRET_TEXT not in hazard.title
    assert body["reward"]["eligible"] and Decimal(body["reward"]["amount"]) == Decimal("7500.00")  # 15% of 50,000
    assert (
        body["reply_due"]
        == (datetime.date.fromisoformat(body["verified_on"]) + datetime.timedelta(days=10)).isoformat()
    )
    # the same matter tipped again: the first accepted tip keeps the reward
    submit(credit_code=firm.credit_code)
    second = Tip.objects.exclude(pk=tip.pk).get()
    r = post(client, f"/api/v1/tips/{second.pk}/verify", {"outcome": "confirmed", "fine": "50000", "hazard": hazard.pk})
    assert r.json()["reward"] is None and r.json()["reward_reason_code"] == "not_first"
    assert "同一事项" in r.json()["reward_reason"]
    assert post(client, f"/api/v1/tips/{tip.pk}/verify", {"outcome": "unfounded"}).status_code == 409
    # the reply reaches the tipster; the payment is recorded
    replied = post(client, f"/api/v1/tips/{tip.pk}/messages", {"facts": "经核查属实", "handling": "已立案处罚"})
    assert replied.json()["status"] == "replied"
    assert post(client, f"/api/v1/tips/{tip.pk}/reward/notice", {}).status_code == 200
    paid = post(
        client, f"/api/v1/tips/{tip.pk}/reward/payment", {"paid_on": body["verified_on"], "amount": "7500"}
    ).json()
    assert paid["reward"]["paid_amount"] == "7500.00"


def test_a_hazard_the_enterprise_had_already_found_earns_no_reward(tip_handler, officer, firm) -> None:
    from zhiben.hazards.services import hazard_create

    found = hazard_create(
        actor=officer,
        report=parse(
            HazardReport,
            {
                "enterprise": firm.credit_code,
                "title": "罐区静电接地失效",
                "level": "major",
                "source": "self_check",
                "discovered_on": datetime.date.today().isoformat(),
                "criterion": chemicals_criterion(dates.today()),
                "deadline": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
            },
        ),
    )
    submit(credit_code=firm.credit_code)
    tip = Tip.objects.get()
    r = post(handler_client(tip_handler), f"/api/v1/tips/{tip.pk}/verify", {"outcome": "confirmed", "hazard": found.pk})
    assert r.json()["reward"] is None and r.json()["reward_reason_code"] == "already_known"
    assert "已发现" in r.json()["reward_reason"]


def test_extension_once_with_a_reason(tip_handler) -> None:
    submit()
    tip = Tip.objects.get()
    client = handler_client(tip_handler)
    approval = {"approved_by": "秀山县应急管理局（上一级）批准"}
    assert post(client, f"/api/v1/tips/{tip.pk}/extend", {"reason": "", **approval}).status_code == 422
    r = post(client, f"/api/v1/tips/{tip.pk}/extend", {"reason": "需会同住建部门核查", **approval})
    assert r.json()["verification_due"] == (tip.accepted_on + datetime.timedelta(days=90)).isoformat()
    assert post(client, f"/api/v1/tips/{tip.pk}/extend", {"reason": "再延", **approval}).status_code == 409


@hsettings(max_examples=200, deadline=None)
@given(fine=st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False))
def test_the_violation_reward_is_15_percent_clamped(fine: Decimal) -> None:
    amount = rules.violation_reward(fine)
    assert Decimal(3000) <= amount <= Decimal(300_000)
    exact = (fine * Decimal("0.15")).quantize(Decimal("0.01"), ROUND_HALF_UP)  # 四舍五入 to the fen
    if Decimal(3000) <= exact <= Decimal(300_000):
        assert amount == exact
    assert rules.violation_reward(Decimal(20000)) == Decimal(3000)  # 15% = 3,000 exactly
    assert rules.violation_reward(Decimal(19999)) == Decimal(3000)
    assert rules.violation_reward(Decimal(2_000_000)) == Decimal(300_000)
    assert rules.violation_reward(Decimal(2_000_100)) == Decimal(300_000)


@hsettings(max_examples=100, deadline=None)
@given(
    deaths=st.integers(min_value=0, max_value=40),
    grade=st.sampled_from(["general", "relatively_major", "major", "especially_major"]),
)
def test_the_concealed_accident_reward_per_death_by_grade_capped(deaths: int, grade: str) -> None:
    per = {"general": 30_000, "relatively_major": 40_000, "major": 50_000, "especially_major": 60_000}[grade]
    assert rules.concealed_accident_reward(deaths, grade) == min(Decimal(per * deaths), Decimal(300_000))


def test_deadlines_follow_the_rules() -> None:
    day = datetime.date(2025, 1, 31)
    assert rules.verification_due(day) == datetime.date(2025, 4, 1)
    assert rules.verification_due(day, extended=True) == datetime.date(2025, 5, 1)
    assert rules.reply_due(day) == datetime.date(2025, 2, 10)
    assert django_settings.ZHIBEN["TIP_VERIFY_DAYS"] == 60


def test_officers_outside_the_region_and_enterprise_users_cannot_act(outsider, firm_user) -> None:
    submit()
    tip = Tip.objects.get()
    for user in (outsider, firm_user):
        client = handler_client(user)
        for path, body in (
            (f"/api/v1/tips/{tip.pk}/verify", {"outcome": "unfounded"}),
            (f"/api/v1/tips/{tip.pk}/extend", {"reason": "x"}),
            (f"/api/v1/tips/{tip.pk}/messages", {"body": "x"}),
            (f"/api/v1/tips/{tip.pk}/reward/payment", {"paid_on": "2025-01-01", "amount": "1"}),
        ):
            assert post(client, path, body).status_code == 404
    tip.refresh_from_db()
    assert tip.status == "accepted"


def test_overdue_tips_climb_the_ladder_once_and_notify(tip_handler, officer, outsider, monkeypatch) -> None:
    from zhiben.escalation.engine import sweep
    from zhiben.notifications.models import Notification
    from zhiben.tips.models import TipEscalation

    def tip_sweep(today: datetime.date) -> dict[str, int]:
        return sweep(today=today).counts("tip_verification")

    submit()
    tip = Tip.objects.get()
    due = tip.verification_due
    assert tip_sweep(today=due - datetime.timedelta(days=4)) == {
        "due_soon": 0,
        "reminder": 0,
        "letter": 0,
        "circular": 0,
        "interview": 0,
    }
    assert tip_sweep(today=due - datetime.timedelta(days=3))["due_soon"] == 1  # 临期提醒
    assert tip_sweep(today=due)["due_soon"] == 0
    assert tip_sweep(today=due + datetime.timedelta(days=1))["reminder"] == 1
    assert tip_sweep(today=due + datetime.timedelta(days=1))["reminder"] == 0  # idempotent
    assert tip_sweep(today=due + datetime.timedelta(days=16))["letter"] == 1
    assert list(TipEscalation.objects.values_list("step", flat=True).order_by("id")) == [
        "due_soon",
        "reminder",
        "letter",
    ]
    notified = set(Notification.objects.filter(kind="escalation").values_list("user__username", flat=True))
    assert {tip_handler.username, officer.username} <= notified and outsider.username not in notified


def test_keys_rotate_without_losing_a_word(settings) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from zhiben.tips.crypto import tip_keys, unseal

    old = tip_keys()[0]
    receipt = submit().json()["receipt"]
    new = Fernet.generate_key().decode()
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_KEYS": [new, old]}
    call_command("rotate_tip_keys", stdout=io.StringIO())
    settings.ZHIBEN = {**settings.ZHIBEN, "TIP_KEYS": [new]}  # the old key gone: everything still reads
    tip = Tip.objects.get()
    assert unseal(tip.content)["description"] == SECRET_TEXT and unseal(tip.reporter)["name"] == NAME
    assert Client().get(f"/api/v1/tips/by-receipt/{receipt}").status_code == 200


def test_the_tipsters_own_steps_carry_a_day_not_a_time_and_unknown_fields_are_refused() -> None:
    receipt = submit().json()["receipt"]
    Client().post(
        f"/api/v1/tips/by-receipt/{receipt}/messages",
        json.dumps({"body": "补充一下情况"}),
        content_type="application/json",
    )
    from django.utils import timezone

    for event in Event.objects.filter(subject_type="tip"):
        local = timezone.localtime(event.at)
        assert (local.hour, local.minute, local.second) == (0, 0, 0)
    assert submit(ip_address="1.2.3.4").status_code == 422
    assert submit(reporter={"name": "x", "email": "a@b.c"}).status_code == 422
