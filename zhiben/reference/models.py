"""Reference data: sectors (行业领域) and the major-hazard criteria catalogue (重大事故隐患判定标准)."""

from __future__ import annotations

from django.db import models


class Sector(models.Model):
    """A sector (行业领域) from the fixed key list; ``high_risk`` marks 高危行业 (FACTS.md §5)."""

    key = models.SlugField("代码", max_length=32, primary_key=True)
    name = models.CharField("名称", max_length=32, unique=True)
    group = models.CharField("类别", max_length=32, blank=True)
    high_risk = models.BooleanField("高危行业", default=False)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "行业领域"
        verbose_name_plural = "行业领域"
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name


class CriteriaStandard(models.Model):
    """A national criteria document, e.g. 《工贸企业重大事故隐患判定标准》 (应急管理部令第10号)."""

    key = models.CharField("代码", max_length=16, primary_key=True)
    title = models.CharField("标准名称", max_length=120)
    number = models.CharField("文号/标准号", max_length=60)
    effective = models.DateField("施行日期", null=True, blank=True)

    class Meta:
        verbose_name = "判定标准"
        verbose_name_plural = "判定标准"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"


class Criterion(models.Model):
    """One clause of a criteria standard. A major hazard must cite a clause of its sector.

    ``all_sectors`` marks clauses that apply to every kind of unit (e.g. 重大火灾隐患).
    """

    code = models.CharField("条款编码", max_length=32, primary_key=True)
    standard = models.ForeignKey(
        CriteriaStandard, verbose_name="判定标准", on_delete=models.PROTECT, related_name="clauses"
    )
    article = models.CharField("条款", max_length=60)
    part = models.CharField("部分", max_length=60, blank=True)
    text = models.CharField("内容", max_length=400)
    sectors = models.ManyToManyField(Sector, verbose_name="适用行业领域", blank=True, related_name="criteria")
    all_sectors = models.BooleanField("适用所有行业领域", default=False)
    withdrawn = models.BooleanField("已废止", default=False)
    position = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "判定标准条款"
        verbose_name_plural = "判定标准条款"
        ordering = ["standard_id", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"
