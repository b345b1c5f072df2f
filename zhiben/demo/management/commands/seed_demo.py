"""``python manage.py seed_demo``: the demo townships, users and enterprises that ``make run`` shows.

Idempotent: a second run adds nothing and changes nothing (so it never loses a demo user's work).
Everything is written through the services, so the demo data has its event log like real data.
"""

from __future__ import annotations

import datetime
import io
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from PIL import Image, ImageDraw

from zhiben.accidents.inputs import AccidentReport
from zhiben.accidents.models import Accident
from zhiben.accidents.services import accident_create
from zhiben.accounts.models import User
from zhiben.accounts.services import user_create
from zhiben.common.inputs import parse
from zhiben.demo.generator import enterprise_rows
from zhiben.demo.hazard_generator import LOCATIONS, TITLES
from zhiben.enterprises.inputs import EnterpriseRegistration
from zhiben.enterprises.models import Enterprise
from zhiben.enterprises.services import enterprise_create
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardPlan, HazardReport, HazardReviewDecision, HazardSubmission, HazardSupervision
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import (
    hazard_attach,
    hazard_create,
    hazard_plan,
    hazard_review,
    hazard_submit,
    hazard_supervise,
)
from zhiben.reference.models import Sector
from zhiben.reference.selectors import criteria_for
from zhiben.regions.models import Region
from zhiben.regions.services import region_create
from zhiben.tips.inputs import TipReport
from zhiben.tips.models import Tip
from zhiben.tips.services import tip_submit

DEMO_COUNTY = "500241"  # 重庆市 秀山土家族苗族自治县 (the Chongqing plan in shared/seeds is the demo's frame)
# Township codes follow GB/T 2260 numbering (街道 001–099, 镇 100–199) but are illustrative.
DEMO_TOWNSHIPS = [
    ("500241001", "中和街道"),
    ("500241002", "乌杨街道"),
    ("500241003", "平凯街道"),
    ("500241100", "清溪场镇"),
    ("500241101", "隘口镇"),
    ("500241102", "溶溪镇"),
]
OTHER_COUNTIES = ["500101", "500112", "150424", "654326", "110105", "440305"]
PASSWORD = "zhiben-demo-2024"
ADMIN_PASSWORD = "zhiben-admin-2024"
DEMO_ENTERPRISE = "91500241MA5U0DEM30"


def demo_users() -> list[dict[str, Any]]:
    return [
        {"username": "admin", "password": ADMIN_PASSWORD, "role": "admin", "full_name": "安委办管理员"},
        {
            "username": "county",
            "password": PASSWORD,
            "role": "officer",
            "region": DEMO_COUNTY,
            "full_name": "县应急局 张科长",
        },
        {
            "username": "town",
            "password": PASSWORD,
            "role": "officer",
            "region": "500241100",
            "full_name": "清溪场镇 李干部",
        },
        {
            "username": "chem",
            "password": PASSWORD,
            "role": "officer",
            "region": DEMO_COUNTY,
            "sectors": ["hazardous_chemicals", "fireworks"],
            "full_name": "县应急局 危化股 王股长",
        },
        {
            "username": "tips",
            "password": PASSWORD,
            "role": "tip_handler",
            "region": DEMO_COUNTY,
            "full_name": "举报受理 赵主任",
        },
        {
            "username": "firm",
            "password": PASSWORD,
            "role": "enterprise",
            "enterprise": None,
            "full_name": "企业安全员 陈工",
        },
    ]


def _photo(rng: random.Random) -> bytes:
    img = Image.new("RGB", (640, 480), (rng.randint(120, 220), rng.randint(120, 220), rng.randint(120, 220)))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(0, 600), rng.randint(0, 440)
        draw.rectangle((x, y, x + rng.randint(20, 200), y + rng.randint(20, 120)), outline=(90, 30, 30), width=4)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=70)
    return out.getvalue()


class Command(BaseCommand):
    help = "创建演示用的乡镇、用户和企业（可重复运行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="在生产环境中也创建（不建议）")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            # Demo users have published passwords: never create them on a production deployment.
            self.stdout.write("生产环境（ZHIBEN_PRODUCTION=1）不创建演示数据。")
            return
        for code, name in DEMO_TOWNSHIPS:
            if not Region.objects.filter(code=code).exists():
                region_create(actor=None, code=code, name=name, parent=DEMO_COUNTY)
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = user_create(actor=None, check_password_strength=False, **demo_users()[0])
        rng = random.Random(2024)
        high_risk = set(Sector.objects.filter(high_risk=True).values_list("key", flat=True))
        local = [(c, n) for c, n in DEMO_TOWNSHIPS] + [(DEMO_COUNTY, "秀山县")]
        if not Enterprise.objects.filter(region__code__prefix=DEMO_COUNTY).exists():
            first = True
            for row in enterprise_rows(rng, regions=local, high_risk=high_risk, count=60):
                data = {k: v for k, v in row.items() if k not in ("region_id", "sector_id", "high_risk")}
                data["region"] = row["region_id"]
                data["sector"] = row["sector_id"]
                if first:  # one fixed, well-filled enterprise for the enterprise demo user
                    data.update(
                        credit_code=DEMO_ENTERPRISE,
                        name="秀山县清溪化工有限公司",
                        region="500241100",
                        sector="hazardous_chemicals",
                        risk_level="orange",
                        supervision_class="A",
                        standardisation_grade="2",
                        insured=True,
                        status="operating",
                        address="清溪场镇工业园区8号",
                        principal="陈建国",
                        principal_phone="13800000000",
                        safety_contact="陈工",
                        safety_phone="13900000000",
                    )
                    first = False
                enterprise_create(actor=admin, registration=parse(EnterpriseRegistration, data))
            others = [(c, r.name) for c in OTHER_COUNTIES if (r := Region.objects.filter(code=c).first())]
            for row in enterprise_rows(rng, regions=others, high_risk=high_risk, count=30):
                data = {k: v for k, v in row.items() if k not in ("region_id", "sector_id", "high_risk")}
                enterprise_create(
                    actor=admin,
                    registration=parse(
                        EnterpriseRegistration, {**data, "region": row["region_id"], "sector": row["sector_id"]}
                    ),
                )
        for spec in demo_users()[1:]:
            if User.objects.filter(username=spec["username"]).exists():
                continue
            if spec["role"] == "enterprise":
                spec["enterprise"] = DEMO_ENTERPRISE
            user_create(actor=None, check_password_strength=False, **spec)
        if not Hazard.objects.filter(region__code__prefix=DEMO_COUNTY).exists():
            self._hazards(rng)
        self._accidents_and_tips()
        self.stdout.write("演示数据就绪。")

    def _accidents_and_tips(self) -> None:
        """A few accidents and tips, through the services (the tips' receipts are not kept: they are the
        tipsters' own; try the public page /tips/report/ for one)."""
        county = User.objects.get(username="county")
        now = timezone.now()
        if not Accident.objects.filter(region__code__prefix=DEMO_COUNTY).exists():
            for days, hours_late, deaths, injuries, loss, sector, text in (
                (40, 0.5, 0, 2, "180000", "construction", "脚手架局部坍塌，2人重伤"),
                (120, 3, 1, 0, "650000", "road_transport", "危险货物运输车辆侧翻，驾驶员死亡（迟报）"),
                (300, 0.2, 3, 1, "4200000", "hazardous_chemicals", "反应釜爆炸，3人死亡（较大事故）"),
            ):
                occurred = now - datetime.timedelta(days=days)
                accident_create(
                    actor=county,
                    report=parse(
                        AccidentReport,
                        {
                            "region": "500241100",
                            "sector": sector,
                            "occurred_at": occurred,
                            "reported_at": occurred + datetime.timedelta(hours=hours_late),
                            "deaths": deaths,
                            "serious_injuries": injuries,
                            "direct_loss": loss,
                            "description": text,
                        },
                    ),
                )
        if not Tip.objects.filter(region_code__startswith=DEMO_COUNTY).exists():
            for category, description, reporter in (
                ("major_hazard", "清溪场镇某烟花爆竹批发部仓库超量储存，就在居民楼一楼", None),
                (
                    "violation",
                    "中和街道一家小作坊无证生产，夜间加工，没有任何消防设施",
                    {"name": "匿名群众甲", "phone": "13912345678"},
                ),
            ):
                tip_submit(
                    report=TipReport.model_validate(
                        {
                            "region": "500241",
                            "category": category,
                            "description": description,
                            **({"reporter": reporter} if reporter else {}),
                        }
                    )
                )

    def _hazards(self, rng: random.Random) -> None:
        """Demo hazards written through the services, so each has its real timeline."""
        county = User.objects.get(username="county")
        firm_user = User.objects.get(username="firm")
        today = rules.today()
        firms = list(Enterprise.objects.filter(region__code__prefix=DEMO_COUNTY).order_by("id"))
        for i in range(36):
            enterprise = firms[i % len(firms)]
            level = "major" if i % 4 == 0 else "general"
            discovered = today - datetime.timedelta(days=rng.randint(1, 900))
            source = "self_check" if i % 3 else rng.choice(["inspection", "tip", "other"])
            actor = firm_user if enterprise.credit_code == DEMO_ENTERPRISE and source == "self_check" else county
            criteria = list(criteria_for(sector=enterprise.sector_id).values_list("code", flat=True)[:8])
            hazard = hazard_create(
                actor=actor,
                report=parse(
                    HazardReport,
                    {
                        "enterprise": enterprise.credit_code,
                        "title": rng.choice(TITLES[level]),
                        "level": level,
                        "source": source,
                        "discovered_on": discovered,
                        "location": rng.choice(LOCATIONS),
                        "criterion": rng.choice(criteria) if level == "major" else "",
                        "deadline": discovered + datetime.timedelta(days=rng.randint(15, 120)),
                    },
                ),
                files=[(io.BytesIO(_photo(rng)), "现场照片.jpg", None)],
            )
            stage = i % 5
            if stage == 0:
                continue  # still open
            hazard_plan(
                hazard_id=hazard.pk,
                actor=actor,
                plan=parse(
                    HazardPlan,
                    {
                        "responsible_person": enterprise.principal or "安全负责人",
                        "measures": "按整改方案落实",
                        "funds": rng.randint(1, 50) * 1000,
                        "deadline": hazard.deadline,
                        "interim_measures": "整改期间设置警戒，专人监护",
                    },
                ),
            )
            if stage == 1:
                continue  # rectifying
            # the close-out cites a photo taken after the rectification, never the photo of the hazard
            evidence = hazard_attach(
                hazard_id=hazard.pk, actor=actor, uploads=[(io.BytesIO(_photo(rng)), "整改后照片.jpg", None)]
            )
            hazard_submit(
                hazard_id=hazard.pk,
                actor=actor,
                submission=parse(
                    HazardSubmission,
                    {"summary": "已按方案完成整改", "attachments": [a.pk for a in evidence]},
                ),
            )
            if level == "major" and stage >= 3:
                reviewer = county if actor != county else User.objects.get(username="town")
                if Hazard.objects.get(pk=hazard.pk).region_id.startswith(reviewer.region_id or ""):
                    hazard_review(
                        hazard_id=hazard.pk,
                        actor=reviewer,
                        review=parse(HazardReviewDecision, {"decision": "approve", "comment": "现场核查合格"}),
                    )
            if level == "major" and stage == 2:
                hazard_supervise(
                    hazard_id=hazard.pk,
                    actor=county,
                    supervision=parse(HazardSupervision, {"level": "county", "notice_no": f"秀安委督〔2025〕{i}号"}),
                )
