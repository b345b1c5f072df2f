"""The inspection on site (issue 14): recording it with its team and checklist, the rules of the team (回避,
inactive members, duplicates, the two-officer rule for documents), idempotent resends, the checklist of the
clauses in force on the day, findings into hazards, photos, completion — through the API, as a client would."""

from __future__ import annotations

import datetime
import json
from typing import Any, NamedTuple

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhiben.audit.models import Event
from zhiben.common import dates
from zhiben.departments.models import Department
from zhiben.hazards import evidence
from zhiben.hazards import rules as hazard_rules
from zhiben.hazards.models import Hazard
from zhiben.inspections.models import (
    CheckItem,
    Draw,
    EnforcementTally,
    Finding,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    LawOfficer,
    OwnCheckItem,
    PlanItem,
    TeamMember,
)
from zhiben.reference.models import CriteriaStandard, Criterion, Kind, Sector
from zhiben.tests_support import factories, files

from . import factories_inspections as f

pytestmark = pytest.mark.django_db


class Unit(NamedTuple):
    """The county's 应急管理局 and two of its law-enforcement officers (张执法 is the signed-in officer)."""

    dept: Department
    a: LawOfficer
    b: LawOfficer


URL = "/api/v1/inspections"
DAY = "2025-06-03"


@pytest.fixture
def unit(officer: Any) -> Any:
    """The county's 应急管理局, with the officer in it and two law-enforcement officers."""
    emergency = f.unit()
    f.member(officer, emergency)
    return Unit(emergency, f.officer(emergency, name="张执法", user=officer), f.officer(emergency, name="李执法"))


def body(firm: Any, unit: Any, **extra: Any) -> dict[str, Any]:
    return {"enterprise": firm.credit_code, "kind": "special", "on": DAY, "team": f.team_of(unit.a, unit.b), **extra}


def created(api: Any, data: dict[str, Any], status: int = 201) -> dict[str, Any]:
    r = api.post(URL, data)
    assert r.status_code == status, r.content.decode()
    return r.json()


# ------------------------------------------------------------------------------------------- the team
def test_the_team_is_copied_with_names_and_certificates_and_the_first_officer_leads(officer, firm, unit, api_as):
    expert = f.expert("500241", officer, name="王专家")
    data = created(api_as(officer), body(firm, unit, team=[*f.team_of(unit.a, unit.b), {"expert": expert.pk}]))
    team = [(m["role"], m["name"], m["certificate_no"]) for m in data["team"]]
    assert team == [
        ("leader", "张执法", unit.a.certificate_no),
        ("officer", "李执法", unit.b.certificate_no),
        ("expert", "王专家", ""),
    ]
    assert data["certified_officers"] == 2 and data["issue_refusal"] is None
    # the record says who was there on the day, whatever the register says later
    unit.a.name = "张某某"
    unit.a.save()
    assert TeamMember.objects.filter(inspection_id=data["id"], role="leader").get().name == "张执法"


def test_a_member_marked_leader_leads_and_officers_are_named_by_certificate(officer, firm, unit, api_as):
    team = [{"officer": unit.a.pk}, {"officer": unit.b.certificate_no, "leader": True}]
    data = created(api_as(officer), body(firm, unit, team=team))
    assert [(m["name"], m["role"]) for m in data["team"]] == [("张执法", "officer"), ("李执法", "leader")]


def test_an_expert_related_to_the_enterprise_is_refused_naming_team_and_the_expert(officer, firm, unit, api_as):
    related = f.expert("500241", officer, name="赵专家", related_to=firm)
    r = api_as(officer).post(URL, body(firm, unit, team=[*f.team_of(unit.a, unit.b), {"expert": related.pk}]))
    assert r.status_code == 422
    said = r.json()["errors"]["team"]
    assert "赵专家" in said and "回避" in said
    assert not Inspection.objects.exists()
    # the same expert may inspect another enterprise
    other = factories.enterprise(region="500241", sector="hazardous_chemicals")
    created(api_as(officer), body(other, unit, team=[*f.team_of(unit.a, unit.b), {"expert": related.pk}]))


def test_inactive_members_expired_certificates_and_duplicates_are_refused(officer, firm, unit, api_as):
    api = api_as(officer)
    gone = f.officer(unit.dept, name="离岗员", active=False)
    lapsed = f.officer(unit.dept, name="过期员", certificate_valid_to=datetime.date(2025, 1, 31))
    retired = f.expert("500241", officer, name="退库专家", active=False)
    for team, word in (
        ([{"officer": gone.pk}, {"officer": unit.a.pk}], "离岗员"),
        ([{"officer": lapsed.pk}, {"officer": unit.a.pk}], "2025-01-31"),
        ([{"officer": unit.a.pk}, {"expert": retired.pk}], "退库专家"),
        ([{"officer": unit.a.pk}, {"officer": unit.a.certificate_no}], "重复"),
        ([{"officer": "渝应急执99999999"}], "不存在"),
    ):
        r = api.post(URL, body(firm, unit, team=team))
        assert r.status_code == 422 and word in r.json()["errors"]["team"], (word, r.content.decode())
    assert not Inspection.objects.exists()


def test_officers_outside_the_region_only_for_a_cross_region_inspection(officer, firm, unit, api_as):
    elsewhere = f.officer(f.unit("110105"), name="异地员")
    team = [{"officer": unit.a.pk}, {"officer": elsewhere.certificate_no}]
    r = api_as(officer).post(URL, body(firm, unit, team=team))
    assert r.status_code == 422 and "不存在或不在您的管辖范围内" in r.json()["errors"]["team"]
    data = created(api_as(officer), body(firm, unit, team=team, flags=["cross_region"]))
    assert [m["name"] for m in data["team"]] == ["张执法", "异地员"]
    # by number, never: a number names a record, a certificate is what is shown on site
    r = api_as(officer).post(URL, body(firm, unit, team=[{"officer": elsewhere.pk}], flags=["cross_region"]))
    assert r.status_code == 422


def test_a_township_check_with_one_certified_officer_is_recorded_but_cannot_issue_documents(
    officer, firm, unit, api_as
):
    data = created(api_as(officer), body(firm, unit, team=[{"officer": unit.a.pk}, {"name": "镇安监站 刘干部"}]))
    assert data["certified_officers"] == 1
    assert "不足2人" in data["issue_refusal"]
    page = _page(officer, f"/inspections/{data['id']}/")
    assert 'id="issue-refusal"' in page and "不能出具执法文书" in page and "第四十二条" in page


# --------------------------------------------------------------------------------------- idempotency
def test_the_same_client_key_answers_the_inspection_already_recorded(officer, firm, unit, api_as):
    api = api_as(officer)
    key = "3f1c2a9e-1b7d-4c55-9a0e-5d2f8b6c4e11"
    first = created(api, body(firm, unit, client_key=key))
    again = created(api, body(firm, unit, client_key=key), status=200)
    assert again["id"] == first["id"]
    assert Inspection.objects.count() == 1
    assert Event.objects.filter(subject_type="inspection", kind="created").count() == 1
    assert EnforcementTally.objects.get().inspections == 1
    # another user's key is not theirs to replay
    other = factories.user("o2", role="officer", region="500241")
    r = api_as(other).post(URL, body(firm, unit, client_key=key))
    assert r.status_code == 409 and "client_key" in r.json()["errors"]


def test_recording_counts_the_inspection_and_its_flags_in_the_tallies(officer, firm, unit, api_as):
    expert = f.expert("500241", officer)
    team = [*f.team_of(unit.a, unit.b), {"expert": expert.pk}]
    created(api_as(officer), body(firm, unit, team=team, flags=["unannounced", "covert"]))
    created(api_as(officer), body(firm, unit))
    row = EnforcementTally.objects.get(region_code="500241", department_id=unit.dept.pk, month="2025-06")
    assert (row.inspections, row.unannounced, row.covert, row.cross_region, row.with_experts) == (2, 1, 1, 0, 1)


# ----------------------------------------------------------------------------------------- the checklist
def test_the_checklist_holds_the_clauses_in_force_on_the_day_and_the_units_own_items(officer, firm, unit, api_as):
    standard = CriteriaStandard.objects.create(key="TEST-L", title="测试地方标准", number="渝测〔2024〕1号", local=True)
    ended = Criterion.objects.create(
        code="TEST-ENDED",
        standard=standard,
        article="第一条",
        text="已废止的条款",
        own_effective_to=datetime.date(2025, 6, 2),
    )
    later = Criterion.objects.create(
        code="TEST-LATER",
        standard=standard,
        article="第二条",
        text="尚未施行",
        own_effective_from=datetime.date(2025, 6, 4),
    )
    today = Criterion.objects.create(
        code="TEST-TODAY",
        standard=standard,
        article="第三条",
        text="当日施行",
        own_effective_from=datetime.date(2025, 6, 3),
    )
    for c in (ended, later, today):
        c.sectors.add(Sector.objects.get(key="hazardous_chemicals"))
    OwnCheckItem.objects.create(department=unit.dept, text="本单位：动火作业票证", position=1)
    OwnCheckItem.objects.create(
        department=unit.dept, sector="hazardous_chemicals", text="本单位：危化品储存", position=2
    )
    OwnCheckItem.objects.create(department=unit.dept, sector="construction", text="本单位：脚手架")
    OwnCheckItem.objects.create(department=unit.dept, text="停用的项目", active=False)
    data = created(api_as(officer), body(firm, unit))
    codes = [i["criterion"] for i in data["items"] if i["criterion"]]
    assert "TEST-TODAY" in codes and "TEST-ENDED" not in codes and "TEST-LATER" not in codes
    assert "SAWS121C-1" in codes and any(c.startswith("GB35181-6") for c in codes)  # its sector's, and fire
    assert not any(c.startswith("AQ3067") for c in codes)  # the edition of 2026-09-30 is not in force yet
    kinds = set(Criterion.objects.filter(code__in=codes).values_list("kind", flat=True))
    assert kinds == {Kind.CLAUSE}  # composite elements and determinations are not lines of a checklist
    own = [i["text"] for i in data["items"] if not i["criterion"]]
    assert own == ["本单位：动火作业票证", "本单位：危化品储存"]
    assert [i["position"] for i in data["items"]] == list(range(1, len(data["items"]) + 1))
    # the sector's own standard comes before the clauses of every sector
    first_fire = next(n for n, c in enumerate(codes) if c.startswith("GB35181"))
    assert all(not c.startswith("GB35181") for c in codes[:first_fire]) and codes[0].startswith("SAWS121C")


def test_after_an_edition_ends_the_checklist_follows_the_new_one(officer, firm, unit, api_as):
    data = created(api_as(officer), body(firm, unit, on="2026-10-01"))
    codes = {i["criterion"] for i in data["items"] if i["criterion"]}
    assert any(c.startswith("AQ3067") for c in codes)
    assert not any(c.startswith("SAWS121C") for c in codes)  # ended 2026-09-29
    assert not any(c.startswith("GB35181") for c in codes)  # GB 35181-2017 ended 2025-10-31
    assert any(i["topic_only"] for i in data["items"])


def test_results_are_recorded_in_bulk_and_a_free_item_added(officer, firm, unit, api_as):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    first, second = data["items"][0]["id"], data["items"][1]["id"]
    sent = {"items": [{"id": first, "result": "pass"}, {"id": second, "result": "na", "note": "无此装置"}]}
    r = api.post(f"{URL}/{data['id']}/items", {**sent, "add": [{"text": "消防通道堆放杂物", "result": "fail"}]})
    assert r.status_code == 200, r.content.decode()
    got = r.json()
    assert got["results"]["pass"] == 1 and got["results"]["na"] == 1 and got["results"]["fail"] == 1
    assert got["items"][-1]["text"] == "消防通道堆放杂物" and got["items"][-1]["position"] == len(data["items"]) + 1
    events = Event.objects.filter(subject_type="inspection", kind="items_recorded").count()
    # the same results again change nothing and write nothing
    assert api.post(f"{URL}/{data['id']}/items", sent).status_code == 200
    assert Event.objects.filter(subject_type="inspection", kind="items_recorded").count() == events


def test_bad_results_are_refused_naming_the_field(officer, firm, unit, api_as):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    other = created(api, body(firm, unit))
    line = data["items"][0]["id"]
    r = api.post(f"{URL}/{data['id']}/items", {"items": [{"id": line, "result": "maybe"}]})
    assert r.status_code == 422 and "items.0.result" in r.json()["errors"]
    r = api.post(f"{URL}/{data['id']}/items", {"items": [{"id": other["items"][0]["id"], "result": "pass"}]})
    assert r.status_code == 422 and "不属于本次检查" in r.json()["errors"]["items.0.id"]
    r = api.post(f"{URL}/{data['id']}/items", {"add": [{"text": ""}]})
    assert r.status_code == 422 and "add.0.text" in r.json()["errors"]


# ------------------------------------------------------------------------------------------- findings
def test_a_finding_becomes_a_hazard_from_the_inspection_with_a_regulators_deadline(officer, firm, unit, api_as):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    line = data["items"][3]
    r = api.post(
        f"{URL}/{data['id']}/findings",
        {"item": line["id"], "level": "major", "deadline": "2025-07-03", "location": "1号罐区"},
    )
    assert r.status_code == 201, r.content.decode()
    (finding,) = r.json()["findings"]
    hazard = Hazard.objects.get(pk=finding["hazard"])
    assert (hazard.source, hazard.discovered_on, hazard.enterprise_id) == (
        "inspection",
        datetime.date(2025, 6, 3),
        firm.pk,
    )
    assert hazard.criterion_id == line["criterion"] and hazard.title == line["text"][:200]
    assert hazard_rules.deadline_owner(hazard) == "regulator" and finding["deadline_owner"] == "regulator"
    link = Finding.objects.get(hazard=hazard)
    assert link.inspection_id == data["id"] and link.item_id == line["id"]
    assert CheckItem.objects.get(pk=line["id"]).result == "fail"
    row = EnforcementTally.objects.get()
    assert (row.findings, row.major_findings) == (1, 1)
    assert Event.objects.filter(subject_type="hazard", subject_id=str(hazard.pk), kind="created").exists()
    assert Event.objects.filter(subject_type="inspection", kind="finding_added").count() == 1
    # the record shows it, and the line cannot be passed any more
    got = api.get(f"{URL}/{data['id']}").json()
    assert got["findings"][0]["hazard"] == hazard.pk and got["findings"][0]["status"] == "open"
    r = api.post(f"{URL}/{data['id']}/items", {"items": [{"id": line["id"], "result": "pass"}]})
    assert r.status_code == 422 and "不符合" in r.json()["errors"]["items.0.result"]


def test_a_major_finding_without_a_clause_is_refused_naming_criterion(officer, firm, unit, api_as):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    r = api.post(f"{URL}/{data['id']}/findings", {"title": "储罐区无紧急切断", "level": "major"})
    assert r.status_code == 422 and "criterion" in r.json()["errors"]
    # a clause of another sector, or not in force on the day, is refused as every hazard's is
    r = api.post(f"{URL}/{data['id']}/findings", {"title": "x", "level": "major", "criterion": "AQ3067-5-2-1"})
    assert r.status_code == 422 and "criterion" in r.json()["errors"]
    r = api.post(f"{URL}/{data['id']}/findings", {"title": "x", "level": "general", "deadline": "2025-06-01"})
    assert r.status_code == 422 and "deadline" in r.json()["errors"]
    assert not Hazard.objects.exists() and not Finding.objects.exists() and not EnforcementTally.objects.get().findings
    # a general one needs no clause; the title is required without a line
    r = api.post(f"{URL}/{data['id']}/findings", {"level": "general"})
    assert r.status_code == 422 and "title" in r.json()["errors"]
    r = api.post(f"{URL}/{data['id']}/findings", {"title": "灭火器过期", "level": "general"})
    assert r.status_code == 201


def test_a_finding_takes_the_inspections_photos_as_the_hazards(officer, firm, unit, api_as):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    other = created(api, body(firm, unit))
    photo = _upload(api, data["id"], files.jpeg()).json()["id"]
    elsewhere = _upload(api, other["id"], files.png(), name="b.png").json()["id"]
    r = api.post(f"{URL}/{data['id']}/findings", {"title": "防爆电器损坏", "level": "general", "photos": [elsewhere]})
    assert r.status_code == 422 and "photos" in r.json()["errors"]
    r = api.post(f"{URL}/{data['id']}/findings", {"title": "防爆电器损坏", "level": "general", "photos": [photo]})
    assert r.status_code == 201, r.content.decode()
    hazard = Hazard.objects.get(pk=r.json()["findings"][0]["hazard"])
    assert list(hazard.attachments.values_list("kind", "sha256")) == [
        ("photo", InspectionPhoto.objects.get(pk=photo).sha256)
    ]
    # the API takes JSON: a form is refused for its kind, before anything is looked up
    r = api.client.post(f"{URL}/{data['id']}/findings", {"title": "x", "level": "general"}, headers=api.headers)
    assert r.status_code == 415


def test_every_failed_line_without_a_finding_becomes_a_hazard_at_once(officer, firm, unit, api_as):
    api = api_as(officer)
    OwnCheckItem.objects.create(department=unit.dept, text="本单位：安全培训台账")
    data = created(api, body(firm, unit))
    lines = data["items"]
    own = next(i for i in lines if not i["criterion"])
    failed = [lines[0]["id"], lines[1]["id"], own["id"]]
    api.post(f"{URL}/{data['id']}/items", {"items": [{"id": i, "result": "fail"} for i in failed]})
    api.post(f"{URL}/{data['id']}/findings", {"item": lines[0]["id"], "level": "general"})
    # a major one at once: the unit's own line has no clause
    r = api.post(f"{URL}/{data['id']}/findings", {"from_failed_items": True, "level": "major"})
    assert r.status_code == 422 and "criterion" in r.json()["errors"]
    r = api.post(
        f"{URL}/{data['id']}/findings", {"from_failed_items": True, "level": "general", "deadline": "2025-06-30"}
    )
    assert r.status_code == 201, r.content.decode()
    assert [x["item"] for x in r.json()["findings"]] == [lines[1]["id"], own["id"]]
    assert all(x["deadline"] == "2025-06-30" for x in r.json()["findings"])
    assert Finding.objects.count() == 3 and EnforcementTally.objects.get().findings == 3
    r = api.post(f"{URL}/{data['id']}/findings", {"from_failed_items": True, "level": "general"})
    assert r.status_code == 422 and "from_failed_items" in r.json()["errors"]


# --------------------------------------------------------------------------------------------- photos
def _upload(api: Any, inspection: int, content: bytes, name: str = "现场.jpg", **fields: Any) -> Any:
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return api.client.post(f"{URL}/{inspection}/photos", {"file": upload, **fields}, headers=api.headers)


def test_photos_are_checked_like_evidence_and_a_resend_adds_nothing(officer, firm, unit, api_as):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    line = data["items"][0]["id"]
    r = _upload(api, data["id"], files.jpeg(), item=str(line))
    assert r.status_code == 201 and r.json()["item"] == line
    assert _upload(api, data["id"], files.jpeg(), item=str(line)).status_code == 200
    assert InspectionPhoto.objects.count() == 1
    r = _upload(api, data["id"], files.pdf(), name="a.pdf")
    assert r.status_code == 422 and "照片" in r.json()["errors"]["file"]
    r = _upload(api, data["id"], b"MZ\x90\x00" + b"\x00" * 200, name="a.jpg")
    assert r.status_code == 422 and "file" in r.json()["errors"]
    r = _upload(api, data["id"], files.png(), name="b.png", item="999999")
    assert r.status_code == 422 and "item" in r.json()["errors"]
    got = api.client.get(f"{URL}/{data['id']}/photos/{InspectionPhoto.objects.get().pk}", headers=api.headers)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg" and got["X-Content-Type-Options"] == "nosniff"


def test_a_photo_over_the_decode_limit_is_taken_and_kept_smaller(officer, firm, unit, api_as, monkeypatch):
    """The limits scaled down 100-fold (as the hazards' pixel tests do): a JPEG like a phone's 200-MP mode is
    kept at the largest of 1/2, 1/4, 1/8 of its size that fits."""
    monkeypatch.setattr(evidence, "MAX_DECODE_PIXELS", 600_000)
    monkeypatch.setattr(evidence, "MAX_JPEG_PIXELS", 3_000_000)
    api = api_as(officer)
    data = created(api, body(firm, unit))
    r = _upload(api, data["id"], files.image("JPEG", (1632, 1224)))
    assert r.status_code == 201, r.content.decode()
    with InspectionPhoto.objects.get().file.open("rb") as stored, Image.open(stored) as img:
        assert img.size == (816, 612)
    r = _upload(api, data["id"], files.image("PNG", (1632, 1224)), name="big.png")
    assert r.status_code == 422 and "像素过多" in r.json()["errors"]["file"]


# ------------------------------------------------------------------------------------------- complete
def test_completion_needs_every_line_recorded_and_the_acknowledgement(officer, firm, unit, api_as):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    url = f"{URL}/{data['id']}"
    r = api.post(f"{url}/complete", {"summary": "检查完毕", "acknowledged_by": "陈建国"})
    assert r.status_code == 422 and "items" in r.json()["errors"] and "未检查" in r.json()["errors"]["items"]
    api.post(f"{url}/items", {"items": [{"id": i["id"], "result": "pass"} for i in data["items"]]})
    r = api.post(f"{url}/complete", {"summary": "检查完毕"})
    assert r.status_code == 422 and "acknowledged_by" in r.json()["errors"]
    r = api.post(f"{url}/complete", {"summary": "检查完毕", "acknowledged_by": "陈", "acknowledgement_refused": True})
    assert r.status_code == 422 and "acknowledged_by" in r.json()["errors"]
    r = api.post(f"{url}/complete", {"summary": "检查完毕", "acknowledgement_refused": True})
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["acknowledgement_refused"] is True
    line = data["items"][0]["id"]
    for path, sent in (
        ("items", {"items": [{"id": line, "result": "fail"}]}),
        ("findings", {"title": "x", "level": "general"}),
        ("complete", {"summary": "再次", "acknowledged_by": "陈"}),
    ):
        r = api.post(f"{url}/{path}", sent)
        assert r.status_code == 409, (path, r.content.decode())
    assert _upload(api, data["id"], files.jpeg()).status_code == 409
    assert Event.objects.filter(subject_type="inspection", kind="completed").count() == 1


# ---------------------------------------------------------------------------------------- where it starts
def _draw(unit: Any, officer: Any, firm: Any, **fields: Any) -> Draw:
    certs = sorted(LawOfficer.objects.filter(department=unit.dept).values_list("certificate_no", flat=True))
    return Draw.objects.create(
        region_id="500241",
        department=unit.dept,
        year=2025,
        serial=Draw.objects.count() + 1,
        title="2025年第一批危化企业双随机抽查",
        seed="s",
        algorithm="sha256-rank",
        algorithm_version="1",
        pool_digest="0" * 64,
        picks=[{"enterprise": firm.credit_code, "inspectors": certs}],
        drawn_by=officer,
        **fields,
    )


def test_from_a_draw_the_enterprise_must_be_picked_and_the_draw_standing(officer, firm, unit, api_as):
    api = api_as(officer)
    draw = _draw(unit, officer, firm, status="published")
    today = dates.today().isoformat()
    r = api.post(URL, body(firm, unit, draw=draw.pk, kind=""))  # inspected before it was drawn
    assert r.status_code == 422 and "抽查日期" in r.json()["errors"]["on"]
    data = created(api, body(firm, unit, draw=draw.pk, kind="", on=today))
    assert data["kind"] == "random" and data["draw"] == draw.pk
    other = factories.enterprise(region="500241", sector="hazardous_chemicals")
    r = api.post(URL, body(other, unit, draw=draw.pk, kind="", on=today))
    assert r.status_code == 422 and "抽中" in r.json()["errors"]["enterprise"]
    r = api.post(URL, body(firm, unit, draw=draw.pk, kind="planned", on=today))
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    discarded = _draw(unit, officer, firm, status="discarded", discarded_reason="名录库有误")
    r = api.post(URL, body(firm, unit, draw=discarded.pk, kind="", on=today))
    assert r.status_code == 422 and "作废" in r.json()["errors"]["draw"]
    # a draw of another county is not there for this officer
    far = f.unit("110105")
    elsewhere = _draw(Unit(far, f.officer(far), f.officer(far)), officer, firm, status="published")
    Draw.objects.filter(pk=elsewhere.pk).update(region_id="110105")
    r = api.post(URL, body(firm, unit, draw=elsewhere.pk, kind="", on=today))
    assert r.status_code == 422 and "不存在" in r.json()["errors"]["draw"]
    # a random inspection comes from a draw
    r = api.post(URL, body(firm, unit, kind="random"))
    assert r.status_code == 422 and "kind" in r.json()["errors"]


def test_from_a_tip_or_a_plan_item_the_enterprise_comes_with_it(officer, firm, unit, api_as, tip_handler):
    from zhiben.tips.models import Tip

    api = api_as(officer)
    r = api_as(None).client.post(
        "/api/v1/tips",
        json.dumps({"region": "500241", "category": "major_hazard", "description": "化工厂罐区夜间违规动火作业"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content.decode()
    tip = Tip.objects.get()
    tip.enterprise = firm
    tip.save(update_fields=["enterprise"])
    on = max(tip.accepted_on, datetime.date(2025, 6, 3)).isoformat()
    data = created(api, {"tip": tip.pk, "on": on, "team": f.team_of(unit.a, unit.b)})
    assert (data["kind"], data["enterprise"], data["tip"]) == ("tip", firm.credit_code, tip.pk)
    r = api.post(URL, {"tip": tip.pk, "on": "2025-01-01", "team": f.team_of(unit.a)})
    assert r.status_code == 422 and "受理日期" in r.json()["errors"]["on"]
    outsider_tip = api_as(factories.user("far", role="officer", region="110105")).post(
        URL, {"tip": tip.pk, "on": on, "team": [{"name": "某人"}]}
    )
    assert outsider_tip.status_code == 422 and "tip" in outsider_tip.json()["errors"]
    plan = InspectionPlan.objects.create(
        region_id="500241", department=unit.dept, year=2025, title="2025年度监督检查计划", created_by=officer
    )
    item = PlanItem.objects.create(plan=plan, enterprise=firm, supervision_class="A", planned=4)
    data = created(api, {"plan_item": item.pk, "on": DAY, "team": f.team_of(unit.a, unit.b)})
    assert (data["kind"], data["enterprise"], data["plan_item"]) == ("planned", firm.credit_code, item.pk)
    r = api.post(URL, {"plan_item": item.pk, "tip": tip.pk, "on": DAY, "team": f.team_of(unit.a)})
    assert r.status_code == 422 and "tip" in r.json()["errors"]


# ------------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"on": "2999-01-01"}, "on"),
        ({"on": "1999-12-31"}, "on"),
        ({"on": "昨天"}, "on"),
        ({"kind": "surprise"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"flags": ["midnight"]}, "flags"),
        ({"flags": "unannounced,covert"}, "flags"),
        ({"team": []}, "team"),
        ({"team": [{"officer": 1, "expert": 1}]}, "team.0"),
        ({"team": [{"expert": 1, "leader": True}]}, "team.0"),
        ({"team": "张三"}, "team"),
        ({"enterprise": "91500241MA5U0DEM3X"}, "enterprise"),
        ({"enterprise": ""}, "enterprise"),
        ({"place": "x" * 201}, "place"),
        ({"client_key": "short"}, "client_key"),
        ({"department": 99999}, "department"),
        ({"draw": True}, "draw"),
    ],
)
def test_bad_input_is_refused_naming_the_field(officer, firm, unit, api_as, change, field):
    r = api_as(officer).post(URL, {**body(firm, unit), **change})
    assert r.status_code == 422, r.content.decode()
    assert field in r.json()["errors"], r.json()
    assert not Inspection.objects.exists()


def test_an_enterprise_user_may_not_record_or_fill_in(officer, firm, unit, api_as, firm_user):
    data = created(api_as(officer), body(firm, unit))
    api = api_as(firm_user)
    assert api.post(URL, body(firm, unit)).status_code == 403
    line = data["items"][0]["id"]
    assert api.post(f"{URL}/{data['id']}/items", {"items": [{"id": line, "result": "pass"}]}).status_code == 403
    assert api.post(f"{URL}/{data['id']}/findings", {"title": "x", "level": "general"}).status_code == 403
    assert api.get(f"{URL}/{data['id']}").status_code == 200


def _page(user: Any, url: str) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200, r.status_code
    return r.content.decode()


def test_the_hazard_page_names_the_inspection_it_came_from(officer, firm, unit, api_as, firm_user):
    api = api_as(officer)
    data = created(api, body(firm, unit))
    r = api.post(f"{URL}/{data['id']}/findings", {"item": data["items"][0]["id"], "level": "general"})
    hazard = r.json()["findings"][0]["hazard"]
    for user in (officer, firm_user):
        page = _page(user, f"/hazards/{hazard}/")
        assert "来源检查" in page and f'href="/inspections/{data["id"]}/"' in page
    other = factories.hazard(officer, firm, discovered_on="2025-03-01")
    assert "来源检查" not in _page(officer, f"/hazards/{other.pk}/")


def test_the_list_filters_by_unit_enterprise_kind_flag_days_and_status(officer, firm, unit, api_as, township):
    api = api_as(officer)
    other = factories.enterprise(region="500241100", sector="hazardous_chemicals")
    first = created(api, body(firm, unit, flags=["covert"], on="2025-05-06"))
    second = created(api, body(other, unit, kind="other", on="2025-06-03"))
    api.post(f"{URL}/{first['id']}/items", {"items": [{"id": i["id"], "result": "na"} for i in first["items"]]})
    api.post(f"{URL}/{first['id']}/complete", {"summary": "无问题", "acknowledged_by": "陈"})

    def ids(**query: Any) -> list[int]:
        r = api.get(URL, query)
        assert r.status_code == 200, r.content.decode()
        return [row["id"] for row in r.json()["items"]]

    assert ids() == [second["id"], first["id"]]  # the latest day first
    assert ids(region="500241100") == [second["id"]]
    assert ids(enterprise=firm.credit_code) == [first["id"]]
    assert ids(kind="other") == [second["id"]]
    assert ids(flag="covert") == [first["id"]]
    assert ids(**{"from": "2025-06-01"}) == [second["id"]] and ids(to="2025-05-31") == [first["id"]]
    assert ids(status="done") == [first["id"]] and ids(status="open") == [second["id"]]
    assert ids(department=str(unit.dept.pk)) == [second["id"], first["id"]] and ids(department="999999") == []
    row = api.get(URL, {"status": "done"}).json()["items"][0]
    assert (row["items_total"], row["items_pending"], row["findings_count"]) == (len(first["items"]), 0, 0)
    for query, field in (({"kind": "x"}, "kind"), ({"from": "2025-13-01"}, "from"), ({"flag": "y"}, "flag")):
        r = api.get(URL, query)
        assert r.status_code == 422 and field in r.json()["errors"], r.content.decode()


def test_every_event_kind_the_services_write_has_a_chinese_label():
    import inspect
    import re

    from zhiben.common import kit
    from zhiben.inspections.services import inspections as services

    source = inspect.getsource(services)
    written = set(re.findall(r'_log\(\s*\w+,\s*\w+,\s*"(\w+)"', source))
    assert written == {"created", "items_recorded", "finding_added", "photo_added", "completed"}
    catalogue = kit.get("inspection").events
    assert all(catalogue.get(kind) is not None for kind in written)
    label, text = kit.event_view("inspection", "created", {"kind": "random", "flags": ["unannounced"], "items": 3})
    assert label == "登记检查" and "双随机抽查" in text and "四不两直" in text and "random" not in text


def test_the_field_case_a_200_megapixel_phone_photo(officer, firm, unit, api_as):
    """The handed case (16320×12240, 4.9 MB) at the real limits, as hazard evidence and tip photos take it."""
    from django.conf import settings as django_settings

    photo = files.phone_photo_200mp(django_settings.DATA_DIR / "test-cache")
    api = api_as(officer)
    data = created(api, body(firm, unit))
    r = _upload(api, data["id"], photo, name="IMG_0001.jpg")
    assert r.status_code == 201, r.content.decode()
    with InspectionPhoto.objects.get().file.open("rb") as stored, Image.open(stored) as img:
        assert img.size == (8160, 6120)  # half its size: the largest that fits the decoder's limit


def test_a_major_finding_the_self_check_missed_is_told_to_the_regulators_at_once(officer, firm, unit, api_as):
    """有问题查不出: a major finding with no self-check hazard citing the same clause in the 365 days before the
    inspection day is flagged on its event and told to the other regulators over the enterprise; one the
    enterprise had itself reported (on the day before, within the window) is not."""
    from zhiben.notifications.models import Notification

    colleague = factories.user("officer2", role="officer", region="500241")
    api = api_as(officer)
    data = created(api, body(firm, unit))
    line = data["items"][3]
    assert api.post(f"{URL}/{data['id']}/findings", {"item": line["id"], "level": "major"}).status_code == 201
    event = Event.objects.get(subject_type="inspection", kind="finding_added")
    assert event.payload["self_check_missed"] is True
    told = Notification.objects.filter(user=colleague, title__startswith="有问题查不出")
    assert told.count() == 1 and firm.name in told.get().title
    assert not Notification.objects.filter(user=officer, title__startswith="有问题查不出").exists()  # not of own act

    # the enterprise's own report of the same clause, 365 days before the next inspection, was seen by its self-check
    later = datetime.date(2026, 6, 3)
    factories.hazard(
        officer,
        firm,
        discovered_on=later - datetime.timedelta(days=365),
        source="self_check",
        level="major",
        criterion=line["criterion"],
    )
    again = created(api, body(firm, unit, on=later.isoformat()))
    same = next(it for it in again["items"] if it["criterion"] == line["criterion"])
    assert api.post(f"{URL}/{again['id']}/findings", {"item": same["id"], "level": "major"}).status_code == 201
    last = Event.objects.filter(subject_type="inspection", kind="finding_added").order_by("-id").first()
    assert last is not None and last.payload["self_check_missed"] is False
    assert told.count() == 1
