"""The demo's 双随机 draws: 秀山县应急管理局's law-enforcement officers (certificates 渝应急执5001xx), and two draws of
the year — the first over every sector, discarded because the scope was wrong (it stays public as 已作废 with
the reason), the second over the hazardous-chemicals firms, published. Run again, it adds nothing."""

from __future__ import annotations

import datetime

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.departments.models import Department
from zhiben.inspections.models import Draw, LawOfficer
from zhiben.inspections.services.draws import draw_create, draw_discard, draw_publish

COUNTY = "500241"
# certificate → (name, demo user who is this officer or "", valid until): the last one's certificate has lapsed,
# so the draw's inspector pool leaves it out
OFFICERS = {
    "渝应急执500101": ("张建军", "county", datetime.date(2028, 12, 31)),
    "渝应急执500102": ("刘海燕", "county2", datetime.date(2028, 12, 31)),
    "渝应急执500103": ("王立新", "chem", datetime.date(2027, 6, 30)),
    "渝应急执500104": ("杨帆", "", datetime.date(2028, 6, 30)),
    "渝应急执500105": ("吴敏", "", datetime.date(2027, 12, 31)),
    "渝应急执500106": ("彭涛", "", datetime.date(2024, 6, 30)),
}
DISCARDED = "秀山县危险化学品企业双随机抽查（范围误选）"
PUBLISHED = "秀山县危险化学品企业双随机抽查"


def _officers(unit: Department) -> None:
    for number, (name, username, valid_to) in OFFICERS.items():
        officer, created = LawOfficer.objects.get_or_create(
            certificate_no=number,
            defaults={"department": unit, "region_id": unit.region_id, "name": name, "certificate_valid_to": valid_to},
        )
        user = User.objects.filter(username=username).first() if username else None
        # another area's demo may have tied the user to an officer of its own: a user is one officer at most
        if created and user is not None and not LawOfficer.objects.filter(user=user).exists():
            officer.user = user
            officer.save(update_fields=["user"])


def seed_draws(*, admin: User) -> None:
    """The demo's officers and draws (see the module docstring); nothing twice."""
    unit = Department.objects.filter(region_id=COUNTY, kind="emergency").order_by("position", "id").first()
    if unit is None:
        return
    _officers(unit)
    if Draw.objects.filter(department=unit, title__in=(DISCARDED, PUBLISHED)).exists():
        return
    actor = User.objects.filter(username="county", department=unit).first() or admin
    today = dates.today()
    wrong = draw_create(
        actor=actor,
        region=COUNTY,
        department=unit.pk,
        enterprises=5,
        inspectors=2,
        seed=f"xiushan-{today.year}-a",
        title=DISCARDED,
        today=today,
    )
    draw_discard(actor=actor, draw_id=wrong.pk, reason="抽查范围误选为全部行业领域，应为危险化学品，已作废并重新抽取")
    right = draw_create(
        actor=actor,
        region=COUNTY,
        department=unit.pk,
        sector="hazardous_chemicals",
        ratio="50",
        inspectors=2,
        seed=f"xiushan-{today.year}-b",
        title=PUBLISHED,
        today=today,
    )
    draw_publish(actor=actor, draw_id=right.pk, today=today)
