"""Users, roles and API tokens. A user's role and scope are the security boundary (DESIGN.md §1)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from zhiben.common.roles import Role

__all__ = ["ApiToken", "Role", "User"]


class User(AbstractUser):
    """A signed-in person. Officers and tip handlers are scoped to a region subtree (and sectors,
    when set); enterprise staff to one enterprise; admins see everything."""

    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.OFFICER)
    region = models.ForeignKey(
        "regions.Region", verbose_name="辖区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sectors = models.ManyToManyField("reference.Sector", verbose_name="负责行业领域", blank=True, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    full_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("电话", max_length=32, blank=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_regulator(self) -> bool:
        """Officers and tip handlers: government staff scoped to a region subtree."""
        return self.role in (Role.OFFICER, Role.TIP_HANDLER)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.user} 的令牌（{self.created_at:%Y-%m-%d}）"

    @staticmethod
    def new_raw() -> str:
        return "zb_" + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _digest(raw)
