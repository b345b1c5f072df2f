"""Writes for users and API tokens."""

from __future__ import annotations

import datetime
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, ErrorCollector, PermissionDenied
from zhiben.common.validators import clean_credit_code, clean_text
from zhiben.reference.models import Sector
from zhiben.regions.codes import InvalidRegionCode, normalize_code
from zhiben.regions.models import Region

from .models import ApiToken, Role, User


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region: str | None = None,
    sectors: list[str] | None = None,
    enterprise: str | None = None,
    full_name: str = "",
    check_password_strength: bool = True,
) -> User:
    """Create a user. ``actor`` None means the command line (an operator on the server)."""
    if actor is not None and actor.role != Role.ADMIN:
        raise PermissionDenied("只有管理员可以创建用户")
    errors = ErrorCollector()
    try:
        username = clean_text(username, label="用户名", max_length=150, required=True)
    except ValueError as exc:
        errors.add("username", str(exc))
    if role not in Role.values:
        errors.add("role", f"角色应为 {'、'.join(Role.values)} 之一")
    region_code: str | None = None
    if region:
        try:
            region_code = normalize_code(region)
            if not Region.objects.filter(code=region_code).exists():
                errors.add("region", f"行政区划代码 {region_code} 不存在")
        except InvalidRegionCode as exc:
            errors.add("region", str(exc))
    elif role in (Role.OFFICER, Role.TIP_HANDLER):
        errors.add("region", "监管人员必须指定辖区")
    sector_keys = [s.strip() for s in (sectors or []) if s.strip()]
    if sector_keys:
        known = set(Sector.objects.filter(key__in=sector_keys).values_list("key", flat=True))
        missing = [k for k in sector_keys if k not in known]
        if missing:
            errors.add("sectors", f"行业领域不存在：{'、'.join(missing)}")
    enterprise_id: int | None = None
    if role == Role.ENTERPRISE:
        # The enterprise register sits above accounts; the user's declared relation names its model.
        related = User._meta.get_field("enterprise").related_model
        assert not isinstance(related, str)  # a model class, not "self"
        enterprises = related._default_manager
        try:
            code = clean_credit_code(enterprise)
            enterprise_id = enterprises.filter(credit_code=code).values_list("id", flat=True).first()
            if enterprise_id is None:
                errors.add("enterprise", f"企业 {code} 未登记")
        except ValueError as exc:
            errors.add("enterprise", str(exc))
    elif enterprise:
        errors.add("enterprise", "只有企业用户才能关联企业")
    if check_password_strength:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            errors.add("password", "；".join(exc.messages))
    elif not password:
        errors.add("password", "请填写密码")
    errors.raise_if_any()
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict("用户名已存在", field="username")
        user = User(
            username=username,
            role=role,
            region_id=region_code,
            enterprise_id=enterprise_id,
            full_name=full_name,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_password(password)
        user.save()
        if sector_keys:
            user.sectors.set(Sector.objects.filter(key__in=sector_keys))
        event_append(
            actor=actor,
            subject_type="user",
            subject_id=str(user.pk),
            kind="created",
            payload={
                "username": username,
                "role": role,
                "region": region_code,
                "sectors": sector_keys,
                "enterprise_id": enterprise_id,
            },
        )
    return user


class LockedOut(Exception):
    """Too many failed sign-ins for this account (django-axes)."""


def token_issue(*, request: HttpRequest, username: str, password: str) -> str | None:
    """Check the credentials (through django-axes, so failures count toward lockout) and issue a token."""
    if AxesProxyHandler.is_locked(request, credentials={"username": username}):
        raise LockedOut
    user: Any = authenticate(request, username=username, password=password)
    if user is None:
        if AxesProxyHandler.is_locked(request, credentials={"username": username}):
            raise LockedOut
        return None
    raw = ApiToken.new_raw()
    ttl = datetime.timedelta(days=settings.ZHIBEN["API_TOKEN_TTL_DAYS"])
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw), expires_at=timezone.now() + ttl)
    return raw


def token_user(raw: str) -> User | None:
    token = ApiToken.objects.live().select_related("user").filter(digest=ApiToken.digest_of(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy client must not turn every read into a write.
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
