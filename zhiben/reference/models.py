"""Reference data: sectors (行业领域) and the major-hazard criteria catalogue (重大事故隐患判定标准)."""

from __future__ import annotations

import datetime
import re

from django.db import models

# The label topic-only entries carry instead of a criterion's text (AQ3067: only the item number and a short
# topic are known). They stay citable - otherwise a hazard found after the old edition's end has no clause in
# force - but every page and the API show this label beside them.
TOPIC_ONLY_LABEL = "仅条目主题，正文见标准原文"
_BRACKETED = re.compile(r"^【[^】]*】\s*")


def strip_topic_prefix(text: str) -> str:
    """A topic-only entry's text without the 【…】 warning the data file puts before it."""
    return _BRACKETED.sub("", text, count=1)


class Kind(models.TextChoices):
    """How a clause is used in a determination (GB 35181: direct vs composite elements)."""

    CLAUSE = "clause", "判定条款"
    # GB 35181-2017 第7章 综合判定要素: never a major fire hazard by itself, only counted in a determination.
    COMPOSITE = "composite", "综合判定要素（不能单独引用）"
    # A determination that counts composite elements by type of place against a threshold.
    DETERMINATION = "determination", "综合判定"


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
    """A criteria document in one edition, e.g. 《工贸企业重大事故隐患判定标准》 (应急管理部令第10号).

    National editions come from the data files (``local`` false, read-only); an admin enters local or
    provincial criteria (``local`` true) with their source. In force from ``effective_from`` to
    ``effective_to`` inclusive (Beijing dates; null ``effective_to``: still in force).
    """

    key = models.CharField("代码", max_length=16, primary_key=True)
    title = models.CharField("标准名称", max_length=120)
    number = models.CharField("文号/标准号", max_length=60)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    effective_to = models.DateField("废止日期", null=True, blank=True, help_text="最后一天有效的日期；空表示现行有效")
    source = models.TextField("来源", blank=True, help_text="发布机关、文件及其出处")
    supersedes = models.ForeignKey(
        "self",
        verbose_name="取代的标准",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )
    local = models.BooleanField("地方标准", default=False, help_text="管理员录入的地方或省级判定标准")
    note = models.TextField("适用说明", blank=True, help_text="判定前须注意的事项，如不应判定为重大隐患的情形")

    class Meta:
        verbose_name = "判定标准"
        verbose_name_plural = "判定标准"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def in_force(self, on: datetime.date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    def status(self, on: datetime.date) -> str:
        """现行 / 已废止 / 尚未施行 on ``on``."""
        if self.effective_from is not None and on < self.effective_from:
            return "尚未施行"
        if self.effective_to is not None and on > self.effective_to:
            return "已废止"
        return "现行"


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
    # A clause's own dates when they differ from its standard's (e.g. a clause added by a later amendment).
    own_effective_from = models.DateField("本条施行日期", null=True, blank=True)
    own_effective_to = models.DateField("本条废止日期", null=True, blank=True)
    text_available = models.BooleanField("有正文", default=True, help_text="否：仅条目编号和主题，正文见标准原文")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.CLAUSE)
    # For a determination: {"places": [{"key", "name", "threshold", "elements": [codes] or []}]}.
    rule = models.JSONField("判定规则", null=True, blank=True)
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

    @property
    def effective_from(self) -> datetime.date | None:
        """First day in force: the clause's own date, else its standard's."""
        return self.own_effective_from or self.standard.effective_from

    @property
    def effective_to(self) -> datetime.date | None:
        """Last day in force (None: still in force): the clause's own date, else its standard's."""
        return self.own_effective_to or self.standard.effective_to

    @property
    def label(self) -> str:
        """``仅条目主题，正文见标准原文`` for a topic-only entry, else empty."""
        return "" if self.text_available else TOPIC_ONLY_LABEL

    def in_force(self, on: datetime.date) -> bool:
        start, end = self.effective_from, self.effective_to
        return not self.withdrawn and (start is None or start <= on) and (end is None or on <= end)
