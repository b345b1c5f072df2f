"""Issuing a register's documents: number, render, record, and an event on the record's timeline.

The numbering rule: **the first download issues the document** — it takes the next serial of its issuing
unit, year and prefix and is recorded with that number and the day; every later download re-renders it
from the record's current data with the **same number and date** (a number must not change each time
someone clicks). Only government staff issue: an enterprise user may download a document already
issued for its own record, and is told it is not issued yet otherwise. A record listed again at another
level has another issuing unit, so it gets a new notice with that unit's number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.common import dates
from zhiben.common.errors import Conflict, NotFound
from zhiben.common.hooks import events_written
from zhiben.common.kit import DocumentSpec, Register

from .models import IssuedDocument, NumberSequence
from .numbering import document_number
from .rendering import chinese_date, render_docx, template_path

EVENT_KIND = "document_issued"


@dataclass(frozen=True)
class Rendered:
    """A document ready to send: its record, the .docx bytes and the download names."""

    record: IssuedDocument
    content: bytes
    filename: str  # Chinese: 挂牌督办通知书（秀山安委办督〔2026〕3号）.docx
    fallback: str  # ASCII, for clients that ignore filename*


def document_spec(register: Register, kind: str) -> DocumentSpec:
    """The register's declared document ``kind``; NotFound (404) for a kind it does not issue."""
    spec = register.document(kind)
    if spec is None:
        raise NotFound("文书不存在")
    return spec


def _available(register: Register, spec: DocumentSpec, subject: Any) -> None:
    if not spec.available(subject):
        reason = spec.refusal(subject) if spec.refusal is not None else None
        raise Conflict(reason or f"该{register.label}目前不能出具《{spec.label}》")


def _issued(register: Register, subject: Any, kind: str, unit_key: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(
        register=register.name, subject_id=str(subject.pk), kind=kind, unit_key=unit_key
    ).first()


def _next_serial(unit_key: str, year: int, prefix: str) -> int:
    """The next serial of a sequence, the row locked until the caller's transaction ends."""
    lookup = {"unit_key": unit_key, "year": year, "prefix": prefix}
    seq = NumberSequence.objects.select_for_update().filter(**lookup).first()
    if seq is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first use of the sequence may win
                seq = NumberSequence.objects.create(**lookup, last=0)
        except IntegrityError:
            seq = NumberSequence.objects.select_for_update().get(**lookup)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


def _render(register: Register, spec: DocumentSpec, subject: Any, actor: User, record: IssuedDocument) -> Rendered:
    context = dict(spec.context(subject, actor))
    context.update(
        number=record.number,
        issuer=record.unit_name,
        issued_on=chinese_date(record.issued_on),
        year=record.year,
    )
    content = render_docx(template_path(register, spec), context)
    return Rendered(
        record=record,
        content=content,
        filename=f"{spec.label}（{record.number}）.docx",
        fallback=f"{register.name}-{subject.pk}-{spec.kind}-{record.year}-{record.serial}.docx",
    )


def document_issue(*, register: Register, subject: Any, kind: str, actor: User) -> Rendered:
    """Issue document ``kind`` for ``subject`` (a record the actor may see): take the next number of the
    issuing unit for this year, render, record it with the file's SHA-256, and write ``document_issued``
    on the subject's timeline — all in one transaction.

    Raises NotFound for an unknown kind, Conflict when the document cannot be issued now
    (``available`` is false), IntegrityError when the same document was issued concurrently (the caller
    serves that one: see :func:`document_get`).
    """
    spec = document_spec(register, kind)
    _available(register, spec, subject)
    unit_key, unit_name = spec.issuer(subject)
    today = dates.today()
    with transaction.atomic():
        serial = _next_serial(unit_key, today.year, spec.prefix)
        record = IssuedDocument(
            register=register.name,
            subject_id=str(subject.pk),
            kind=kind,
            label=spec.label,
            unit_key=unit_key,
            unit_name=unit_name,
            year=today.year,
            prefix=spec.prefix,
            serial=serial,
            number=document_number(unit_key=unit_key, prefix=spec.prefix, year=today.year, serial=serial),
            issued_on=today,
            issued_by=actor,
        )
        rendered = _render(register, spec, subject, actor, record)
        record.sha256 = hashlib.sha256(rendered.content).hexdigest()
        record.save()
        payload = {"kind": kind, "label": spec.label, "number": record.number}
        event_append(
            actor=actor, subject_type=register.name, subject_id=str(subject.pk), kind=EVENT_KIND, payload=payload
        )
        written = [(subject, EVENT_KIND, payload)]
        events_written(actor=actor, subject_type=register.name, model=type(subject), events=written)
    return rendered


def document_get(*, register: Register, subject: Any, kind: str, actor: User) -> Rendered:
    """The document to download: issued on the first download by government staff, re-rendered with
    the same number and date afterwards (see the module's docstring).

    Raises NotFound for an unknown kind; Conflict when it cannot be issued now, or when an enterprise
    user asks for one not issued yet.
    """
    spec = document_spec(register, kind)
    _available(register, spec, subject)
    unit_key, _ = spec.issuer(subject)
    record = _issued(register, subject, kind, unit_key)
    if record is not None:
        return _render(register, spec, subject, actor, record)
    if actor.role == Role.ENTERPRISE:
        raise Conflict(f"《{spec.label}》尚未由监管部门出具")
    try:
        return document_issue(register=register, subject=subject, kind=kind, actor=actor)
    except IntegrityError:
        # issued by a concurrent request (a double click): serve that one, with its number
        record = _issued(register, subject, kind, unit_key)
        if record is None:
            raise
        return _render(register, spec, subject, actor, record)


@dataclass(frozen=True)
class DocumentEntry:
    """One declared document of a record, as the API lists it and the pages link it."""

    kind: str
    label: str
    available: bool
    number: str | None
    issued_on: Any


def document_entries(*, register: Register, subject: Any, actor: User) -> list[DocumentEntry]:
    """Every document the register declares, with whether it can be had now and its number once issued.
    For an enterprise user a document is available only once issued (it does not issue)."""
    available = {spec.kind: bool(spec.available(subject)) for spec in register.documents}
    issued = (
        {
            (r.kind, r.unit_key): r
            for r in IssuedDocument.objects.filter(register=register.name, subject_id=str(subject.pk))
        }
        if any(available.values())  # a page of a record with nothing to print asks nothing more
        else {}
    )
    entries = []
    for spec in register.documents:
        can = available[spec.kind]
        record = issued.get((spec.kind, spec.issuer(subject)[0])) if can else None
        if actor.role == Role.ENTERPRISE:
            can = record is not None
        entries.append(
            DocumentEntry(
                kind=spec.kind,
                label=spec.label,
                available=can,
                number=record.number if record else None,
                issued_on=record.issued_on if record else None,
            )
        )
    return entries
