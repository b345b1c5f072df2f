"""The one scoping function every read goes through (DESIGN.md §8).

A scoped model declares where its region code, sector and enterprise are::

    class Enterprise(models.Model):
        scope = ScopePaths(region="region__code", sector="sector_id", enterprise="pk")

``scoped(qs, actor)`` then cuts any queryset of it to what ``actor`` may see. An object outside the
scope is simply absent, so views answer 404 for it, exactly as for a missing one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models

from .models import Role, User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopePaths:
    """ORM paths from a scoped model to its region code, sector key and enterprise id."""

    region: str
    sector: str | None
    enterprise: str | None


def scope_filter(model: type[models.Model], actor: User | AnonymousUser | None) -> models.Q | None:
    """The filter for ``actor`` on ``model``; ``None`` means no restriction (admin)."""
    paths: ScopePaths = model.scope  # type: ignore[attr-defined]
    nothing = models.Q(pk__in=[])
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return nothing
    assert isinstance(actor, User)
    if actor.role == Role.ADMIN:
        return None
    if actor.role == Role.ENTERPRISE:
        if paths.enterprise is None or actor.enterprise_id is None:
            return nothing
        return models.Q(**{paths.enterprise: actor.enterprise_id})
    if actor.is_regulator:
        if actor.region_id is None:
            return nothing
        q = models.Q(**{f"{paths.region}__prefix": actor.region_id})
        sector_keys = actor_sector_keys(actor)
        if sector_keys and paths.sector is not None:
            q &= models.Q(**{f"{paths.sector}__in": sector_keys})
        return q
    return nothing


def actor_sector_keys(actor: User) -> list[str]:
    """The sectors an officer is limited to (empty: all). Cached on the user object per request."""
    cached: list[str] | None = getattr(actor, "_sector_keys", None)
    if cached is None:
        # the link table itself: the keys are its column (no join, no related manager built per request)
        links = User.sectors.through.objects.filter(user_id=actor.pk) if actor.pk else None
        cached = sorted(links.values_list("sector_id", flat=True)) if links is not None else []
        actor._sector_keys = cached  # type: ignore[attr-defined]
    return cached


def scoped(qs: models.QuerySet[M] | models.Manager[M], actor: Any) -> models.QuerySet[M]:
    """``qs`` cut to ``actor``'s scope."""
    queryset = qs.all()
    q = scope_filter(queryset.model, actor)
    return queryset if q is None else queryset.filter(q)


def region_in_scope(actor: User, region_code: str) -> bool:
    """Whether ``actor`` may act on things registered at ``region_code`` (writes are scoped too)."""
    if actor.role == Role.ADMIN:
        return True
    if actor.is_regulator and actor.region_id:
        return region_code.startswith(actor.region_id)
    return False


def sector_in_scope(actor: User, sector_key: str) -> bool:
    if actor.role == Role.ADMIN:
        return True
    keys = actor_sector_keys(actor)
    return not keys or sector_key in keys


@dataclass(frozen=True)
class Place:
    """Where one record stands for the scope: its region code, sector key and enterprise id (None where
    the model has no such path or the record has none)."""

    region: str
    sector: str | None
    enterprise: Any


def _value(instance: models.Model, path: str) -> Any:
    """The value at ``path`` (an ORM path of a ScopePaths) on ``instance``, without a query where the path
    ends at a foreign key's target (``region__code`` is ``region_id`` when ``code`` is the region's key)."""
    if path == "pk":
        return instance.pk
    head, _, rest = path.partition("__")
    field = instance._meta.get_field(head)
    assert isinstance(field, models.Field), path  # a column or a foreign key, never a reverse relation
    if not rest:
        return getattr(instance, field.attname)
    target = getattr(field, "target_field", None)
    if target is not None and "__" not in rest and target.name == rest:
        return getattr(instance, field.attname)
    related = getattr(instance, head)
    return None if related is None else _value(related, rest)


def place_of(instance: models.Model) -> Place:
    """Where ``instance`` (of a scoped model) stands: read from its own columns where it can be."""
    paths: ScopePaths = type(instance).scope  # type: ignore[attr-defined]
    return Place(
        region=str(_value(instance, paths.region) or ""),
        sector=_value(instance, paths.sector) if paths.sector else None,
        enterprise=_value(instance, paths.enterprise) if paths.enterprise else None,
    )


def covers(actor: User, paths: ScopePaths, place: Place, *, sectors: Collection[str]) -> bool:
    """Whether ``actor`` may see a record of a model with ``paths`` standing at ``place``: the rule of
    ``scope_filter`` for one record, in Python, so that many users can be matched to many records without
    a query each. ``sectors`` are the actor's sector keys (loaded once by the caller, e.g. prefetched)."""
    if not actor.is_active:
        return False
    if actor.role == Role.ADMIN:
        return True
    if actor.role == Role.ENTERPRISE:
        own = actor.enterprise_id
        return paths.enterprise is not None and own is not None and place.enterprise == own
    if actor.is_regulator:
        if actor.region_id is None or not place.region.startswith(actor.region_id):
            return False
        return not (sectors and paths.sector is not None) or place.sector in sectors
    return False
