"""Account roles and the acting user's shape, for the kernel modules below ``accounts``.

``accounts.models.User`` is the one implementation; modules that ``accounts`` itself depends on (regions)
type their actor with :class:`Actor` rather than importing the user model, so the kernel has no cycle.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "委员会办公室/管理员"
    OFFICER = "officer", "监管人员"
    TIP_HANDLER = "tip_handler", "举报受理人员"
    ENTERPRISE = "enterprise", "企业人员"


class Actor(Protocol):
    """What the kernel needs of a signed-in user: its key, role and home region (short code or None)."""

    @property
    def pk(self) -> Any: ...

    @property
    def role(self) -> str: ...

    @property
    def region_id(self) -> Any: ...
