"""Administrative regions (行政区划), keyed by GB/T 2260 code in short form."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup

from .codes import LEVEL_NAMES, Level


class RegionCodeField(models.CharField):
    """A GB/T 2260 short code; supports the index-friendly ``prefix`` lookup (region subtree)."""


@RegionCodeField.register_lookup
class CodePrefix(Lookup):
    """``region__code__prefix="65"``: the subtree rooted at a code.

    Codes are digits of fixed width per level, so a subtree is a plain prefix. SQLite's LIKE is
    case-insensitive and cannot use an ordinary index; GLOB is case-sensitive and can, so SQLite
    gets GLOB. PostgreSQL gets LIKE, served by the ``varchar_pattern_ops`` index Django adds to
    indexed character columns. Codes are validated as digits, so neither pattern needs escaping.
    """

    lookup_name = "prefix"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        code = str(next(iter(rhs_params)))
        if not code.isdigit():
            raise ValueError("region prefix must be digits")
        if connection.vendor == "sqlite":
            return f"{lhs} GLOB {rhs}", [*lhs_params, code + "*"]
        return f"{lhs} LIKE {rhs}", [*lhs_params, code + "%"]


class Region(models.Model):
    """A province, prefecture, county or township (乡镇街道)."""

    code = RegionCodeField("代码", max_length=9, primary_key=True)
    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField("层级", choices=[(lv.value, LEVEL_NAMES[lv]) for lv in Level])
    longitude = models.FloatField("经度", null=True, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    # A prefecture-level city without counties (东莞, 中山, 儋州, 嘉峪关 …) does the county's work:
    # enterprises and townships sit directly under it.
    acts_as_county = models.BooleanField("不设区县的地级市", default=False)
    # Full name with ancestors (e.g. 新疆维吾尔自治区 伊犁哈萨克自治州 特克斯县), kept for search and display.
    full_name = models.CharField("全称", max_length=200, blank=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def can_host_enterprises(self) -> bool:
        """An enterprise sits in a county or a township (or a county-less prefecture)."""
        return self.level in (Level.COUNTY, Level.TOWNSHIP) or self.acts_as_county

    @property
    def is_township(self) -> bool:
        return self.level == Level.TOWNSHIP
