"""Member units (成员单位 · 行业主管部门) of a region's safety committee, and the region's routing of each sector to
its lead and co-operating units (DESIGN.md §4)."""

from __future__ import annotations

from django.db import models

from zhiben.accounts.scope import ScopePaths

from .kinds import DepartmentKind

__all__ = ["Department", "DepartmentKind", "Routing"]


class Department(models.Model):
    """A member unit of ``region``'s committee: a department (县应急管理局), the committee office, or a lower
    government counted as a unit of its county (``kind`` government, ``township`` the region it governs).

    ``aliases`` are the other names plans use for it (县应急局), one per line; ``sectors`` the sectors it
    supervises (行业主管), shown on its page. Which sectors it *leads* is the region's routing."""

    region = models.ForeignKey("regions.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类别", max_length=24, choices=DepartmentKind.choices, default=DepartmentKind.OTHER)
    aliases = models.TextField("简称或别名", blank=True, help_text="每行一个，如“县应急局”")
    sectors = models.ManyToManyField("reference.Sector", verbose_name="主管行业领域", blank=True, related_name="+")
    township = models.ForeignKey(
        "regions.Region",
        verbose_name="所辖下级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="下级人民政府作为成员单位时，其所辖区划",
    )
    active = models.BooleanField("在用", default=True)
    position = models.PositiveSmallIntegerField("排序", default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = ScopePaths(region="region__code", sector=None, enterprise=None)

    class Meta:
        verbose_name = "成员单位"
        verbose_name_plural = "成员单位"
        ordering = ["region_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_name_once_per_region")]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        """The aliases as a list, blanks dropped."""
        return [a.strip() for a in self.aliases.replace("、", "\n").splitlines() if a.strip()]


class Routing(models.Model):
    """In ``region`` (and the regions under it that set nothing of their own), ``sector``'s safety work is led
    by ``lead`` with ``co`` joining (“一件事” 牵头 + 配合). Without a row the default by kind applies
    (kinds.DEFAULT_ROUTING)."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey("reference.Sector", verbose_name="行业领域", on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        Department, verbose_name="牵头单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    co = models.ManyToManyField(Department, verbose_name="配合单位", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    scope = ScopePaths(region="region__code", sector="sector_id", enterprise=None)

    class Meta:
        verbose_name = "行业领域牵头配合"
        verbose_name_plural = "行业领域牵头配合"
        ordering = ["region_id", "sector__position"]
        constraints = [models.UniqueConstraint(fields=["region", "sector"], name="routing_once_per_region_sector")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.sector_id}"
