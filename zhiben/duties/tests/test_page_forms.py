"""The pages' forms of the committee office: a new list, a new item, items from Excel and a new pressure — shown
only to who may use them, a refusal re-rendering the page (422) with the field named and nothing saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhiben.audit.models import Event
from zhiben.common.xlsx import Column, write_table
from zhiben.duties.models import DueKind, DutyItem, DutyList, Pressure, PressureKind

from .conftest import COUNTY, TOWNSHIP, Duties, leader_list

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(response) -> str:
    return response.content.decode()


# --- a new list -----------------------------------------------------------------------------------------


def test_the_list_form_is_shown_to_the_committee_office_only(duties: Duties) -> None:
    page = text(duties.client("office").get("/duty-lists/"))
    assert "登记" in page and 'name="owner"' in page
    assert duties.units["emergency"].name in page  # the region's units in the select
    for name in ("emergency", "leader", "city"):
        assert 'name="owner"' not in text(duties.client(name).get("/duty-lists/"))


def test_the_office_registers_a_units_list_from_the_page(duties: Duties) -> None:
    unit = duties.units["emergency"]
    r = duties.client("office").post(
        "/duty-lists/", {"kind": "annual", "year": "2026", "owner": "department", "department": str(unit.pk)}
    )
    assert r.status_code == 302
    made = DutyList.objects.get()
    assert r["Location"] == f"/duty-lists/{made.pk}/"
    assert (made.department_id, made.kind, made.year, made.region_id) == (unit.pk, "annual", 2026, COUNTY)


def test_a_leaders_list_from_the_page_names_the_leader(duties: Duties) -> None:
    r = duties.client("office").post(
        "/duty-lists/",
        {"kind": "duty", "year": "2026", "owner": "leader", "leader_post": "县长", "leader_name": "王五"},
    )
    assert r.status_code == 302
    assert DutyList.objects.get().owner == "县长 王五"


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"year": "26", "owner": "leader", "leader_name": "王五"}, "年度"),
        ({"year": "2026", "owner": "leader"}, "领导干部"),
        ({"year": "2026", "owner": "department", "department": "999999"}, "成员单位"),
        ({"year": "2026", "owner": "leader", "leader_name": "王五", "filed_on": "2026-13-01"}, "备案日期"),
    ],
)
def test_a_bad_list_form_is_422_naming_the_field_and_saves_nothing(duties: Duties, form, words) -> None:
    r = duties.client("office").post("/duty-lists/", {"kind": "duty", **form})
    assert r.status_code == 422
    assert words in text(r)
    assert 'role="alert"' in text(r)
    assert not DutyList.objects.exists()
    assert not Event.objects.filter(subject_type="duty_list").exists()


def test_who_may_not_keep_lists_is_refused_on_the_page(duties: Duties) -> None:
    form = {"kind": "duty", "year": "2026", "owner": "leader", "leader_name": "王五", "region": COUNTY}
    assert duties.client("emergency").post("/duty-lists/", form).status_code == 403
    assert duties.client("outsider").post("/duty-lists/", form).status_code == 404
    assert not DutyList.objects.exists()


# --- a new item and items from Excel ----------------------------------------------------------------------


def test_the_office_adds_an_item_with_a_deadline_as_written(duties: Duties) -> None:
    duty_list = leader_list(duties)
    office = duties.client("office")
    page = text(office.get(f"/duty-lists/{duty_list.pk}/"))
    assert 'value="item"' in page and 'value="import"' in page
    r = office.post(
        f"/duty-lists/{duty_list.pk}/",
        {"action": "item", "number": "1", "text": "专题研究", "due_text": "2026年6月底前"},
    )
    assert r.status_code == 302
    r = office.post(
        f"/duty-lists/{duty_list.pk}/", {"action": "item", "number": "2", "text": "督导", "due_text": "每季度"}
    )
    assert r.status_code == 302
    first, second = duty_list.items.all()
    assert (first.due_kind, str(first.due_on)) == (DueKind.MONTH_END, "2026-06-30")
    assert (second.due_kind, second.period) == (DueKind.ONGOING, "quarter")


def test_the_item_form_is_not_shown_to_the_leader_and_refused_with_403(duties: Duties) -> None:
    duty_list = leader_list(duties)
    leader = duties.client("leader")
    assert 'value="item"' not in text(leader.get(f"/duty-lists/{duty_list.pk}/"))
    r = leader.post(
        f"/duty-lists/{duty_list.pk}/", {"action": "item", "number": "1", "text": "x", "due_text": "年底前"}
    )
    assert r.status_code == 403
    assert not DutyItem.objects.exists()


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"number": "1", "text": "x", "due_text": "尽快"}, "完成时限"),
        ({"number": "1", "text": "", "due_text": "年底前"}, "事项内容"),
        ({"number": "1", "text": "x", "due_text": "2027年6月底前"}, "清单年度"),
    ],
)
def test_a_bad_item_form_is_422_naming_the_field_and_saves_nothing(duties: Duties, form, words) -> None:
    duty_list = leader_list(duties)
    r = duties.client("office").post(f"/duty-lists/{duty_list.pk}/", {"action": "item", **form})
    assert r.status_code == 422
    assert words in text(r)
    assert not DutyItem.objects.exists()


def items_workbook(*rows, header=("序号", "职责内容", "完成时限")) -> bytes:
    return write_table("清单", [Column(h) for h in header], rows, caption="县长安全生产职责清单")


def test_items_come_in_from_excel_through_the_page(duties: Duties) -> None:
    duty_list = leader_list(duties)
    data = items_workbook(("1", "研究部署安全生产", "每季度"), ("2", "带队督导检查", "2026年6月底前"))
    upload = SimpleUploadedFile("清单.xlsx", data, content_type=XLSX)
    r = duties.client("office").post(f"/duty-lists/{duty_list.pk}/", {"action": "import", "file": upload})
    assert r.status_code == 302
    assert [i.number for i in duty_list.items.all()] == ["1", "2"]


def test_a_bad_row_in_excel_on_the_page_is_422_with_its_row_and_nothing_saved(duties: Duties) -> None:
    duty_list = leader_list(duties)
    data = items_workbook(("1", "研究部署安全生产", "每季度"), ("2", "带队督导检查", "尽快"))
    upload = SimpleUploadedFile("清单.xlsx", data, content_type=XLSX)
    r = duties.client("office").post(f"/duty-lists/{duty_list.pk}/", {"action": "import", "file": upload})
    assert r.status_code == 422
    assert "第 4 行「完成时限」" in text(r)  # caption, header, row 1, row 2: Excel's row 4
    assert not DutyItem.objects.exists()


# --- a new pressure ---------------------------------------------------------------------------------------


def test_the_pressure_form_offers_the_lower_regions_and_the_units(duties: Duties) -> None:
    page = text(duties.client("office").get("/pressures/"))
    assert f'value="region:{TOWNSHIP}"' in page
    assert f'value="department:{duties.units["housing"].pk}"' in page
    for name in ("emergency", "township", "leader"):
        assert 'name="follow_up_due"' not in text(duties.client(name).get("/pressures/"))


def test_the_office_records_a_pressure_from_the_page(duties: Duties) -> None:
    r = duties.client("office").post(
        "/pressures/",
        {
            "kind": "interview",
            "target": f"department:{duties.units['housing'].pk}",
            "reason": "自建房安全专项整治进度滞后",
            "on": "2026-03-02",
            "follow_up_due": "2026-03-31",
        },
    )
    assert r.status_code == 302
    made = Pressure.objects.get()
    assert r["Location"] == f"/pressures/{made.pk}/"
    assert (made.kind, made.target_department_id) == (PressureKind.INTERVIEW, duties.units["housing"].pk)


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({"target": ""}, "对象"),
        ({"kind": "listed_supervision", "target": "department:{housing}"}, "挂牌督办"),
        ({"follow_up_due": "2026-03-01"}, "反馈期限"),
        ({"reason": ""}, "事由"),
        ({"on": "2026-02-30"}, "日期"),
    ],
)
def test_a_bad_pressure_form_is_422_naming_the_field_and_saves_nothing(duties: Duties, form, words) -> None:
    data = {
        "kind": "urging_letter",
        "target": f"region:{TOWNSHIP}",
        "reason": "隐患整改滞后",
        "on": "2026-03-02",
        "follow_up_due": "2026-03-31",
        **form,
    }
    data["target"] = data["target"].format(housing=duties.units["housing"].pk)
    r = duties.client("office").post("/pressures/", data)
    assert r.status_code == 422
    assert words in text(r)
    assert not Pressure.objects.exists()
    assert not Event.objects.filter(subject_type="pressure").exists()


def test_who_is_not_a_committee_office_is_refused_a_pressure_on_the_page(duties: Duties) -> None:
    data = {"kind": "urging_letter", "target": f"region:{TOWNSHIP}", "reason": "x", "on": "2026-03-02"}
    data["follow_up_due"] = "2026-03-31"
    assert duties.client("emergency").post("/pressures/", data).status_code == 403
    assert not Pressure.objects.exists()


def test_the_ledger_button_is_on_the_list_page(duties: Duties) -> None:
    duty_list = leader_list(duties)
    page = text(duties.client("leader").get(f"/duty-lists/{duty_list.pk}/"))
    assert f"/api/v1/duty-lists/{duty_list.pk}/ledger.xlsx" in page


def test_an_admin_registers_a_list_for_the_region_asked_for(duties: Duties) -> None:
    admin = duties.client("admin")
    page = text(admin.get(f"/duty-lists/?region={COUNTY}"))
    assert f'name="region" value="{COUNTY}"' in page and duties.units["housing"].name in page
    r = admin.post(
        "/duty-lists/",
        {
            "region": COUNTY,
            "kind": "annual",
            "year": "2026",
            "owner": "department",
            "department": duties.units["housing"].pk,
        },
    )
    assert r.status_code == 302
    assert DutyList.objects.get().department_id == duties.units["housing"].pk


def test_an_admin_records_a_pressure_from_the_page_for_the_region_above_the_target(duties: Duties) -> None:
    admin = duties.users["admin"]
    admin.region_id = COUNTY
    admin.save(update_fields=["region"])
    data = {"kind": "warning_notice", "target": f"region:{TOWNSHIP}", "reason": "x", "on": "2026-03-02"}
    r = duties.client("admin").post("/pressures/", {**data, "follow_up_due": "2026-03-31"})
    assert r.status_code == 302
    assert Pressure.objects.get().issuer_region_id == COUNTY
