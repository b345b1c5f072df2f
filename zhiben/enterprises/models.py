"""The enterprise register (分级分类动态管理清单), DESIGN.md §4."""

from __future__ import annotations

from typing import Any

from django.db import models

from zhiben.accounts.scope import ScopePaths
from zhiben.common.names import name_key

NAME_KEY_LENGTH = 800  # a name of 200 characters, with room for NFKC's expansions (㈱ → (株))


class Scale(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class RiskLevel(models.TextChoices):
    """安全风险等级: major / relatively major / general / low = red / orange / yellow / blue (FACTS §5)."""

    RED = "red", "重大风险（红）"
    ORANGE = "orange", "较大风险（橙）"
    YELLOW = "yellow", "一般风险（黄）"
    BLUE = "blue", "低风险（蓝）"


class SupervisionClass(models.TextChoices):
    """分类监管 A–D (provincial practice; the meaning of each class is configurable locally)."""

    A = "A", "A类"
    B = "B", "B类"
    C = "C", "C类"
    D = "D", "D类"


class StandardisationGrade(models.TextChoices):
    """安全生产标准化 grade: one is the highest (FACTS §5)."""

    ONE = "1", "一级"
    TWO = "2", "二级"
    THREE = "3", "三级"
    NONE = "none", "未达标"


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", "正常生产"
    SUSPENDED = "suspended", "停产整顿"
    CLOSED = "closed", "关闭"


class Enterprise(models.Model):
    """A production or business unit (生产经营单位), keyed by its 统一社会信用代码."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("单位名称", max_length=200)
    # the name as compared (common.names.name_key), kept with every save: imports, searches and the tip form
    # find （秀山分公司） when (秀山分公司) is typed, with an index
    name_key = models.CharField("名称比较键", max_length=NAME_KEY_LENGTH, editable=False, default="")
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+")
    industry_code = models.CharField("国民经济行业代码", max_length=5, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    high_risk = models.BooleanField("高危行业", default=False)
    scale = models.CharField("企业规模", max_length=8, choices=Scale.choices, blank=True)
    above_scale = models.BooleanField("规模以上", default=False)
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    risk_level = models.CharField("安全风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    supervision_class = models.CharField("监管分类", max_length=1, choices=SupervisionClass.choices, blank=True)
    standardisation_grade = models.CharField(
        "安全生产标准化等级", max_length=4, choices=StandardisationGrade.choices, blank=True
    )
    standardisation_valid_until = models.DateField("标准化有效期至", null=True, blank=True)
    insured = models.BooleanField("投保安责险", default=False)
    insurance_valid_until = models.DateField("安责险有效期至", null=True, blank=True)
    principal = models.CharField("主要负责人", max_length=60, blank=True)
    principal_phone = models.CharField("主要负责人电话", max_length=32, blank=True)
    actual_controller = models.CharField("实际控制人", max_length=60, blank=True)
    safety_contact = models.CharField("安全管理联系人", max_length=60, blank=True)
    safety_phone = models.CharField("安全管理联系电话", max_length=32, blank=True)
    status = models.CharField(
        "经营状态", max_length=12, choices=OperatingStatus.choices, default=OperatingStatus.OPERATING
    )
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=8, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise="pk")

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["region_id", "name"]
        indexes = [
            models.Index(fields=["region", "sector"]),
            models.Index(fields=["sector", "region"]),
            models.Index(fields=["name"]),
            models.Index(fields=["name_key"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = enterprise_name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


def enterprise_name_key(name: object) -> str:
    """The stored comparison key of an enterprise's name (``name_key`` within the column's length); what a
    lookup by name compares with ``Enterprise.name_key``."""
    return name_key(name)[:NAME_KEY_LENGTH]
