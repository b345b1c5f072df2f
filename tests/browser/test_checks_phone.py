"""The check page on a phone (390 px, issue 15): a check recorded with one tap; a check made while the phone is
offline kept in the browser with its time and sent by 补传 to POST /api/v1/check-records (as a JSON list, with the
session's CSRF header and the form's token as client_id, so a resend is recorded once) — recorded by the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from zhiben.common.dates import today
from zhiben.risks import checks
from zhiben.risks.models import CheckRecord, RecordStatus
from zhiben.risks.services.tasks import rhythm_ensure, task_update
from zhiben.tests_support import factories

from .conftest import PageProblems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-123"


def test_a_check_on_a_phone_online_then_offline_and_sent_later(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path
) -> None:
    firm = factories.enterprise(sector="hazardous_chemicals", name="清溪化工有限公司")
    staff = factories.user("chem-phone", role="enterprise", enterprise=firm, password=PASSWORD)
    for task in rhythm_ensure(actor=staff, enterprise=firm, starts_on=today()):
        task_update(actor=staff, task_id=task.pk, data={"assignee": staff.username})
    checks.generate(today())
    due = list(CheckRecord.objects.filter(enterprise=firm, status=RecordStatus.PLANNED).order_by("due_at", "id"))
    assert len(due) >= 2

    page, problems = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/risks/checks/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("details > summary", has_text="发现隐患").first.click()
    page.screenshot(path=str(artifacts / "checks-phone.png"), full_page=True)
    first = page.locator(f"#task-{due[0].task_id}")
    first.get_by_role("button", name="正常").click()
    expect(page.locator(".messages")).to_contain_text("已记录：正常")
    assert CheckRecord.objects.get(pk=due[0].pk).status == RecordStatus.DONE

    page.context.set_offline(True)
    second = page.locator(f"#task-{due[1].task_id}")
    second.get_by_role("button", name="正常").click()
    box = page.locator("[data-offline-checks]")
    expect(box).to_be_visible()
    expect(box.locator("[data-offline-count]")).to_have_text("1")
    expect(second).to_be_hidden()
    assert CheckRecord.objects.get(pk=due[1].pk).status == RecordStatus.PLANNED

    kept = json.loads(page.evaluate(f"localStorage.getItem('zhiben-checks-u{staff.pk}')"))
    assert [(i["task"], i["result"]) for i in kept] == [(due[1].task_id, "pass")]
    assert kept[0]["done_at"].startswith(today().isoformat()) and len(kept[0]["client_id"]) >= 16

    page.context.set_offline(False)
    with page.expect_response("**/api/v1/check-records") as answered, page.expect_navigation():
        box.get_by_role("button", name="补传").click()
    response = answered.value
    assert response.ok, response.text()
    assert response.request.headers.get("x-csrftoken")
    assert json.loads(response.request.post_data or "null") == kept
    record = CheckRecord.objects.get(pk=due[1].pk)
    assert record.status == RecordStatus.DONE and record.external_id == kept[0]["client_id"]
    expect(page.locator("[data-offline-checks]")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems.errors == []


def test_the_tasks_and_figures_pages_fit_a_phone(
    live_server, phone: tuple[Page, PageProblems], artifacts: Path
) -> None:
    firm = factories.enterprise(sector="hazardous_chemicals", name="清溪化工有限公司")
    staff = factories.user("chem-tasks", role="enterprise", enterprise=firm, password=PASSWORD)
    factories.user("county-checks", role="officer", region="500241", password=PASSWORD)
    rhythm_ensure(actor=staff, enterprise=firm, starts_on=today())
    checks.generate(today())
    page, problems = phone
    for username, paths in (
        ("chem-tasks", (f"/risks/enterprises/{firm.credit_code}/tasks/", "/risks/stats/")),
        ("county-checks", (f"/risks/enterprises/{firm.credit_code}/tasks/", "/risks/stats/")),
    ):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("h1")).to_be_visible()
            for opener in page.locator("details > summary").all():
                if opener.is_visible():
                    opener.click()  # the edit forms and filters opened too
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, (username, path)
            name = "checks-tasks" if "tasks" in path else "checks-stats"
            page.screenshot(path=str(artifacts / f"{name}-{username}.png"), full_page=True)
    assert problems.errors == []
