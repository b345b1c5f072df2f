"""The check pages (issue 15): the phone page (待排查, a check recorded, a second one in the same cycle refused in
Chinese, a failed check opening a hazard with its photo, bad input named by field, the 200-MP phone photo), the
enterprise's tasks page (its staff write, officers read, others get 404) and the regulators' figures."""

from __future__ import annotations

import datetime
import html
import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from zhiben.common.dates import today
from zhiben.common.idempotency import new_token
from zhiben.hazards import evidence
from zhiben.hazards.models import Hazard
from zhiben.risks import checks
from zhiben.risks.models import (
    CheckKind,
    CheckPhoto,
    CheckRecord,
    CheckTask,
    CycleUnit,
    RecordStatus,
)
from zhiben.risks.services.tasks import rhythm_ensure, task_create
from zhiben.tests_support import factories, files

from .factories_checks import measure_of

pytestmark = pytest.mark.django_db

PHONE = "/risks/checks/"


@pytest.fixture
def firm() -> Any:
    enterprise = factories.enterprise(sector="hazardous_chemicals", name="清溪化工有限公司")
    staff = factories.user("chem-staff", role="enterprise", enterprise=enterprise)
    measure = measure_of(enterprise)
    task = task_create(
        actor=staff,
        data={"measure": measure.pk, "cycle_value": 1, "cycle_unit": "day", "assignee": staff.username},
    )
    checks.generate(today())
    return enterprise, staff, measure, task


@pytest.fixture
def other() -> Any:
    enterprise = factories.enterprise(sector="hazardous_chemicals", name="别家化工有限公司")
    return enterprise, factories.user("other-staff", role="enterprise", enterprise=enterprise)


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def check(c: Client, which: CheckTask, **fields: Any) -> Any:
    return c.post(PHONE, {"task": which.pk, "result": "pass", "form_token": new_token(), **fields})


def text_of(r: Any) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", r.content.decode()))


class _Tables(HTMLParser):
    """Whether every table sits in a box that scrolls (``table-wrap``): a phone never scrolls the page sideways."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.loose = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            self.stack.append("table-wrap" in (dict(attrs).get("class") or ""))
        elif tag == "table" and not any(self.stack):
            self.loose += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.stack:
            self.stack.pop()


def fits_a_phone(page: str) -> None:
    assert 'name="viewport" content="width=device-width' in page
    tables = _Tables()
    tables.feed(page)
    assert tables.loose == 0, "a table outside a scrolling box widens the page on a phone"
    widths = [int(w) for w in re.findall(r"(?:min-)?width:\s*(\d+)px", page)]
    assert all(w <= 390 for w in widths), widths


# ------------------------------------------------------------------------------------------ the phone page


def test_the_phone_page_lists_the_check_due_and_records_it_once(firm) -> None:
    _, staff, _, task = firm
    c = client_for(staff)
    page = c.get(PHONE)
    assert page.status_code == 200
    fits_a_phone(page.content.decode())
    shown = text_of(page)
    assert "待排查（1）" in shown and "检查液位报警联锁投用" in shown and "储罐液位高限报警联锁" in shown
    assert "正常" in shown and "发现隐患" in shown

    r = check(c, task)
    assert r.status_code == 303 and r["Location"] == PHONE
    record = CheckRecord.objects.get(task=task)
    assert record.status == RecordStatus.DONE and record.done_by == staff and record.result == "pass"
    after = text_of(c.get(PHONE))
    assert "待排查（0）" in after and "按时" in after

    again = check(c, task)
    assert again.status_code == 422
    said = text_of(again)
    assert "本周期已排查" in said and "不能重复记录" in said
    assert CheckRecord.objects.filter(task=task, status=RecordStatus.DONE).count() == 1


def test_the_same_form_sent_twice_records_once(firm) -> None:
    _, staff, _, task = firm
    c = client_for(staff)
    token = new_token()
    first = c.post(PHONE, {"task": task.pk, "result": "pass", "form_token": token})
    second = c.post(PHONE, {"task": task.pk, "result": "pass", "form_token": token})
    assert first.status_code == second.status_code == 303
    assert CheckRecord.objects.get(task=task).status == RecordStatus.DONE


def test_a_failed_check_opens_a_hazard_with_its_photo(firm, other) -> None:
    enterprise, staff, _, task = firm
    c = client_for(staff)
    photo = SimpleUploadedFile("现场.png", files.png(), content_type="image/png")
    fail = {"result": "fail", "hazard_title": "液位报警联锁未投用", "hazard_level": "major", "note": "联锁旁路"}
    clause = factories.chemicals_criterion(today())
    assert f'value="{clause}"' in c.get(PHONE).content.decode()
    uncited = check(c, task, **fail)
    assert uncited.status_code == 422
    # said under the clause's own field
    under = r'name="hazard_criterion".*?</select></label>\s*<p class="field-error">[^<]*判定标准条款'
    assert re.search(under, uncited.content.decode(), re.S)
    r = check(c, task, **fail, hazard_criterion=clause, photo=photo)
    assert r.status_code == 303, re.findall(r"field-error[^>]*>([^<]*)", r.content.decode())
    record = CheckRecord.objects.get(task=task)
    hazard = record.hazard
    assert hazard is not None
    assert (hazard.title, hazard.level, hazard.source, hazard.enterprise_id) == (
        "液位报警联锁未投用",
        "major",
        "self_check",
        enterprise.pk,
    )
    kept = CheckPhoto.objects.get(record=record)
    page = c.get(PHONE).content.decode()
    assert f"/hazards/{hazard.pk}/" in page and f"/risks/checks/photos/{kept.pk}/" in page
    assert c.get(f"/risks/checks/photos/{kept.pk}/").status_code == 200
    assert client_for(other[1]).get(f"/risks/checks/photos/{kept.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"done_at": "2025-13-45 08:00"}, "排查时间应为日期时间"),
        ({"done_at": "2099-01-01T08:00"}, "排查时间晚于当前时间"),
        ({"result": "maybe"}, "请选择排查结果"),
        ({"result": "fail", "hazard_level": "huge"}, "隐患等级应为一般隐患或重大隐患"),
        ({"task": "abc"}, "请从待排查列表中选择排查任务"),
        ({"note": "长" * 1001}, "排查情况说明"),
    ],
)
def test_bad_input_is_refused_by_field_in_chinese(firm, fields, said) -> None:
    _, staff, _, task = firm
    r = check(client_for(staff), task, **fields)
    assert r.status_code == 422
    shown = text_of(r)
    assert said in shown, shown[:3000]
    for error in re.findall(r'class="field-error"[^>]*>(.*?)</p>', r.content.decode(), re.S):
        assert not re.search(r"items\[|done_at|hazard_|[a-z]{3,}", html.unescape(error)), error
    assert not CheckRecord.objects.filter(task=task).exclude(status=RecordStatus.PLANNED).exists()


def test_a_check_made_earlier_keeps_its_time_and_someone_else_is_refused(firm) -> None:
    enterprise, staff, _, task = firm
    colleague = factories.user("chem-colleague", role="enterprise", enterprise=enterprise)
    refused = check(client_for(colleague), task)
    assert refused.status_code == 422 and "只有排查人本人可以填写排查记录" in text_of(refused)
    earlier = timezone.localtime(CheckRecord.objects.get(task=task).opens_at) + datetime.timedelta(minutes=1)
    r = check(client_for(staff), task, done_at=earlier.strftime("%Y-%m-%dT%H:%M"))
    assert r.status_code == 303
    assert CheckRecord.objects.get(task=task).done_at == earlier


@pytest.fixture
def small_limits(monkeypatch: Any) -> None:
    """The decoder's limits scaled down 100-fold, as the hazards' pixel tests do (same code paths)."""
    monkeypatch.setattr(evidence, "MAX_DECODE_PIXELS", 600_000)
    monkeypatch.setattr(evidence, "MAX_JPEG_PIXELS", 3_000_000)


def test_a_photo_too_large_in_pixels_is_refused_saying_why_and_nothing_is_recorded(firm, small_limits) -> None:
    _, staff, _, task = firm
    big = SimpleUploadedFile("big.png", files.image("PNG", (1000, 700)), content_type="image/png")
    r = check(client_for(staff), task, photo=big)
    assert r.status_code == 422
    error = re.search(r'<p class="field-error">([^<]*像素[^<]*)</p>', r.content.decode())
    assert error and "现场照片" in error[1] and "较低的分辨率" in error[1], text_of(r)[:2000]
    assert CheckRecord.objects.get(task=task).status == RecordStatus.PLANNED
    assert not CheckPhoto.objects.exists()
    pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="image/png")
    r = check(client_for(staff), task, photo=pdf)
    assert r.status_code == 422 and "只接受照片" in text_of(r)


def test_the_200_megapixel_phone_photo_is_handled_cleanly(firm) -> None:
    """The field case (16320×12240 baseline JPEG, 4.9 MB): taken as hazard evidence takes it (decoded at a
    reduced scale), never a 500."""
    _, staff, _, task = firm
    photo = files.phone_photo_200mp(django_settings.DATA_DIR / "test-cache")
    upload = SimpleUploadedFile("IMG_200MP.jpg", photo, content_type="image/jpeg")
    r = check(client_for(staff), task, photo=upload)
    assert r.status_code == 303, re.findall(r"field-error[^>]*>([^<]*)", r.content.decode())
    kept = CheckPhoto.objects.get(record__task=task)
    assert kept.content_type == "image/jpeg" and kept.size == len(photo)


def test_nul_in_each_field_is_named_by_its_label(firm) -> None:
    _, staff, _, task = firm
    c = client_for(staff)
    for name, label in (("note", "排查情况说明"), ("hazard_title", "隐患名称"), ("done_at", "排查时间")):
        r = c.post(PHONE, {"task": task.pk, "result": "fail", name: "a\x00"})
        assert r.status_code == 422
        assert f"「{label}」" in r.content.decode()
    huge = c.post(PHONE, {"task": "9" * 30, "result": "pass"})
    assert huge.status_code == 422


def test_officers_and_admins_see_an_empty_phone_page_and_cannot_record(firm, officer, admin_user) -> None:
    _, _, _, task = firm
    for user in (officer, admin_user):
        c = client_for(user)
        assert c.get(PHONE).status_code == 200
        assert check(c, task).status_code == 403
    assert CheckRecord.objects.get(task=task).status == RecordStatus.PLANNED


@pytest.mark.parametrize(
    ("opens", "due", "shown"),
    [
        ((12, 1, 0), (12, 2, 0), "12-01 全天"),
        ((12, 1, 16), (12, 2, 0), "12-01 16:00–24:00"),
        ((12, 1, 8), (12, 1, 16), "12-01 08:00–16:00"),
        ((12, 1, 0), (12, 8, 0), "12-01 至 12-07"),
        ((12, 1, 8), (12, 2, 8), "12-01 08:00 至 12-02 08:00"),
    ],
)
def test_a_window_is_shown_as_people_say_it(opens, due, shown) -> None:
    from zhiben.common.dates import zone
    from zhiben.risks.views.checks import window_text

    def at(m: int, d: int, h: int) -> datetime.datetime:
        return datetime.datetime(2026, m, d, h, tzinfo=zone())

    assert window_text(at(*opens), at(*due)) == shown


# ------------------------------------------------------------------------------------------ the tasks page


def tasks_url(enterprise: Any) -> str:
    return f"/risks/enterprises/{enterprise.credit_code}/tasks/"


def test_the_tasks_page_for_the_enterprise_its_officers_and_no_one_else(firm, other, officer, outsider) -> None:
    enterprise, staff, _, task = firm
    page = client_for(staff).get(tasks_url(enterprise))
    assert page.status_code == 200
    fits_a_phone(page.content.decode())
    shown = text_of(page)
    assert "检查液位报警联锁投用" in shown and "每天" in shown and "补齐日周月及主要负责人检查任务" in shown
    read = client_for(officer).get(tasks_url(enterprise))
    assert read.status_code == 200 and "添加排查任务" not in text_of(read) and "检查液位报警联锁投用" in text_of(read)
    assert client_for(other[1]).get(tasks_url(enterprise)).status_code == 404
    assert client_for(outsider).get(tasks_url(enterprise)).status_code == 404
    assert client_for(staff).get("/risks/enterprises/91500241MA5U0NOT00/tasks/").status_code == 404
    for body in ({"action": "rhythm"}, {"action": "delete", "task": task.pk}):
        r = client_for(officer).post(tasks_url(enterprise), {**body, "form_token": new_token()})
        assert r.status_code == 403
        assert client_for(outsider).post(tasks_url(enterprise), body).status_code == 404
    assert CheckTask.objects.filter(enterprise=enterprise, deleted=False).count() == 1


def test_the_enterprise_keeps_its_tasks_on_the_page(firm) -> None:
    enterprise, staff, measure, task = firm
    c = client_for(staff)
    url = tasks_url(enterprise)
    r = c.post(url, {"action": "rhythm", "form_token": new_token()})
    assert r.status_code == 303
    kinds = set(CheckTask.objects.filter(enterprise=enterprise).values_list("kind", flat=True))
    assert kinds == {CheckKind.MEASURE, CheckKind.TEAM_DAILY, CheckKind.DEPT_WEEKLY, CheckKind.PLANT_MONTHLY} | {
        CheckKind.PRINCIPAL
    }
    add = {
        "action": "add",
        "measure": measure.pk,
        "cycle_value": "8",
        "cycle_unit": "hour",
        "working_days_only": "on",
        "assignee": staff.username,
    }
    assert c.post(url, {**add, "form_token": new_token()}).status_code == 303
    added = CheckTask.objects.filter(measure=measure).latest("id")
    assert (added.cycle_value, added.cycle_unit, added.working_days_only, added.assignee) == (8, "hour", True, staff)
    assert "每 8 小时（仅工作日）" in text_of(c.get(url))

    bad = c.post(url, {**add, "cycle_value": "5", "form_token": new_token()})
    assert bad.status_code == 422 and "整除24小时" in text_of(bad)
    bad = c.post(url, {**add, "assignee": "nobody", "form_token": new_token()})
    assert bad.status_code == 422 and "排查人须为本企业" in text_of(bad)

    edit = {"action": "edit", "task": task.pk, "cycle_value": "7", "cycle_unit": "day", "assignee": ""}
    assert c.post(url, {**edit, "form_token": new_token()}).status_code == 303
    task.refresh_from_db()
    assert (task.cycle_value, task.cycle_unit, task.active, task.assignee_id) == (7, CycleUnit.DAY, False, None)

    assert c.post(url, {"action": "delete", "task": task.pk, "form_token": new_token()}).status_code == 303
    task.refresh_from_db()
    assert task.deleted
    gone = c.post(url, {"action": "delete", "task": task.pk, "form_token": new_token()})
    assert gone.status_code == 422 and "排查任务不存在" in text_of(gone)


@pytest.mark.parametrize("value", ["", "x", "-1", "2025-13-45", "99999999999999999999", "1e400"])
def test_every_task_form_with_odd_values_is_refused_in_chinese_never_a_500(firm, value) -> None:
    enterprise, staff, _, task = firm
    c = client_for(staff)
    fields = ("measure", "content", "cycle_value", "cycle_unit", "starts_on", "assignee", "task")
    for action in ("add", "edit", "delete", "rhythm", value):
        r = c.post(tasks_url(enterprise), {"action": action, **dict.fromkeys(fields, value), "form_token": new_token()})
        assert r.status_code in (303, 422), (action, value, r.status_code)
        for error in re.findall(r'class="field-error"[^>]*>(.*?)</p>', r.content.decode(), re.S):
            words = re.findall(r"[A-Za-z_]+(?:[=_][A-Za-z_]+)*", html.unescape(error))
            assert not [w for w in words if "_" in w or w in fields or (w.islower() and len(w) > 2)], error
    task.refresh_from_db()
    assert not task.deleted and task.cycle_value == 1
    for bad in ("x", "9" * 25):
        r = client_for(staff).get("/risks/stats/", {"region": bad, "from": bad, "to": bad, "sector": bad})
        assert r.status_code in (200, 404), r.status_code


# ------------------------------------------------------------------------------------------ the figures


def test_the_figures_for_officers_and_for_the_enterprise(firm, officer, outsider) -> None:
    enterprise, staff, _, task = firm
    assert check(client_for(staff), task).status_code == 303
    page = client_for(officer).get("/risks/stats/")
    assert page.status_code == 200
    fits_a_phone(page.content.decode())
    shown = text_of(page)
    assert "按区划" in shown and "无排查记录的企业" in shown and "有问题查不出" in shown
    assert "/inspections/stats/" in page.content.decode()
    own = client_for(staff).get("/risks/stats/")
    assert own.status_code == 200 and enterprise.name in text_of(own) and "按区划" not in text_of(own)
    assert client_for(outsider).get("/risks/stats/", {"region": "500241"}).status_code == 404
    bad = client_for(officer).get("/risks/stats/", {"from": "2026-13-45", "sector": "nope"})
    assert bad.status_code == 200 and "起始日期" in text_of(bad) and "请从列表中选择行业领域" in text_of(bad)
    book = client_for(officer).get("/risks/stats/", {"format": "xlsx"})
    assert book.status_code == 200 and book["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = load_workbook(io.BytesIO(book.content))
    assert sheets.sheetnames[:2] == ["按区划", "按行业"]
    assert sheets["按区划"]["A3"].value == "合计" and sheets["按区划"]["B3"].value == 1


# ------------------------------------------------------------------------------------------ the demo


def test_the_demo_keeps_two_weeks_of_checks_and_runs_again_adding_nothing(firm) -> None:
    from zhiben.audit.models import Event
    from zhiben.demo.risks_checks import seed_risks_checks

    enterprise, _, _, task = firm
    task.deleted = True  # the demo makes its own task for the measure
    task.save()
    seed_risks_checks(enterprise=enterprise.credit_code)
    tasks = CheckTask.objects.filter(enterprise=enterprise, deleted=False)
    assert set(tasks.values_list("kind", flat=True)) == {
        CheckKind.MEASURE,
        CheckKind.TEAM_DAILY,
        CheckKind.DEPT_WEEKLY,
        CheckKind.PLANT_MONTHLY,
        CheckKind.PRINCIPAL,
    }
    assert not tasks.filter(assignee__isnull=True).exists()
    records = CheckRecord.objects.filter(enterprise=enterprise, task__deleted=False)
    by_status = {s: records.filter(status=s).count() for s in RecordStatus.values}
    assert by_status[RecordStatus.DONE] > 3 * by_status[RecordStatus.MISSED] > 0, by_status
    assert by_status[RecordStatus.LATE] == 1
    done = records.exclude(done_at=None)
    assert all(r.done_at is not None and r.opens_at <= r.done_at < r.due_at for r in done)
    failed = records.get(hazard__isnull=False)
    assert failed.task.kind == CheckKind.TEAM_DAILY and failed.hazard is not None
    assert failed.hazard.source == "self_check"
    assert records.filter(day=today() - datetime.timedelta(days=14)).exists()
    counts = (records.count(), by_status, Event.objects.count(), Hazard.objects.count())
    seed_risks_checks(enterprise=enterprise.credit_code)
    again = {s: records.filter(status=s).count() for s in RecordStatus.values}
    assert (records.count(), again, Event.objects.count(), Hazard.objects.count()) == counts
    from zhiben.risks import tallies

    assert tallies.rebuild(check=True) == []


def test_the_figures_drill_down_and_name_the_gap(firm, officer, township) -> None:
    enterprise, staff, _, task = firm
    below = factories.enterprise(region=township, sector="hazardous_chemicals", name="镇上化工有限公司")
    below_staff = factories.user("below-staff", role="enterprise", enterprise=below)
    rhythm_ensure(actor=below_staff, enterprise=below, starts_on=today())
    checks.generate(today())
    factories.enterprise(sector="hazardous_chemicals", name="无任务化工有限公司", high_risk=True)
    factories.hazard(officer, enterprise, discovered_on=today(), source="inspection", title="储罐区未设围堰")
    c = client_for(officer)
    page = c.get("/risks/stats/").content.decode()
    assert f"region={township}" in page and "秀山" in page and "（本级）" in page
    shown = text_of(c.get("/risks/stats/"))
    gap = shown[shown.index("企业自查却未发现") :]
    assert enterprise.name in gap  # an inspection found a hazard, its own checks none
    assert re.search(r"1\s+未制定排查任务的高危企业", shown), shown[:2000]
    drilled = c.get("/risks/stats/", {"region": township})
    assert drilled.status_code == 200 and enterprise.name not in text_of(drilled)
    town_officer = factories.user("town-checks", role="officer", region=township)
    assert client_for(town_officer).get("/risks/stats/", {"region": "500241"}).status_code == 404
    # once its own check finds a hazard too, the enterprise leaves the gap list
    assert check(client_for(staff), task, result="fail", hazard_title="液位计失灵").status_code == 303
    shown = text_of(c.get("/risks/stats/"))
    assert enterprise.name not in shown[shown.index("企业自查却未发现") :]


def test_the_ladders_link_lists_the_enterprises_missed_checks(firm, other) -> None:
    enterprise, _, _, task = firm
    manager = factories.user("chem-manager", role="enterprise", enterprise=enterprise)
    record = CheckRecord.objects.get(task=task)
    assert checks.sweep_missed(record.due_at + datetime.timedelta(minutes=1)) == 1
    shown = text_of(client_for(manager).get(PHONE, {"status": "missed"}))
    assert "本企业漏检的排查" in shown and "漏检" in shown and "检查液位报警联锁投用" in shown
    assert "检查液位报警联锁投用" not in text_of(client_for(manager).get(PHONE))  # not the manager's own task
    assert "检查液位报警联锁投用" not in text_of(client_for(other[1]).get(PHONE, {"status": "missed"}))


def test_each_check_form_keeps_its_own_draft(firm) -> None:
    """forms.js keys a form's draft (and its form token) by the form's id: each cycle's form has its own, so a check
    sent from one card is never put back into another (a failed check once filled every card and blocked them)."""
    enterprise, staff, measure, _ = firm
    task_create(actor=staff, data={"measure": measure.pk, "cycle_value": 1, "cycle_unit": "day"})
    checks.generate(today())
    page = client_for(staff).get(PHONE).content.decode()
    ids = re.findall(r'<form[^>]*id="(check-\d+)"[^>]*data-check-form', page)
    records = CheckRecord.objects.filter(enterprise=enterprise, status=RecordStatus.PLANNED)
    assert sorted(ids) == sorted(f"check-{r.pk}" for r in records) and len(ids) == 2
