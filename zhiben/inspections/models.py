"""Inspections and enforcement (监督检查 · 双随机 · 执法+专家 · 执法文书 · 行政处罚), DESIGN.md §4 and §6.

The register's rows, in the order an officer meets them:

- ``LawOfficer`` (执法人员): the inspector pool of a member unit, each with the certificate number that lets
  them sign enforcement documents; ``Expert`` and ``ExpertRelation`` (专家库 and the ties that bar an expert
  from an enterprise: 回避).
- ``InspectionPlan`` and ``PlanItem`` (年度监督检查计划): the enterprises a unit must inspect in a year, by
  supervision class (A–D, frequencies a setting), the key sectors and the number of random draws.
- ``Draw`` (双随机抽查): a reproducible, published draw of enterprises and inspectors; every draw is kept,
  discarded ones included.
- ``Inspection`` with its team (``TeamMember``), checklist (``CheckItem``) and photos (``InspectionPhoto``);
  a failed item becomes a ``Finding``, a hazard (``source=inspection``, ``hazard.finding``).
- ``Order`` (责令限期整改 / 现场处理措施) and ``Reinspection`` (复查); ``Penalty`` (行政处罚) with payment and
  enforcement.
- ``EnforcementTally``: summary counts kept in the same transactions (DESIGN.md §5), so the enforcement
  statistics of a province read a few hundred rows, not its inspections.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhiben.accounts.scope import ScopePaths


class LawOfficer(models.Model):
    """A law-enforcement officer (执法人员) of a member unit: the department's inspector pool for draws, and the
    people of an inspection team. Only an active officer with a certificate number (行政执法证件号) counts
    towards the two a team needs to issue documents (行政处罚法 第四十二条: 执法人员不得少于两人)."""

    department = models.ForeignKey(
        "departments.Department", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the department: scoped lists read it without a join.
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="law_officer",
    )
    name = models.CharField("姓名", max_length=40)
    certificate_no = models.CharField("执法证号", max_length=40, unique=True)
    certificate_valid_to = models.DateField("执法证有效期至", null=True, blank=True)
    active = models.BooleanField("在岗", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["department_id", "certificate_no"]
        indexes = [models.Index(fields=["region", "active"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"


class Expert(models.Model):
    """An expert of a region's pool (专家库), called into inspections (执法+专家). ``sectors``: the sector keys
    of their specialty; ``specialty``: the words (e.g. 危化工艺安全, 电气)."""

    region = models.ForeignKey("regions.Region", verbose_name="专家库区划", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("姓名", max_length=40)
    organisation = models.CharField("工作单位", max_length=120, blank=True)
    title = models.CharField("职称", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    sectors = models.JSONField("专业行业领域", default=list, blank=True)
    specialty = models.CharField("专业特长", max_length=200, blank=True)
    active = models.BooleanField("在库", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家库"
        ordering = ["region_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class RelationKind(models.TextChoices):
    """Why an expert may not inspect an enterprise (回避)."""

    EMPLOYED = "employed", "在该企业任职或曾任职"
    SERVICE = "service", "为该企业提供咨询、评价等服务"
    KIN = "kin", "近亲属在该企业任职"
    INTEREST = "interest", "其他利害关系"


class ExpertRelation(models.Model):
    """A recorded tie between an expert and an enterprise: the expert is refused on that enterprise's team."""

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="relations")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("关系", max_length=10, choices=RelationKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "专家回避关系"
        verbose_name_plural = "专家回避关系"
        constraints = [models.UniqueConstraint(fields=["expert", "enterprise"], name="expert_relation_once")]

    def __str__(self) -> str:
        return f"{self.expert_id}→{self.enterprise_id}"


class InspectionPlan(models.Model):
    """A member unit's yearly inspection plan (年度监督检查计划) for its region.

    ``frequencies``: inspections a year per supervision class, e.g. ``{"A": 4, "B": 2, "C": 1, "D": 0}``
    (provincial practice, FACTS §5; defaults from ``ZHIBEN["INSPECTION_FREQUENCIES"]``); ``key_sectors``:
    sector keys inspected with priority (重点行业领域); ``random_draws``: the 双随机 draws planned in the year."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "departments.Department", verbose_name="执法单位", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=120)
    frequencies = models.JSONField("分类检查频次（次/年）", default=dict)
    key_sectors = models.JSONField("重点行业领域", default=list, blank=True)
    random_draws = models.PositiveSmallIntegerField("双随机抽查次数", default=0)
    random_ratio = models.DecimalField("双随机抽查比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "年度监督检查计划"
        verbose_name_plural = "年度监督检查计划"
        ordering = ["-year", "region_id", "id"]
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="inspection_plan_once_a_year")]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """One enterprise of a plan: its class when planned and the inspections due in the year (``planned``)."""

    plan = models.ForeignKey(InspectionPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="items")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    supervision_class = models.CharField("监管分类", max_length=1, blank=True)
    planned = models.PositiveSmallIntegerField("计划检查次数")

    scope = ScopePaths(region="enterprise__region__code", sector="enterprise__sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "计划检查对象"
        verbose_name_plural = "计划检查对象"
        ordering = ["plan_id", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_item_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.enterprise_id}"


class DrawStatus(models.TextChoices):
    DRAWN = "drawn", "已抽取"
    PUBLISHED = "published", "已公告"
    DISCARDED = "discarded", "已作废"


class Draw(models.Model):
    """A 双随机 draw: enterprises picked at random from a stated pool, and for each a team of inspectors picked
    at random from the unit's pool.

    Everything needed to recompute it is kept and published: the pool of enterprises (credit codes in
    ascending order) and of inspectors (certificate numbers in ascending order), the seed, and the algorithm's
    name and version (``draws.py``). ``picks``: ``[{"enterprise": credit code, "inspectors": [certificate
    numbers]}, …]`` in draw order. A draw is never deleted or redrawn: a bad one is discarded with a reason and
    stays published as discarded; ``serial`` numbers a unit's draws of a year without gaps."""

    region = models.ForeignKey("regions.Region", verbose_name="抽查区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "departments.Department", verbose_name="抽查单位", on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        InspectionPlan, verbose_name="所属计划", null=True, blank=True, on_delete=models.PROTECT, related_name="draws"
    )
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    title = models.CharField("抽查事项", max_length=120)
    # The pool's definition as asked: sector key (blank: all), supervision classes (empty: all).
    sector = models.CharField("行业领域", max_length=40, blank=True)
    classes = models.JSONField("监管分类", default=list, blank=True)
    enterprises_asked = models.PositiveIntegerField("抽取企业数", null=True, blank=True)
    ratio = models.DecimalField("抽取比例（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    team_size = models.PositiveSmallIntegerField("每组执法人员数", default=2)
    seed = models.CharField("随机种子", max_length=128)
    algorithm = models.CharField("算法", max_length=40)
    algorithm_version = models.CharField("算法版本", max_length=10)
    pool_enterprises = models.JSONField("企业名录库（按信用代码升序）", default=list)
    pool_inspectors = models.JSONField("执法人员名录库（按执法证号升序）", default=list)
    pool_digest = models.CharField("名录库摘要（SHA-256）", max_length=64)
    picks = models.JSONField("抽取结果", default=list)
    status = models.CharField("状态", max_length=10, choices=DrawStatus.choices, default=DrawStatus.DRAWN)
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField("公告日期", null=True, blank=True)
    discarded_reason = models.CharField("作废原因", max_length=200, blank=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"
        ordering = ["-year", "-serial", "id"]
        constraints = [models.UniqueConstraint(fields=["department", "year", "serial"], name="draw_serial_once")]
        indexes = [models.Index(fields=["status", "published_on"])]

    def __str__(self) -> str:
        return self.title


class InspectionKind(models.TextChoices):
    PLANNED = "planned", "计划检查"
    RANDOM = "random", "双随机抽查"
    TIP = "tip", "举报核查"
    SPECIAL = "special", "专项检查"
    OTHER = "other", "其他检查"


class InspectionFlag(models.TextChoices):
    """How the inspection was done (the plans ask for the share of each)."""

    UNANNOUNCED = "unannounced", "四不两直"
    COVERT = "covert", "明察暗访"
    CROSS_REGION = "cross_region", "异地交叉执法"


class InspectionStatus(models.TextChoices):
    OPEN = "open", "检查中"
    DONE = "done", "已完成"


class Inspection(models.Model):
    """One inspection at an enterprise's premises on day ``on`` (Beijing), by a team of ``department``.

    It may start from a plan item, a draw's pick or a tip (each optional). ``client_key``: the key a phone gives
    its form, so a form sent twice after the network came back records one inspection. ``acknowledged_by``:
    the enterprise's person who signed the 现场检查记录 (``acknowledgement_refused`` when they refused)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="被检查单位", on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the enterprise when recorded: scope and tallies read them without a join.
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="检查单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("检查方式", max_length=10, choices=InspectionKind.choices)
    flags = models.JSONField("检查形式", default=list, blank=True)
    on = models.DateField("检查日期")
    place = models.CharField("检查场所", max_length=200, blank=True)
    plan_item = models.ForeignKey(
        PlanItem, verbose_name="计划检查对象", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    draw = models.ForeignKey(
        Draw, verbose_name="双随机抽查", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    tip = models.ForeignKey(
        "tips.Tip", verbose_name="举报", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=8, choices=InspectionStatus.choices, default=InspectionStatus.OPEN)
    summary = models.TextField("检查情况", blank=True)
    acknowledged_by = models.CharField("被检查单位签字人", max_length=40, blank=True)
    acknowledgement_refused = models.BooleanField("拒绝签字", default=False)
    client_key = models.CharField("表单标识", max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    # An inspection brought in from another system's ledger (执法台账导入): its document number there, and the
    # findings that ledger counts (their hazards are not in zhiben, so there are no Finding rows for them).
    # Inspections recorded here leave them blank and 0.
    ledger_ref = models.CharField("台账文书编号", max_length=80, blank=True)
    ledger_findings = models.PositiveIntegerField("台账记载的发现问题数", default=0)
    ledger_major_findings = models.PositiveIntegerField("台账记载的重大事故隐患数", default=0)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "监督检查"
        verbose_name_plural = "监督检查"
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["region", "on"]),
            models.Index(fields=["department", "on"]),
            models.Index(fields=["enterprise", "on"]),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_kind_display()}"


class TeamRole(models.TextChoices):
    LEADER = "leader", "带队"
    OFFICER = "officer", "执法人员"
    EXPERT = "expert", "专家"


class TeamMember(models.Model):
    """A member of an inspection team: a law-enforcement officer or an expert. The name and certificate number
    are copied when the team is set, so a document printed later says who was there on the day."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="team")
    role = models.CharField("角色", max_length=8, choices=TeamRole.choices)
    officer = models.ForeignKey(
        LawOfficer, verbose_name="执法人员", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expert = models.ForeignKey(
        Expert, verbose_name="专家", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=40)
    certificate_no = models.CharField("执法证号", max_length=40, blank=True)

    class Meta:
        verbose_name = "检查组成员"
        verbose_name_plural = "检查组成员"
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return self.name


class CheckResult(models.TextChoices):
    PENDING = "pending", "未检查"
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    NA = "na", "不适用"


class CheckItem(models.Model):
    """One line of an inspection's checklist: a criteria clause of the enterprise's sector in force on the day
    (``criterion``), or the unit's own item (``text`` only). A failed item becomes a finding (``hazard``)."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("序号", default=0)
    criterion = models.ForeignKey(
        "reference.Criterion",
        verbose_name="判定标准条款",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("检查内容")
    result = models.CharField("检查结果", max_length=8, choices=CheckResult.choices, default=CheckResult.PENDING)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = "检查项"
        ordering = ["inspection_id", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Finding(models.Model):
    """A hazard found by an inspection (``source=inspection``): the link both ways (``hazard.finding`` on the
    hazard's side), and the checklist item that failed, if it came from one."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.PROTECT, related_name="findings")
    hazard = models.OneToOneField(
        "hazards.Hazard", verbose_name="隐患", on_delete=models.PROTECT, related_name="finding"
    )
    item = models.ForeignKey(
        CheckItem, verbose_name="检查项", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )

    class Meta:
        verbose_name = "检查发现问题"
        verbose_name_plural = "检查发现问题"
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.hazard_id}"


class OwnCheckItem(models.Model):
    """A member unit's own checklist item (自定检查项), added to its inspections' checklists (of ``sector``, or of
    every sector when blank)."""

    department = models.ForeignKey(
        "departments.Department", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    sector = models.CharField("行业领域", max_length=40, blank=True)
    text = models.CharField("检查内容", max_length=300)
    active = models.BooleanField("启用", default=True)
    position = models.PositiveIntegerField("顺序", default=0)

    scope = ScopePaths(region="department__region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "自定检查项"
        verbose_name_plural = "自定检查项"
        ordering = ["department_id", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class InspectionPhoto(models.Model):
    """A photo taken during the inspection (of a checklist item, or of the inspection as a whole)."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(
        CheckItem, verbose_name="检查项", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("文件", upload_to="inspections/%Y/%m/", max_length=200)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=60)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "检查照片"
        verbose_name_plural = "检查照片"
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return self.name


class OrderKind(models.TextChoices):
    RECTIFY = "rectify", "责令限期整改指令书"
    MEASURES = "measures", "现场处理措施决定书"


class OrderStatus(models.TextChoices):
    OPEN = "open", "待复查"
    PASSED = "passed", "复查合格"
    FAILED = "failed", "复查不合格"


class Order(models.Model):
    """An order issued at an inspection: 责令限期整改 (``deadline`` becomes the regulator-owned deadline of its
    ``hazards``) or 现场处理措施 (``measures``: 停止作业, 撤出人员 …, 安全生产法 第六十五条). A rectification order
    is re-inspected after its deadline (``reinspection_due``, on the escalation ladder)."""

    inspection = models.ForeignKey(Inspection, verbose_name="检查", on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField("文书类别", max_length=10, choices=OrderKind.choices)
    issued_on = models.DateField("下达日期")
    deadline = models.DateField("整改期限", null=True, blank=True)
    measures = models.JSONField("现场处理措施", default=list, blank=True)
    text = models.TextField("内容", blank=True)
    hazards = models.ManyToManyField("hazards.Hazard", verbose_name="涉及隐患", related_name="+", blank=True)
    status = models.CharField("状态", max_length=8, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    # Kept by the services: the day the re-inspection is due (复查: within a setting's days after the deadline).
    reinspection_due = models.DateField("复查期限", null=True, blank=True)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下达人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(
        region="inspection__region__code", sector="inspection__sector_id", enterprise="inspection__enterprise_id"
    )

    class Meta:
        verbose_name = "执法指令"
        verbose_name_plural = "执法指令"
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["status", "reinspection_due"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on:%Y-%m-%d}"


class Reinspection(models.Model):
    """A re-inspection (复查) of a rectification order: ``passed`` closes the order's findings with ``verdict``
    as the officer's review; failed proposes a penalty and may record a continuing daily fine (安全生产法
    第一百一十二条: 按日连续处罚)."""

    order = models.ForeignKey(Order, verbose_name="指令", on_delete=models.PROTECT, related_name="reinspections")
    on = models.DateField("复查日期")
    passed = models.BooleanField("复查合格")
    verdict = models.TextField("复查意见")
    daily_penalty_from = models.DateField("按日连续处罚起始日", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复查人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "复查"
        verbose_name_plural = "复查"
        ordering = ["order_id", "on", "id"]

    def __str__(self) -> str:
        return f"复查 {self.on:%Y-%m-%d}"


class OrderEscalation(models.Model):
    """The escalation ladder's rows for an order's re-inspection due day (one per step and day reached)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="escalations", db_index=False)
    step = models.CharField(max_length=20)
    due = models.DateField()
    day = models.DateField()
    sweep = models.ForeignKey(
        "hazards.SweepRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "step", "due"], name="order_escalation_once")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.step} {self.day}"


class PenaltyKind(models.TextChoices):
    """行政处罚法 第九条 kinds that safety regulators apply."""

    WARNING = "warning", "警告"
    FINE = "fine", "罚款"
    CONFISCATION = "confiscation", "没收违法所得"
    SUSPENSION = "suspension", "责令停产停业整顿"
    LICENCE = "licence", "暂扣或吊销许可证"
    CLOSURE = "closure", "提请关闭"


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", "未缴纳"
    PARTLY = "partly", "部分缴纳"
    PAID = "paid", "已缴纳"
    ENFORCED = "enforced", "申请强制执行"
    EXEMPT = "exempt", "无需缴纳"


class Penalty(models.Model):
    """An administrative penalty (行政处罚决定) on an enterprise or a person.

    ``amount``: the fine in yuan (0 for a penalty without a fine); ``basis``: the article applied (安全生产法
    第一百零二条 …); ``major_hazard``: the penalty was for a major hazard (counts towards 安全生产法 第一百一十三条:
    three within 180 days or four within a year → closure proposed); ``daily``: a continuing fine by the day
    (第一百一十二条) from ``daily_from`` at ``daily_amount`` yuan a day. A tip's reward reads ``amount`` of the
    penalties linked to the tip."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="被处罚单位", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="处罚单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", null=True, blank=True, on_delete=models.PROTECT, related_name="penalties"
    )
    hazard = models.ForeignKey(
        "hazards.Hazard", verbose_name="隐患", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tip = models.ForeignKey(
        "tips.Tip", verbose_name="举报", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("处罚种类", max_length=12, choices=PenaltyKind.choices, default=PenaltyKind.FINE)
    decided_on = models.DateField("决定日期")
    amount = models.DecimalField("罚款金额（元）", max_digits=14, decimal_places=2, default=0)
    basis = models.CharField("处罚依据", max_length=200)
    facts = models.TextField("违法事实", blank=True)
    person = models.CharField("被处罚人（个人）", max_length=40, blank=True)
    person_post = models.CharField("职务", max_length=40, blank=True)
    person_amount = models.DecimalField("对个人罚款（元）", max_digits=14, decimal_places=2, default=0)
    major_hazard = models.BooleanField("针对重大事故隐患", default=False)
    daily = models.BooleanField("按日连续处罚", default=False)
    daily_from = models.DateField("按日连续处罚起始日", null=True, blank=True)
    daily_amount = models.DecimalField("按日罚款（元/日）", max_digits=14, decimal_places=2, null=True, blank=True)
    payment = models.CharField("缴纳情况", max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID)
    paid_amount = models.DecimalField("已缴金额（元）", max_digits=14, decimal_places=2, default=0)
    paid_on = models.DateField("缴纳日期", null=True, blank=True)
    enforcement_note = models.CharField("执行情况", max_length=200, blank=True)
    external_ref = models.CharField("决定书文号（台账）", max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="enterprise_id")

    class Meta:
        verbose_name = "行政处罚"
        verbose_name_plural = "行政处罚"
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["region", "decided_on"]),
            models.Index(fields=["enterprise", "major_hazard", "decided_on"]),
            # 安全生产法 第一百一十三条 over a region: its penalties for a major hazard by day, read from the index
            # alone (selectors/stats.py closure_proposals), not from every penalty of the region
            models.Index(
                fields=["region", "decided_on", "enterprise", "kind"],
                condition=models.Q(major_hazard=True),
                name="penalty_major_by_region",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="penalty_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}元"


class EnforcementTally(models.Model):
    """Summary counts of inspections and penalties per region code, unit and month, kept in the same
    transaction as each write (DESIGN.md §5): the statistics of a province sum these rows by code prefix.
    ``department_id`` 0: no unit (a township officer without one). Amounts in yuan."""

    region_code = models.CharField("区划代码", max_length=12)
    department_id = models.BigIntegerField("单位", default=0)
    month = models.CharField("月份", max_length=7)  # YYYY-MM (Beijing), of the inspection's or decision's day
    inspections = models.IntegerField(default=0)
    unannounced = models.IntegerField(default=0)
    covert = models.IntegerField(default=0)
    cross_region = models.IntegerField(default=0)
    with_experts = models.IntegerField(default=0)
    findings = models.IntegerField(default=0)
    major_findings = models.IntegerField(default=0)
    penalties = models.IntegerField(default=0)
    penalty_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = "执法统计汇总"
        verbose_name_plural = "执法统计汇总"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "department_id", "month"], name="enforcement_tally_once")
        ]
        indexes = [models.Index(fields=["month", "region_code"])]

    def __str__(self) -> str:
        return f"{self.region_code} {self.department_id} {self.month}"
