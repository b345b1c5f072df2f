"""The demo's duty lists and pressure (履职清单 · 督促问责) for the demo county: the county's committee office
(the demo user ``office``, put in the 安委会办公室 by zhiben/demo/departments.py), a 县长's duty list and the
county 应急管理局's annual list with items and ledger
entries (one quarter left unreported, one item done late, so the completion rate has something to show), and
a 督促函 to a township with its follow-up deadline ahead. Idempotent: a second run adds nothing."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.accounts.models import User
from zhiben.accounts.services import user_create
from zhiben.common import dates
from zhiben.departments.models import Department, DepartmentKind
from zhiben.departments.services import departments_seed, member_set
from zhiben.duties.models import DutyList, Pressure
from zhiben.duties.services import duty_entry_add, duty_item_add, duty_list_create, pressure_create

OFFICE_USER = "office"
TOWNSHIP = "500241101"  # 隘口镇


def seed_duties(*, admin: User, county: str, password: str) -> None:
    """Seed the county's duty lists and one pressure (see the module's docstring)."""
    if not Department.objects.filter(region_id=county).exists():
        departments_seed(actor=admin, region=county)
    office_unit = Department.objects.get(region_id=county, kind=DepartmentKind.COMMITTEE_OFFICE)
    emergency = Department.objects.get(region_id=county, kind=DepartmentKind.EMERGENCY)
    office = User.objects.filter(username=OFFICE_USER).first()
    if office is None:
        office = user_create(
            actor=None,
            check_password_strength=False,
            username=OFFICE_USER,
            password=password,
            role="officer",
            region=county,
            full_name="县安委办 周主任",
        )
        member_set(actor=admin, user=office, department=office_unit.pk)
    today = dates.today()
    # the last year whose October is over: every entry below is a past day
    year = today.year if today >= datetime.date(today.year, 11, 1) else today.year - 1
    if not DutyList.objects.filter(region_id=county, year=year).exists():
        _leader_list(office, county, year)
        _bureau_list(office, county, year, emergency)
    if not Pressure.objects.filter(issuer_region_id=county, target_region_id=TOWNSHIP).exists():
        pressure_create(
            actor=office,
            kind="urging_letter",
            target_kind="region",
            target=TOWNSHIP,
            reason="你镇重大事故隐患排查整治进度滞后，2处重大事故隐患超过整改期限未销号；\n"
            "小散工程和零星作业执法检查未按计划开展。",
            on=today - datetime.timedelta(days=20),
            follow_up_due=today + datetime.timedelta(days=10),
        )


def _entries(office: User, item: Any, days: list[tuple[datetime.date, str]]) -> None:
    for day, text in days:
        duty_entry_add(actor=office, item=item, done_on=day, text=text)


def _leader_list(office: User, county: str, year: int) -> None:
    d = datetime.date
    duty_list = duty_list_create(
        actor=office, region=county, year=year, leader_name="张三", leader_post="县长", filed_on=d(year, 1, 20)
    )
    meetings = duty_item_add(
        actor=office,
        duty_list=duty_list,
        number="1",
        text="每季度至少主持召开1次县政府常务会议，专题研究安全生产工作",
        period="quarter",
    )
    _entries(
        office,
        meetings,
        [
            (d(year, 3, 28), "主持召开县政府常务会议，部署安全生产治本攻坚三年行动"),
            (d(year, 6, 26), "主持召开会议研究重大事故隐患动态清零"),
        ],
    )
    study = duty_item_add(
        actor=office,
        duty_list=duty_list,
        number="2",
        text="带头学习习近平总书记关于安全生产重要论述，专题学习重特大事故调查处理报告",
        due_text="6月底前",
    )
    _entries(office, study, [(d(year, 6, 20), "县政府党组理论学习中心组专题学习")])
    inspect = duty_item_add(
        actor=office,
        duty_list=duty_list,
        number="3",
        text="带队督导检查重点行业领域重大事故隐患排查整治情况",
        due_on=d(year, 9, 30),
    )
    _entries(office, inspect, [(d(year, 10, 12), "带队检查城镇燃气和危险化学品企业（逾期完成）")])
    duty_item_add(
        actor=office, duty_list=duty_list, number="4", text="听取年度安全生产治本攻坚工作汇报", due_text="年底前"
    )


def _bureau_list(office: User, county: str, year: int, unit: Department) -> None:
    d = datetime.date
    duty_list = duty_list_create(actor=office, region=county, year=year, kind="annual", department=unit.pk)
    ledger = duty_item_add(
        actor=office, duty_list=duty_list, number="1", text="建立企业安全生产分级分类动态管理清单", due_text="6月底前"
    )
    _entries(office, ledger, [(d(year, 6, 15), "完成全县工贸企业分级分类，清单已印发")])
    training = duty_item_add(
        actor=office,
        duty_list=duty_list,
        number="2",
        text="组织高危行业企业主要负责人安全教育培训",
        due_on=d(year, 9, 30),
    )
    _entries(office, training, [(d(year, 9, 28), "举办培训班2期，培训主要负责人126人")])
    monthly = duty_item_add(
        actor=office, duty_list=duty_list, number="3", text="每月通报重大事故隐患排查整治情况", period="month"
    )
    _entries(office, monthly, [(d(year, m, 5), f"印发{m}月重大事故隐患排查整治情况通报") for m in range(1, 10)])
