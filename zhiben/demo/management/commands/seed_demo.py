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
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from zhiben.accidents.inputs import AccidentReport
from zhiben.accidents.models import Accident
from zhiben.accidents.services import accident_create
from zhiben.accounts.models import User
from zhiben.accounts.services import user_create
from zhiben.common.inputs import parse
from zhiben.demo import clock
from zhiben.demo.departments import seed_departments
from zhiben.demo.duties import seed_duties
from zhiben.demo.generator import enterprise_rows
from zhiben.demo.hazard_generator import LOCATIONS, TITLES
from zhiben.demo.inspections_draws import seed_draws
from zhiben.demo.inspections_insp import seed_inspections_insp
from zhiben.demo.inspections_orders import seed_inspection_orders
from zhiben.demo.inspections_pen import seed_inspections_pen
from zhiben.demo.inspections_stats import seed_enforcement_stats
from zhiben.demo.plans import seed_plans
from zhiben.demo.risks_checks import seed_risks_checks
from zhiben.demo.risks_interface import seed_risks_interface
from zhiben.demo.risks_map import seed_risks_map
from zhiben.demo.risks_register import seed_risk_register
from zhiben.enterprises.inputs import EnterpriseRegistration
from zhiben.enterprises.models import Enterprise
from zhiben.enterprises.services import enterprise_create
from zhiben.escalation.engine import sweep
from zhiben.hazards import rules
from zhiben.hazards.inputs import (
    HazardCancellation,
    HazardPlan,
    HazardReport,
    HazardReviewDecision,
    HazardSubmission,
    HazardSupervision,
)
from zhiben.hazards.models import AttachmentKind, Hazard
from zhiben.hazards.services import (
    hazard_attach,
    hazard_cancel,
    hazard_create,
    hazard_plan,
    hazard_review,
    hazard_submit,
    hazard_supervise,
)
from zhiben.notifications.models import Notification
from zhiben.reference.models import Sector
from zhiben.reference.selectors import criteria_in_force
from zhiben.regions.models import Region
from zhiben.regions.services import region_create
from zhiben.tips.inputs import TipExtension, TipReply, TipReport, TipRewardPayment, TipVerification
from zhiben.tips.models import Tip
from zhiben.tips.services import (
    tip_extend,
    tip_reply,
    tip_reward_notice,
    tip_reward_paid,
    tip_submit,
    tip_verify,
)

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
# The stories (indices of _hazards' plan) of the demo enterprise's own hazards: so that its user has a stock
# hazard still open, close-outs waiting for review, one without a plan, one overdue, one rectifying.
DEMO_FIRM_STORIES = frozenset({0, 5, 14, 20, 23, 28, 38, 42})


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
            "username": "county2",
            "password": PASSWORD,
            "role": "officer",
            "region": DEMO_COUNTY,
            "full_name": "县应急局 刘副科长",
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
            "username": "office",
            "password": PASSWORD,
            "role": "officer",
            "region": DEMO_COUNTY,
            "full_name": "县安委办 周主任",
        },
        {
            "username": "housing",
            "password": PASSWORD,
            "role": "officer",
            "region": DEMO_COUNTY,
            "full_name": "县住建局 孙科长",
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
                data = {k: v for k, v in row.items() if k not in ("region_id", "sector_id", "high_risk", "name_key")}
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
                data = {k: v for k, v in row.items() if k not in ("region_id", "sector_id", "high_risk", "name_key")}
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
        seed_departments(admin=admin, townships=DEMO_TOWNSHIPS)
        if not Hazard.objects.filter(region__code__prefix=DEMO_COUNTY).exists():
            self._hazards(rng)
        self._accidents_and_tips()
        seed_plans(admin=admin)
        seed_duties(admin=admin, county=DEMO_COUNTY, password=PASSWORD)
        seed_draws(admin=admin)
        seed_inspections_insp(admin=admin)
        seed_inspection_orders(admin=admin)
        seed_enforcement_stats(admin=admin, enterprise=DEMO_ENTERPRISE)
        seed_inspections_pen()
        # dual prevention: the register, then the map and posts (which place and name its units), then the checks
        # (tasks for its measures and the rhythm, a fortnight of records)
        seed_risk_register(enterprise=DEMO_ENTERPRISE)
        seed_risks_map(enterprise=DEMO_ENTERPRISE)
        seed_risks_checks(enterprise=DEMO_ENTERPRISE)
        seed_risks_interface(admin=admin, county=DEMO_COUNTY, besides=DEMO_ENTERPRISE)
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
                # the demo enterprise's own, still within its 30 days for a supplementary report (补报)
                (9, 0.4, 0, 1, "86000", "hazardous_chemicals", "装卸区槽车软管脱落，1人化学灼伤（重伤）"),
            ):
                occurred = now - datetime.timedelta(days=days)
                with clock.at(occurred + datetime.timedelta(hours=hours_late)):
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
                                **({"enterprise": DEMO_ENTERPRISE} if days < 30 else {}),
                            },
                        ),
                    )
        if not Tip.objects.filter(region_code__startswith=DEMO_COUNTY).exists():
            self._tips()

    def _tips(self) -> None:
        """Tips at every stage, each step on its own day (the tipsters' receipts are not kept: they are the
        tipsters' own; try the public page /tips/report/ for one): new, late for verification, extended,
        verified and waiting for the reply, replied with its reward paid."""
        handler = User.objects.get(username="tips")
        today = rules.today()
        day = datetime.timedelta(days=1)
        timeline = clock.Timeline()
        stories: list[tuple[int, str, str, dict[str, Any] | None, list[tuple[int, str, dict[str, Any]]]]] = [
            (12, "major_hazard", "清溪场镇某烟花爆竹批发部仓库超量储存，就在居民楼一楼", None, []),
            (75, "violation", "隘口镇一家石材厂夜间违规爆破，无人警戒", None, []),
            (
                85,
                "other",
                "溶溪镇某冷库液氨管道有异味，担心泄漏",
                None,
                [(45, "extend", {"reason": "需协调市场监管部门联合核查", "approved_by": "重庆市应急管理局"})],
            ),
            (
                40,
                "violation",
                "中和街道一家小作坊无证生产，夜间加工，没有任何消防设施",
                {"name": "匿名群众甲", "phone": "13912345678"},
                [(6, "verify", {"outcome": "unfounded"})],
            ),
            (
                130,
                "violation",
                "平凯街道某物流仓库违规储存危险化学品",
                {"name": "李先生", "phone": "13700001111"},
                [
                    (110, "verify", {"outcome": "confirmed", "fine": "20000"}),
                    (
                        104,
                        "reply",
                        {
                            "facts": "仓库违规储存危险化学品属实",
                            "handling": "已依法责令整改并处罚款2万元",
                            "body": "感谢您的举报。",
                        },
                    ),
                    (100, "notice", {}),
                    (70, "pay", {}),
                ],
            ),
        ]
        for accepted_ago, category, text, reporter, steps in stories:
            made: dict[str, int] = {}

            def submit(category: str = category, text: str = text, reporter: Any = reporter, made: Any = made) -> None:
                data = {"region": DEMO_COUNTY, "category": category, "description": text}
                tip, _ = tip_submit(
                    report=TipReport.model_validate({**data, **({"reporter": reporter} if reporter else {})})
                )
                made["id"] = tip.pk

            timeline.add(clock.moment(today - accepted_ago * day, 8), submit)
            for ago, action, values in steps:

                def act(action: str = action, values: dict[str, Any] = values, made: Any = made) -> None:
                    tip_id = made["id"]
                    if action == "extend":
                        tip_extend(actor=handler, tip_id=tip_id, extension=parse(TipExtension, values))
                    elif action == "verify":
                        tip_verify(actor=handler, tip_id=tip_id, verification=parse(TipVerification, values))
                    elif action == "reply":
                        tip_reply(actor=handler, tip_id=tip_id, reply=parse(TipReply, values))
                    elif action == "notice":
                        tip_reward_notice(actor=handler, tip_id=tip_id)
                    else:
                        reward = Tip.objects.get(pk=tip_id).reward
                        payment = {"paid_on": rules.today(), "amount": reward.amount}
                        tip_reward_paid(actor=handler, tip_id=tip_id, payment=parse(TipRewardPayment, payment))

                timeline.add(clock.moment(today - ago * day, 15), act)
        timeline.run()

    def _hazards(self, rng: random.Random) -> None:
        """A county's programme so far, written as it happened (zhiben/demo/clock.py): each hazard is
        recorded, planned, submitted, reviewed or listed through the services on its own day, so its
        timeline, its dates and the counts are those of a real year. The stock (discovered before the
        cut-off, typed in at the programme's start) is mostly closed by its deadline, some late, a few still
        open; this year's increment is at every stage: closed on time or late, overdue, rectifying, waiting
        for review, listed, one without a plan for too long, one cancelled."""
        people = {u.username: u for u in User.objects.filter(username__in=["county", "county2", "town", "firm"])}
        county, town, firm_user = people["county"], people["town"], people["firm"]
        self.second = people["county2"]
        today = rules.today()
        begin = min(today - datetime.timedelta(days=365), datetime.date(2024, 1, 8))
        cutoff = rules.stock_cutoff()
        firms = list(Enterprise.objects.filter(region__code__prefix=DEMO_COUNTY).order_by("id"))
        demo_firm = next(f for f in firms if f.credit_code == DEMO_ENTERPRISE)
        timeline = clock.Timeline()
        # (stock?, level, outcome): what becomes of each hazard, in a county's proportions
        plan_of = [
            *((True, "major", "on_time") for _ in range(4)),
            (True, "major", "late"),
            (True, "major", "overdue"),
            *((True, "general", "on_time") for _ in range(5)),
            (True, "general", "late"),
            *((False, "major", "on_time") for _ in range(4)),
            (False, "major", "late"),
            (False, "major", "overdue"),
            (False, "major", "listed"),
            (False, "major", "listed_closed"),
            (False, "major", "pending"),
            (False, "major", "pending"),
            (False, "major", "rectifying"),
            (False, "major", "no_plan"),
            (False, "major", "cancelled"),
            *((False, "general", "on_time") for _ in range(10)),
            *((False, "general", "late") for _ in range(3)),
            *((False, "general", "overdue") for _ in range(3)),
            *((False, "general", "rectifying") for _ in range(4)),
            (False, "general", "open"),
        ]
        for i, (stock, level, outcome) in enumerate(plan_of):
            # the demo enterprise has one of each kind of its own; the others spread over the county
            firm = demo_firm if i in DEMO_FIRM_STORIES else firms[(i * 5) % len(firms)]
            self._hazard_story(
                timeline, rng, i, firm, stock, level, outcome, begin, cutoff, today, county, town, firm_user
            )
        timeline.run()
        # what the nightly sweep would have found today, and the older notices read by now
        sweep(today=today)
        Notification.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=14)).update(
            read_at=F("created_at") + datetime.timedelta(hours=2)
        )

    def _hazard_story(
        self,
        timeline: clock.Timeline,
        rng: random.Random,
        i: int,
        firm: Enterprise,
        stock: bool,
        level: str,
        outcome: str,
        begin: datetime.date,
        cutoff: datetime.date,
        today: datetime.date,
        county: User,
        town: User,
        firm_user: User,
    ) -> None:
        """One hazard's steps on the timeline (recorded, planned, submitted, reviewed, listed …)."""
        day = datetime.timedelta(days=1)
        recent = outcome in ("pending", "rectifying", "no_plan", "open", "listed")
        if stock:
            discovered = cutoff - rng.randint(20, 300) * day
            recorded = begin + rng.randint(0, 40) * day
            deadline = min(rules.stock_deadline(), recorded + rng.randint(60, 200) * day)
        else:
            first = begin + 60 * day
            span = max((today - first).days - 40, 1)
            discovered = today - rng.randint(10, 35) * day if recent else first + rng.randint(0, span) * day
            recorded = discovered + rng.randint(0, 3) * day
            deadline = discovered + (rng.randint(60, 150) if level == "major" else rng.randint(10, 45)) * day
        if outcome in ("rectifying", "pending", "listed", "open"):
            deadline = max(deadline, today + rng.randint(10, 60) * day)
        if outcome == "overdue":
            deadline = min(deadline, today - rng.randint(5, 60) * day)
        if firm.credit_code == DEMO_ENTERPRISE:
            actor, source = firm_user, "self_check"
        elif firm.region_id.startswith(town.region_id or "-"):
            actor, source = town, rng.choice(["inspection", "self_check", "tip"])
        else:
            actor, source = county, rng.choice(["inspection", "self_check", "self_check", "other"])
        reviewer = county if actor != county else self.second
        # clauses in force on the discovery date (FACTS §2), cited alone (not the fire determination)
        in_force = criteria_in_force(firm.sector_id, discovered).exclude(kind="determination")
        criteria = list(in_force.values_list("code", flat=True)[:8])
        if level == "major" and not criteria:  # no clause in force that day: the sector has no list here
            level = "general"
        title = TITLES[level][i % len(TITLES[level])]
        photo = _photo(rng)
        made: dict[str, int] = {}

        def record() -> None:
            report = {
                "enterprise": firm.credit_code,
                "title": title,
                "level": level,
                "source": source,
                "discovered_on": discovered,
                "location": rng.choice(LOCATIONS),
                "criterion": criteria[i % len(criteria)] if level == "major" and criteria else "",
                **({"deadline": deadline} if outcome != "no_plan" else {}),
            }
            hazard = hazard_create(
                actor=actor, report=parse(HazardReport, report), files=[(io.BytesIO(photo), "现场照片.jpg", None)]
            )
            made["id"] = hazard.pk

        def plan() -> None:
            values = {
                "responsible_person": firm.principal or "安全负责人",
                "measures": "按整改方案落实：" + title.replace("未", "").replace("不符合要求", "") + "整治",
                "funds": rng.randint(1, 50) * 1000,
                "deadline": deadline,
                "interim_measures": "整改期间设置警戒，专人监护",
            }
            hazard_plan(hazard_id=made["id"], actor=actor, plan=parse(HazardPlan, values))

        def submit() -> None:
            # the close-out cites a photo taken after the rectification, never the photo of the hazard as found
            after = _photo(random.Random(f"after-{i}"))  # an rng of its own: the other hazards' draws stay as they were
            evidence = hazard_attach(
                hazard_id=made["id"],
                actor=actor,
                uploads=[(io.BytesIO(after), "整改后照片.jpg", None)],
                kind=AttachmentKind.EVIDENCE,
            )
            submission = {"summary": "已按方案完成整改，附整改后照片", "attachments": [a.pk for a in evidence]}
            hazard_submit(hazard_id=made["id"], actor=actor, submission=parse(HazardSubmission, submission))

        def review() -> None:
            decision = {"decision": "approve", "comment": "现场核查，整改到位"}
            hazard_review(hazard_id=made["id"], actor=reviewer, review=parse(HazardReviewDecision, decision))

        def listing() -> None:
            supervision = {"level": "county", "notice_no": f"秀安委督〔{timezone.localdate().year}〕{i}号"}
            hazard_supervise(hazard_id=made["id"], actor=county, supervision=parse(HazardSupervision, supervision))

        def cancel() -> None:
            # a major hazard is cancelled by two officers: one proposes, another confirms (DESIGN §3)
            for officer in (county, self.second):
                hazard_cancel(
                    hazard_id=made["id"],
                    actor=officer,
                    cancellation=parse(HazardCancellation, {"reason": "复核为重复登记"}),
                )

        at = clock.moment
        timeline.add(at(recorded, 9, i % 60), record)
        if outcome in ("no_plan", "open"):
            return
        if outcome == "cancelled":
            timeline.add(at(recorded + 3 * day, 15), cancel)
            return
        planned = recorded + rng.randint(1, 6) * day
        timeline.add(at(min(planned, today), 10, i % 60), plan)
        if outcome in ("listed", "listed_closed"):
            timeline.add(at(min(planned + 7 * day, today), 11), listing)
        if outcome in ("rectifying", "overdue", "listed"):
            return
        if outcome == "pending":
            submitted = today - rng.randint(1, 5) * day
        elif outcome == "late":
            submitted = deadline + rng.randint(5, 40) * day
        else:  # on time (listed_closed too)
            submitted = max(planned + day, deadline - rng.randint(3, 20) * day)
        submitted = min(submitted, today)
        timeline.add(at(submitted, 14, i % 60), submit)
        if level == "major" and outcome != "pending":
            timeline.add(at(min(submitted + rng.randint(1, 8) * day, today), 16, i % 60), review)
