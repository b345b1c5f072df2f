"""Reads of the region tree. Region names and codes are public reference data (GB/T 2260)."""

from __future__ import annotations

from django.db.models import QuerySet

from zhiben.common.errors import FieldErrors

from .codes import InvalidRegionCode, normalize_code
from .models import Region


def region_children(*, parent: str | None) -> QuerySet[Region]:
    if parent is None:
        return Region.objects.filter(parent__isnull=True)
    return Region.objects.filter(parent_id=parent)


def region_get(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def parse_region(raw: object, *, field: str = "region") -> str:
    """Normalise a code given as input, or raise FieldErrors naming ``field``."""
    try:
        return normalize_code(str(raw))
    except InvalidRegionCode as exc:
        raise FieldErrors({field: str(exc)}) from exc


def region_ancestors(code: str) -> list[Region]:
    """The region and its ancestors, root first."""
    codes = [code[:n] for n in (2, 4, 6, 9) if n <= len(code)]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def host_region(raw: object, *, level_error: str, missing: str = "请选择所在区划") -> Region:
    """The region a thing is registered at (an enterprise, an accident, a tip): a county or township, or
    a prefecture without counties, given by any form of its code. ValueError with a Chinese message."""
    if raw is None or not str(raw).strip():
        raise ValueError(missing)
    try:
        code = normalize_code(str(raw))
    except InvalidRegionCode as exc:
        raise ValueError(str(exc)) from exc
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValueError(f"行政区划代码 {code} 不存在")
    if not region.can_host_enterprises:
        raise ValueError(level_error)
    return region
