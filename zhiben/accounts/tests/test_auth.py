"""Sign-in, tokens, lockout, users (DESIGN.md §6) and the security settings of issue 2."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from zhiben.accounts.models import Role, User
from zhiben.audit.models import Event
from zhiben.reference.models import Sector
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


def test_token_for_good_credentials(officer) -> None:
    r = Client().post(
        "/api/v1/auth/token", {"username": "officer1", "password": "pw-for-tests-123"}, content_type="application/json"
    )
    assert r.status_code == 200
    token = r.json()["token"]
    me = Client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["region"] == "500241"


def test_bad_credentials_answer_401(officer) -> None:
    r = Client().post(
        "/api/v1/auth/token", {"username": "officer1", "password": "wrong"}, content_type="application/json"
    )
    assert r.status_code == 401
    assert Client().get("/api/v1/users/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_repeated_failures_lock_the_account_even_with_the_right_password(officer) -> None:
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        c.post("/api/v1/auth/token", {"username": "officer1", "password": "wrong"}, content_type="application/json")
    r = c.post(
        "/api/v1/auth/token", {"username": "officer1", "password": "pw-for-tests-123"}, content_type="application/json"
    )
    assert r.status_code == 429
    page = Client().post("/accounts/login/", {"username": "officer1", "password": "pw-for-tests-123"})
    assert "暂时锁定" in page.content.decode()


def test_every_answer_of_the_api_sign_in_is_json_the_locking_attempt_too(officer) -> None:
    """The attempt that reaches the limit is answered by django-axes itself: JSON 429 under /api/, like the
    attempts after it (a client reads {"detail"}); the pages keep their locked-out page."""
    c = Client()
    answers = [
        c.post("/api/v1/auth/token", {"username": "officer1", "password": "wrong"}, content_type="application/json")
        for _ in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert [r.status_code for r in answers] == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429, 429]
    for r in answers:
        assert r["Content-Type"].startswith("application/json"), r.content[:80]
    assert answers[-2].json() == answers[-1].json() == {"detail": "登录失败次数过多，账号已被暂时锁定，请稍后再试"}
    page = Client().post("/accounts/login/", {"username": "officer1", "password": "wrong"})
    assert page.status_code == 429 and "暂时锁定" in page.content.decode()


def test_tokens_are_stored_hashed(officer) -> None:
    r = Client().post(
        "/api/v1/auth/token", {"username": "officer1", "password": "pw-for-tests-123"}, content_type="application/json"
    )
    token = r.json()["token"]
    assert not officer.api_tokens.filter(digest=token).exists()
    assert officer.api_tokens.count() == 1


def test_passwords_are_hashed_with_argon2_in_production_settings() -> None:
    from zhiben import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.DEBUG is False or "DEBUG" in __import__("os").environ


def test_pages_need_sign_in_and_csrf(officer) -> None:
    assert Client().get("/enterprises/").status_code == 302
    c = Client(enforce_csrf_checks=True)
    c.force_login(officer)
    assert c.post("/enterprises/new/", {"name": "x"}).status_code == 403


def test_pages_carry_security_headers(officer) -> None:
    c = Client()
    c.force_login(officer)
    r = c.get("/enterprises/")
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in r["Content-Security-Policy"]


def test_login_page_is_chinese() -> None:
    r = Client().get("/accounts/login/")
    assert r.status_code == 200 and "登录" in r.content.decode()
    bad = Client().post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert "用户名或密码错误" in bad.content.decode()


def test_adduser_command_creates_scoped_users(firm) -> None:
    call_command(
        "adduser",
        "zhang",
        "--password",
        "A-strong-pass-9",
        "--role",
        "officer",
        "--region",
        "500241000000",
        "--sectors",
        "hazardous_chemicals,fireworks",
    )
    user = User.objects.get(username="zhang")
    assert user.role == Role.OFFICER and user.region_id == "500241"
    assert set(user.sectors.values_list("key", flat=True)) == {"hazardous_chemicals", "fireworks"}
    call_command(
        "adduser", "chen", "--password", "A-strong-pass-9", "--role", "enterprise", "--enterprise", firm.credit_code
    )
    assert User.objects.get(username="chen").enterprise_id == firm.pk
    assert Event.objects.filter(subject_type="user", kind="created").count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer"], "region"),
        (["--role", "officer", "--region", "999999"], "region"),
        (["--role", "officer", "--region", "500241", "--sectors", "nope"], "sectors"),
        (["--role", "enterprise", "--enterprise", "91440300708461136T"], "enterprise"),
        (["--role", "enterprise", "--enterprise", "123"], "enterprise"),
    ],
)
def test_adduser_refuses_incomplete_scope(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("adduser", "x", "--password", "A-strong-pass-9", *args)
    assert not User.objects.filter(username="x").exists()


def test_adduser_refuses_a_weak_password() -> None:
    with pytest.raises(CommandError, match="password"):
        call_command("adduser", "x", "--password", "123", "--role", "admin")


def test_admin_creates_users_through_the_api(api_as, admin_user, officer) -> None:
    body = {"username": "li", "password": "A-strong-pass-9", "role": "officer", "region": "500241"}
    r = api_as(admin_user).post("/api/v1/users", body)
    assert r.status_code == 201, r.content
    assert r.json()["region"] == "500241"
    assert api_as(admin_user).post("/api/v1/users", body).status_code == 409
    assert api_as(officer).post("/api/v1/users", {**body, "username": "li2"}).status_code == 403
    assert api_as(officer).get("/api/v1/users").status_code == 403
    bad = api_as(admin_user).post("/api/v1/users", {**body, "username": "li3", "role": "boss"})
    assert bad.status_code == 422 and "role" in bad.json()["errors"]


def test_users_made_in_the_admin_must_have_a_scope(admin_user) -> None:
    c = Client()
    c.force_login(admin_user)
    r = c.get("/admin/accounts/user/add/")
    assert r.status_code == 200
    from zhiben.accounts.admin import UserAdminForm

    form = UserAdminForm(data={"username": "w", "role": "officer", "is_active": True})
    assert not form.is_valid() and "region" in form.errors


def test_a_user_added_in_the_admin_is_scoped_logged_and_keeps_a_hashed_password(admin_user) -> None:
    c = Client()
    c.force_login(admin_user)
    r = c.post(
        "/admin/accounts/user/add/",
        {
            "username": "wang",
            "usable_password": "true",
            "password1": "A-strong-pass-9",
            "password2": "A-strong-pass-9",
            "role": "officer",
            "region": "500241",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    wang = User.objects.get(username="wang")
    assert wang.check_password("A-strong-pass-9") and wang.region_id == "500241"
    assert Event.objects.filter(subject_type="user", subject_id=str(wang.pk), kind="created").exists()
    change = c.get(f"/admin/accounts/user/{wang.pk}/change/").content.decode()
    assert 'name="password"' not in change or "readonly" in change or "../password/" in change
    r = c.post(
        "/admin/accounts/user/add/",
        {
            "username": "nobody",
            "usable_password": "true",
            "password1": "A-strong-pass-9",
            "password2": "A-strong-pass-9",
            "role": "officer",
        },
    )
    assert r.status_code == 200 and "监管人员必须指定辖区" in r.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("sectors", [[], ["hazardous_chemicals"], ["hazardous_chemicals", "fireworks"]])
def test_a_bearer_requests_scope_follows_its_users_sectors_at_once(api_as, sectors) -> None:
    """A change of an officer's sectors holds from their next API request (nothing kept between requests)."""
    officer = factories.user("sectoral", role="officer", region="500241")
    officer.sectors.set(Sector.objects.filter(key__in=sectors))
    chemical = factories.enterprise(region="500241", sector="hazardous_chemicals", name="甲化工有限公司")
    mine = factories.enterprise(region="500241", sector="metal_nonmetal_mine", name="乙矿业有限公司")
    api = api_as(officer)

    def seen() -> set[str]:
        return {e["credit_code"] for e in api.get("/api/v1/enterprises").json()["items"]}

    everything = {chemical.credit_code, mine.credit_code}
    assert seen() == ({chemical.credit_code} if sectors else everything)
    officer.sectors.set(Sector.objects.filter(key="metal_nonmetal_mine"))
    assert seen() == {mine.credit_code}
    officer.sectors.clear()
    assert seen() == everything
