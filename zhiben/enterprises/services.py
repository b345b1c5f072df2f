"""Writes to the enterprise register. Every write is scoped, validated in one place and logged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import IntegrityError, transaction

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import region_in_scope, scoped, sector_in_scope
from zhiben.audit.services import NewEvent, event_append_many
from zhiben.common.errors import Conflict, ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.common.hooks import Move, enterprises_moved, events_written
from zhiben.common.inputs import parse
from zhiben.reference.models import Sector
from zhiben.regions.selectors import host_region

from .inputs import EnterpriseChange, EnterpriseFields, EnterpriseRegistration
from .models import (
    Enterprise,
    OperatingStatus,
    RiskLevel,
    Scale,
    StandardisationGrade,
    SupervisionClass,
    enterprise_name_key,
)

F = TypeVar("F", bound=EnterpriseFields)

# name -> (label, max length) for free-text fields
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "address": ("地址", 200),
    "principal": ("主要负责人", 60),
    "principal_phone": ("主要负责人电话", 32),
    "actual_controller": ("实际控制人", 60),
    "safety_contact": ("安全管理联系人", 60),
    "safety_phone": ("安全管理联系电话", 32),
}
CHOICE_FIELDS: dict[str, tuple[str, Any]] = {
    "scale": ("企业规模", Scale.choices),
    "risk_level": ("安全风险等级", RiskLevel.choices),
    "supervision_class": ("监管分类", SupervisionClass.choices),
    "standardisation_grade": ("安全生产标准化等级", StandardisationGrade.choices),
    "status": ("经营状态", OperatingStatus.choices),
}
BOOL_FIELDS = {"high_risk": "高危行业", "above_scale": "规模以上", "insured": "投保安责险"}
DATE_FIELDS = {"standardisation_valid_until": "标准化有效期至", "insurance_valid_until": "安责险有效期至"}
EDITABLE = (
    {"name", "region", "sector", "industry_code", "employees", "longitude", "latitude"}
    | set(TEXT_FIELDS)
    | set(CHOICE_FIELDS)
    | set(BOOL_FIELDS)
    | set(DATE_FIELDS)
)


def validate_enterprise(fields: EnterpriseFields, *, actor: User, instance: Enterprise | None = None) -> dict[str, Any]:
    """The typed fields checked against the actor and the register: ``{field: value}`` to write (all of a
    registration's given fields, only the given ones of a change), or FieldErrors naming every bad field.

    Regions and sectors are checked against the actor's scope: an officer cannot register or move an
    enterprise outside the subtree and sectors they supervise. A registration's 高危行业 defaults from its
    sector (安全生产法 Arts. 24, 27 — FACTS §5)."""
    errors = ErrorCollector()
    cleaned: dict[str, Any] = {}
    creating = instance is None
    given = fields.model_fields_set

    def run(field: str, fn: Any) -> None:
        try:
            cleaned[field] = fn()
        except ValueError as exc:
            errors.add(field, str(exc))

    if creating:
        cleaned["credit_code"] = getattr(fields, "credit_code", "")
    elif getattr(fields, "credit_code", None) not in (None, "", instance.credit_code):  # type: ignore[union-attr]
        errors.add("credit_code", "统一社会信用代码登记后不能修改")
    if creating or "name" in given:
        cleaned["name"] = getattr(fields, "name", "")
    if creating or "region" in given:
        run("region", lambda: _clean_region(getattr(fields, "region", None), actor))
    if creating or "sector" in given:
        run("sector", lambda: _clean_sector(getattr(fields, "sector", None), actor))
    for name in EnterpriseFields.model_fields:
        if name in given and not (name in BOOL_FIELDS and getattr(fields, name) is None):
            cleaned[name] = getattr(fields, name)
    if cleaned.get("status") == "":
        cleaned["status"] = OperatingStatus.OPERATING
    errors.raise_if_any()
    if creating and "high_risk" not in cleaned:
        # Default from the sector (安全生产法 Arts. 24, 27 — FACTS §5); the register may override it.
        cleaned["high_risk"] = Sector.objects.filter(key=cleaned["sector"], high_risk=True).exists()
    return cleaned


def enterprise_input(model: type[F], data: Mapping[str, Any], *, actor: User) -> F:
    """What a page or a ledger row gives, as ``model`` (registration or change). When a field is bad, the
    refusal also names a region or sector outside the actor's scope, so that one answer names every bad
    field. Raises FieldErrors."""
    try:
        return parse(model, data)
    except FieldErrors as exc:
        found: dict[str, str] = {}
        for field, check in (("region", _clean_region), ("sector", _clean_sector)):
            if str(data.get(field) or "").strip():
                try:
                    check(data.get(field), actor)
                except ValueError as problem:
                    found[field] = str(problem)
        raise FieldErrors({**found, **exc.errors}) from exc


def _clean_region(raw: Any, actor: User) -> str:
    code = host_region(raw, level_error="企业应登记在区县或乡镇（街道）").code
    if not region_in_scope(actor, code):
        raise ValueError("该区划不在您的管辖范围内")
    return code


def _clean_sector(raw: Any, actor: User) -> str:
    key = "" if raw is None else str(raw).strip()
    if not key:
        raise ValueError("请选择行业领域")
    sector = Sector.objects.filter(key=key).first() or Sector.objects.filter(name=key).first()
    if sector is None:
        raise ValueError(f"行业领域 {key} 不存在")
    if not sector_in_scope(actor, sector.key):
        raise ValueError("该行业领域不在您的监管范围内")
    return sector.key


def _require_writer(actor: User) -> None:
    if actor.role not in (Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER):
        raise PermissionDenied("企业信息由监管部门登记和维护")


def enterprise_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    """The editable fields of ``enterprise``, by name (region and sector as their codes): the payload of
    its ``created`` event, and what an update compares."""
    return {
        field: getattr(enterprise, field if field not in ("region", "sector") else f"{field}_id")
        for field in sorted(EDITABLE)
    }


def enterprise_create(*, actor: User, registration: EnterpriseRegistration) -> Enterprise:
    """Register an enterprise (企业登记). 409 on a duplicate credit code.

    Written by ``enterprise_create_many`` (a batch of one): same row and event."""
    _require_writer(actor)
    cleaned = validate_enterprise(registration, actor=actor)
    try:
        with transaction.atomic():
            if Enterprise.objects.filter(credit_code=cleaned["credit_code"]).exists():
                raise Conflict("该统一社会信用代码已登记", field="credit_code")
            enterprise = enterprise_create_many(actor=actor, rows=[cleaned])[0]
    except IntegrityError as exc:  # a concurrent registration of the same code
        raise Conflict("该统一社会信用代码已登记", field="credit_code") from exc
    return enterprise


def enterprise_create_many(
    *, actor: User, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None = None
) -> list[Enterprise]:
    """Register many enterprises at once (a ledger import); returns them, in the order of ``rows``.

    ``rows`` are ``validate_enterprise``'s cleaned fields for a create (credit codes not yet registered:
    the caller's check; a duplicate raises IntegrityError and nothing is written). Each gets a ``created``
    event with its ``enterprise_snapshot`` plus, for each row in order, ``context``'s additions (an
    import's ``{"import": {"job", "file", "row"}}``). One transaction (the caller's, if any). Raises
    PermissionDenied unless the actor registers enterprises (regulators)."""
    _require_writer(actor)
    made = []
    for row in rows:
        cleaned = dict(row)
        region, sector = cleaned.pop("region"), cleaned.pop("sector")
        made.append(Enterprise(region_id=region, sector_id=sector, **cleaned))
        made[-1].name_key = enterprise_name_key(made[-1].name)  # bulk_create does not call save()
    extras = iter(context) if context is not None else None
    with transaction.atomic():
        Enterprise.objects.bulk_create(made, batch_size=2000)
        events = [
            NewEvent(
                subject_type="enterprise",
                subject_id=e.credit_code,
                kind="created",
                payload={**enterprise_snapshot(e), **(next(extras) if extras is not None else {})},
            )
            for e in made
        ]
        event_append_many(actor=actor, events=events)
        written = [(e, event.kind, event.payload) for e, event in zip(made, events, strict=True)]
        events_written(actor=actor, subject_type="enterprise", model=Enterprise, events=written)
    return made


def enterprise_update(*, actor: User, credit_code: str, change: EnterpriseChange) -> Enterprise:
    """Change an enterprise's fields; logs the before/after of each changed field.

    Written by ``enterprise_update_many`` (a batch of one)."""
    with transaction.atomic():
        enterprise = scoped(Enterprise.objects.select_for_update(), actor).filter(credit_code=credit_code).first()
        if enterprise is None:  # checked before the role, so an enterprise user learns nothing of others
            raise NotFound("企业不存在")
        _require_writer(actor)
        cleaned = validate_enterprise(change, actor=actor, instance=enterprise)
        enterprise_update_many(actor=actor, rows=[(enterprise, cleaned)])
    return enterprise


LOCK_CHUNK = 2000  # enterprises locked and re-read at a time (a re-import may change tens of thousands)


def enterprise_update_many(
    *,
    actor: User,
    rows: Sequence[tuple[Enterprise, Mapping[str, Any]]],
    context: Iterable[Mapping[str, Any]] | None = None,
) -> int:
    """Change many enterprises at once (a ledger re-import); returns how many changed.

    ``rows`` are ``(enterprise, fields)``: registered enterprises within the actor's scope (the caller's
    check) and ``validate_enterprise``'s cleaned fields for an update. The enterprises are locked and read
    again in this transaction (``select_for_update``, in id order so that two writers cannot deadlock): the
    fields are set on the rows as they are now, so a change another user saved after the caller read
    ``enterprise`` is kept, not overwritten with what the caller read. Each enterprise whose snapshot
    changes is saved (``updated_at`` touched) with an ``updated`` event naming the before and after of
    each changed field (plus, for each row in order, ``context``'s additions); the others are left as
    they are. The given instances are brought up to date with what was written. One transaction. Raises
    PermissionDenied unless the actor registers enterprises, NotFound for an enterprise no longer there.
    An enterprise moved to another region or sector takes its hazards along (``enterprises_moved``: the
    hazards register moves them, their counts and their events, in this transaction)."""
    _require_writer(actor)
    extras = iter(context) if context is not None else None
    events = []
    changed = []
    moves: list[Move] = []
    with transaction.atomic():
        current = _locked_for_update(sorted({enterprise.pk for enterprise, _ in rows}))
        for given, cleaned in rows:
            extra = next(extras) if extras is not None else {}
            enterprise = current.get(given.pk)
            if enterprise is None:
                raise NotFound("企业不存在")
            before = enterprise_snapshot(enterprise)
            for field, value in cleaned.items():
                setattr(enterprise, f"{field}_id" if field in ("region", "sector") else field, value)
            after = enterprise_snapshot(enterprise)
            changes = {k: [before[k], after[k]] for k in after if str(before[k]) != str(after[k])}
            if changes:
                enterprise.save()
                changed.append(enterprise)
                copied = {f: (str(before[f]), str(after[f])) for f in ("region", "sector") if f in changes}
                if copied:
                    moves.append((enterprise.pk, copied))
                events.append(
                    NewEvent(
                        subject_type="enterprise",
                        subject_id=enterprise.credit_code,
                        kind="updated",
                        payload={"changes": changes, **extra},
                    )
                )
            if given is not enterprise:  # the caller's instance, as written
                for f in Enterprise._meta.concrete_fields:
                    setattr(given, f.attname, getattr(enterprise, f.attname))
        event_append_many(actor=actor, events=events)
        written = [(e, event.kind, event.payload) for e, event in zip(changed, events, strict=True)]
        events_written(actor=actor, subject_type="enterprise", model=Enterprise, events=written)
        # the records that copy the enterprise's region and sector (hazards) follow it, in this transaction
        enterprises_moved(actor=actor, moves=moves)
    return len(events)


def _locked_for_update(ids: Sequence[int]) -> dict[int, Enterprise]:
    """The enterprises ``ids`` (ascending), locked for this transaction in that order, as they are now."""
    found: dict[int, Enterprise] = {}
    for start in range(0, len(ids), LOCK_CHUNK):
        chunk = ids[start : start + LOCK_CHUNK]
        found.update((e.pk, e) for e in Enterprise.objects.select_for_update().filter(pk__in=chunk).order_by("pk"))
    return found
