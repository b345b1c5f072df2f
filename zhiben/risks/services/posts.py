"""Writes of the posts (岗位) whose 两单两卡 are drawn from the register (issue 15).

A post belongs to one enterprise and names the risk units its people work at, chosen among that enterprise's live
units: a unit of another enterprise (or a deleted one, or a number that is no unit) is refused naming ``units``.
Its name is unique within the enterprise (409 naming ``name``). Who writes: ``selectors.may_edit`` (the
enterprise's own staff and admins; an officer who sees it gets 403); a post out of scope answers 404; creating a
post for an enterprise out of scope is refused naming ``enterprise``. Each change is an event on the post's chain
(subject type ``post``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from ninja import Field

from zhiben.audit.services import event_append
from zhiben.common.errors import Conflict, FieldErrors, NotFound, PermissionDenied
from zhiben.common.inputs import Input, parse, required, text
from zhiben.enterprises.models import Enterprise

from ..models import Post, RiskUnit
from ..selectors import enterprise_visible, may_edit
from ..selectors.posts import check_ids, post_get

NOT_ALLOWED = "只有本企业人员可以编辑岗位"
NAME_TAKEN = "本企业已有同名岗位"


class PostIn(Input):
    """A post: its name, its people's safety duties and emergency points (one per line), the risk units they work
    at (ids of the enterprise's live units) and, for a new post, its enterprise (credit code; an enterprise user's
    own by default)."""

    enterprise: Annotated[str | None, text("企业", 18)] = Field(None, title="企业（统一社会信用代码）")
    name: Annotated[str | None, text("岗位名称", 60, required=True)] = required(title="岗位名称")
    duties: Annotated[str, text("岗位安全职责", 4000)] = Field("", title="岗位安全职责（每行一条）")
    emergency: Annotated[str, text("应急处置要点", 4000)] = Field("", title="应急处置要点（每行一条）")
    units: list[Any] = Field(default_factory=list, title="涉及的风险分析单元（编号列表）")


class PostChange(Input):
    """A change to a post: any of its fields (``units`` replaces the whole list)."""

    name: Annotated[str | None, text("岗位名称", 60, required=True)] = Field(None, title="岗位名称")
    duties: Annotated[str | None, text("岗位安全职责", 4000)] = Field(None, title="岗位安全职责（每行一条）")
    emergency: Annotated[str | None, text("应急处置要点", 4000)] = Field(None, title="应急处置要点（每行一条）")
    units: list[Any] | None = Field(None, title="涉及的风险分析单元（编号列表）")


def _units(enterprise_id: int, raw: Any) -> list[RiskUnit]:
    ids = check_ids(raw, "units")
    found = list(RiskUnit.objects.filter(enterprise_id=enterprise_id, deleted=False, pk__in=ids).order_by("id"))
    missing = sorted(set(ids) - {u.pk for u in found})
    if missing:
        shown = "、".join(str(i) for i in missing[:10])
        raise FieldErrors({"units": f"风险分析单元 {shown} 不是本企业现有的单元"})
    return found


def _editable(actor: Any, enterprise_id: int) -> None:
    if not may_edit(actor, enterprise_id):
        raise PermissionDenied(NOT_ALLOWED)


def _save(post: Post, fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            post.save(update_fields=fields)
    except IntegrityError:
        raise Conflict(NAME_TAKEN, field="name") from None


def _log(actor: Any, post: Post, kind: str, payload: Mapping[str, Any]) -> None:
    event_append(actor=actor, subject_type="post", subject_id=str(post.pk), kind=kind, payload=dict(payload))


@transaction.atomic
def post_create(*, actor: Any, data: PostIn | Mapping[str, Any]) -> Post:
    """Create a post: ``{enterprise?, name, duties?, emergency?, units?}`` → the post.

    Raises ``FieldErrors`` naming the field (``enterprise`` when it is missing or out of the actor's scope,
    ``units`` for a unit that is not the enterprise's live unit), ``PermissionDenied`` when the actor may see
    but not edit the enterprise, ``Conflict`` naming ``name`` when the enterprise has a post of that name."""
    given = parse(PostIn, data)
    key = given.enterprise or (actor.enterprise.credit_code if getattr(actor, "enterprise", None) else "")
    if not key:
        raise FieldErrors({"enterprise": "请填写企业的统一社会信用代码"})
    try:
        firm: Enterprise = enterprise_visible(actor, key)
    except NotFound:
        raise FieldErrors({"enterprise": "企业不存在或不在您的管辖范围内"}) from None
    _editable(actor, firm.pk)
    units = _units(firm.pk, given.units)
    post = Post(enterprise=firm, name=given.name or "", duties=given.duties, emergency=given.emergency)
    _save(post)
    post.units.set(units)
    _log(actor, post, "created", {"name": post.name, "units": [u.name for u in units]})
    return post


@transaction.atomic
def post_update(*, actor: Any, post_id: Any, data: PostChange | Mapping[str, Any]) -> Post:
    """Change a post (only the fields given; ``units`` replaces the list). ``NotFound`` out of scope (checked before
    the input is read), ``PermissionDenied``, ``FieldErrors`` and ``Conflict`` as ``post_create``."""
    post = post_get(actor=actor, post_id=post_id)
    _editable(actor, post.enterprise_id)
    given = parse(PostChange, data)
    changed: dict[str, Any] = {}
    for name in ("name", "duties", "emergency"):
        value = getattr(given, name)
        if value is not None and value != getattr(post, name):
            setattr(post, name, value)
            changed[name] = value if name == "name" else "已修改"
    if changed:
        _save(post, [*changed, "updated_at"])
    if given.units is not None:
        units = _units(post.enterprise_id, given.units)
        if {u.pk for u in units} != {u.pk for u in post.units.all()}:
            post.units.set(units)
            changed["units"] = [u.name for u in units]
            if "name" not in changed and "duties" not in changed and "emergency" not in changed:
                post.save(update_fields=["updated_at"])
    if changed:
        _log(actor, post, "changed", {"name": post.name, "fields": changed})
    return post_get(actor=actor, post_id=post.pk)


@transaction.atomic
def post_delete(*, actor: Any, post_id: Any) -> None:
    """Delete a post (its cards are drawn from the register, nothing else refers to it). ``NotFound`` out of scope,
    ``PermissionDenied`` for one who may not edit."""
    post = post_get(actor=actor, post_id=post_id)
    _editable(actor, post.enterprise_id)
    _log(actor, post, "deleted", {"name": post.name})
    post.units.clear()
    post.delete()
