"""Every write to a hazard: one function per use case, transactional, row-locked, logged (DESIGN.md §8).

Each service locks the hazard (``select_for_update``), checks the lifecycle in ``TRANSITIONS``, writes
the change and its event together, and raises a domain error (404 / 403 / 409 / 422) otherwise.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.base import ModelState
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.audit.services import NewEvent, event_append, event_append_many
from zhiben.common.bulk import allocate_ids, bulk_insert, insert_one
from zhiben.common.errors import Conflict, ErrorCollector, FieldErrors, NotFound, PermissionDenied
from zhiben.common.hooks import Move, events_written, tallies_changed
from zhiben.common.inputs import parse
from zhiben.common.names import code_key
from zhiben.common.validators import clean_credit_code
from zhiben.enterprises.models import Enterprise
from zhiben.reference.models import Criterion
from zhiben.reference.rules import determination_errors, is_determination, place_key
from zhiben.reference.selectors import composite_elements, criterion_lookup, refusal

from . import rules
from .evidence import CheckedFile, EvidenceRejected, check_upload, stored_files
from .inputs import (
    Decision,
    ExtensionVerdict,
    HazardCancellation,
    HazardDelisting,
    HazardDualReport,
    HazardExtension,
    HazardExtensionDecision,
    HazardPlan,
    HazardReport,
    HazardReviewDecision,
    HazardSubmission,
    HazardSupervision,
    ReportTo,
    parse_date,
    parse_elements,
)
from .models import (
    ACTIVE_STATUSES,
    EVERYONE,
    LIFECYCLE,
    REGULATORS,
    TIMELINE,
    Action,
    Attachment,
    AttachmentKind,
    ExtensionStatus,
    Hazard,
    Level,
    Source,
    Status,
    SupervisionLevel,
)
from .tallies import SUBJECT, Shape, shape_of

# Which roles may take each step (scope is checked separately, on the hazard itself): the lifecycle's
# arrows say it for its actions; the steps that change no state are listed here.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "plan": LIFECYCLE.roles_for(Action.PLAN),
    "submit": LIFECYCLE.roles_for(Action.SUBMIT),
    "review": LIFECYCLE.roles_for(Action.APPROVE),
    "cancel": LIFECYCLE.roles_for(Action.CANCEL),
    "attach": EVERYONE,
    "report": EVERYONE,
    "supervise": REGULATORS,
    "delist": REGULATORS,
    "extend": EVERYONE,
    "decide_extension": REGULATORS,
    "order": REGULATORS,
    "close_on_reinspection": REGULATORS,
}
MAX_FILES = 9
LEVELS, SOURCES = Level.choices, Source.choices  # built once: an import checks them on every row


# ----------------------------------------------------------------------------------------- helpers
def _require_role(actor: User, step: str) -> None:
    if actor.role not in ROLE_ACTIONS[step]:
        raise PermissionDenied("您的角色不能进行此操作")


def _visible(hazard_id: int, actor: User) -> None:
    """404 before anything else: input errors must not tell an outsider that a hazard exists."""
    if not scoped(Hazard.objects, actor).filter(pk=hazard_id).exists():
        raise NotFound("隐患不存在")


def _locked(hazard_id: int, actor: User) -> Hazard:
    """The hazard, locked for this transaction, if the actor may see it; else 404."""
    hazard = scoped(Hazard.objects.select_for_update(), actor).filter(pk=hazard_id).first()
    if hazard is None:
        raise NotFound("隐患不存在")
    return hazard


def _target(hazard: Hazard, action: str, actor: User) -> str:
    """The state ``action`` takes ``hazard`` to, by the lifecycle (roles, state, guard); 403/409 otherwise."""
    return LIFECYCLE.take(action, hazard, actor).target


def _log(actor: User | None, hazard: Hazard, kind: str, payload: dict[str, Any]) -> None:
    """The event, and the notices the register's rules give it (register.py), in this transaction."""
    event_append(actor=actor, subject_type="hazard", subject_id=str(hazard.pk), kind=kind, payload=payload)
    events_written(actor=actor, subject_type="hazard", model=Hazard, events=[(hazard, kind, payload)])


def _tally(before: Shape | None, after: Shape | None) -> None:
    """Hand the summary counts one hazard's change, in this transaction (ADR 0001)."""
    tallies_changed(SUBJECT, [(before, after)])


def _check_files(uploads: Iterable[tuple[IO[bytes], str, int | None]], field: str) -> list[CheckedFile]:
    """Every file checked, every refusal named at once; the same file chosen twice is kept once."""
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for stream, name, size in uploads:
        try:
            item = check_upload(stream, name=name, size=size)
        except EvidenceRejected as exc:
            problems.append(f"{name or '文件'}：{exc}")
        else:
            if all(c.sha256 != item.sha256 for c in checked):
                checked.append(item)
    if len(checked) > MAX_FILES:
        problems.append(f"一次最多上传 {MAX_FILES} 个文件")
    if problems:
        raise FieldErrors({field: "；".join(problems)})
    return checked


def _store(hazard: Hazard, actor: User, checked: CheckedFile, kind: str = AttachmentKind.EVIDENCE) -> Attachment:
    main, thumb = stored_files(checked)
    attachment = Attachment(
        hazard=hazard,
        kind=kind,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        original_name=checked.original_name,
        uploaded_by=actor,
    )
    attachment.file.save(main.name, main, save=False)
    if thumb is not None:
        attachment.thumbnail.save(thumb.name, thumb, save=False)
    pending = _new_files.get()
    if pending is not None:  # if the transaction rolls back, these must not linger on disk
        pending.extend(n for n in (attachment.file.name, attachment.thumbnail.name) if n)
    attachment.save()
    return attachment


_new_files: ContextVar[list[str] | None] = ContextVar("zhiben_new_files", default=None)


class _FileGuard:
    """Deletes the files written inside a block whose transaction did not commit."""

    def __enter__(self) -> _FileGuard:
        self.token = _new_files.set([])
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        names = _new_files.get() or []
        _new_files.reset(self.token)
        if exc_type is not None:
            for name in names:
                default_storage.delete(name)


def _attachment_payload(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.original_name,
        "type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "kind": a.kind,
    }


def snapshot(h: Hazard) -> dict[str, Any]:
    """The ``created`` event's payload; an old ledger's closed row adds its status and close-out date."""
    out: dict[str, Any] = {
        "enterprise": h.enterprise.credit_code,
        "level": h.level,
        "source": h.source,
        "title": h.title,
        "description": h.description,
        "location": h.location,
        "criterion": h.criterion_id,
        "discovered_on": h.discovered_on,
        "deadline": h.deadline,
        "external_ref": h.external_ref,
    }
    if h.criterion_elements:  # a fire determination: the elements counted and the type of place
        out.update(criterion_elements=h.criterion_elements, place_type=h.place_type)
    if h.historical:
        out.update(historical=True, status=h.status, closed_on=h.closed_on)
    return out


# ----------------------------------------------------------------------------------------- create
class HazardLookups:
    """Where ``validate_hazard`` looks up enterprises and criteria: the database, one query each. An
    import passes a subclass that answers from maps loaded once for the whole file (same rules)."""

    def enterprise(self, actor: User, credit_code: str) -> Enterprise | None:
        # the credit code is unique: no ORDER BY for first()
        found = list(scoped(Enterprise.objects, actor).filter(credit_code=credit_code)[:1])
        return found[0] if found else None

    def criterion(self, code: str) -> Criterion | None:
        """Clause ``code`` with its sectors, standard and successors (``selectors.refusal`` reads them)."""
        return criterion_lookup(code)

    def composites(self, determination: Criterion, on: datetime.date) -> dict[str, Criterion]:
        """The composite elements a determination counts, in force on ``on``, by code."""
        return {c.code: c for c in composite_elements(determination, on)}


def validate_hazard(report: HazardReport, *, actor: User, lookups: HazardLookups | None = None) -> dict[str, Any]:
    """A typed report checked against the actor and the register: ``{field: value}`` ready to record (the
    enterprise an instance, ``criterion_id``), or FieldErrors naming every bad field. The enterprise must be
    in the actor's scope; an enterprise user reports its own self-checks only (DESIGN.md §6); a major
    hazard cites a clause that applies to its enterprise's sector (重大事故隐患判定标准, FACTS §2); the
    deadline is not before discovery. One path for the API, the pages and the ledger import."""
    find = lookups or HazardLookups()
    errors = ErrorCollector()
    enterprise = find.enterprise(actor, report.enterprise)
    if enterprise is None:
        errors.add("enterprise", "企业不存在或不在您的管辖范围内")
    cited = Cited(report.criterion, report.discovered_on, report.elements, report.place_type)
    for field, text in _role_and_criterion(report.source, report.level, cited, enterprise, actor, find):
        errors.add(field, text)
    if report.deadline is not None and report.deadline < report.discovered_on:
        # A deadline may lie in the past (ledgers are entered late), never before discovery.
        errors.add("deadline", "整改期限不能早于发现日期")
    elif report.deadline is not None and (too_late := rules.deadline_too_late(report.discovered_on, report.deadline)):
        errors.add("deadline", too_late)
    errors.raise_if_any()
    assert enterprise is not None
    cleaned: dict[str, Any] = {
        "title": report.title,
        "level": report.level,
        "source": report.source,
        "description": report.description,
        "location": report.location,
        "external_ref": report.external_ref,
        "discovered_on": report.discovered_on,
        "deadline": report.deadline,
        "enterprise": enterprise,
    }
    if report.criterion:
        cleaned["criterion_id"] = report.criterion
    if report.elements:
        cleaned["criterion_elements"] = report.elements
        determination = find.criterion(report.criterion)
        # stored by its key, however it was written (人员密集场所 in a ledger, crowded from the API)
        cleaned["place_type"] = (determination and place_key(determination, report.place_type)) or report.place_type
    return cleaned


class Cited(NamedTuple):
    """What a hazard cites: a clause code, on its discovery date (None: not readable), and for a fire
    determination the composite elements and the type of place."""

    criterion: str
    on: datetime.date | None
    elements: list[str]
    place_type: str


def _role_and_criterion(
    source: Any, level: Any, cited: Cited, enterprise: Enterprise | None, actor: User, find: HazardLookups
) -> list[tuple[str, str]]:
    """The role's and the citation's refusals, by field. FACTS §2: the clause applies to the enterprise's
    sector and is in force on the discovery date; GB 35181: a composite element is never cited alone, a
    determination lists elements reaching its place's threshold."""
    out = []
    if actor.role == Role.ENTERPRISE and source not in (None, "", Source.SELF_CHECK):
        out.append(("source", "企业只能上报“企业自查”发现的隐患，来源请选择企业自查"))
    code = cited.criterion
    if not code:
        if level == Level.MAJOR:
            out.append(("criterion", "重大隐患必须引用所属行业（或通用）的判定标准条款"))
        if cited.elements:
            out.append(("elements", "列出综合判定要素时须引用综合判定条款"))
        if cited.place_type:
            out.append(("place_type", "填写场所类别时须引用综合判定条款"))
        return out
    if enterprise is None or cited.on is None:
        return out  # the enterprise or the date is refused on its own
    c = find.criterion(code)
    why = refusal(c, code, enterprise.sector_id, cited.on)
    if why is not None:
        out.append(("criterion", why))
    elif is_determination(c):
        assert c is not None
        out.extend(determination_errors(c, cited.elements, cited.place_type, find.composites(c, cited.on)).items())
    else:
        if cited.elements:
            out.append(("elements", f"{code} 不是综合判定条款，不列综合判定要素"))
        if cited.place_type:
            out.append(("place_type", f"{code} 不是综合判定条款，不填场所类别"))
    return out


def hazard_input(data: Mapping[str, Any], *, actor: User, lookups: HazardLookups | None = None) -> HazardReport:
    """What a page or a ledger row gives, as the typed report. When a field is bad, the refusal also names
    what the register would refuse (the enterprise out of scope, a missing clause …), so that one answer
    names every bad field. Raises FieldErrors."""
    try:
        return parse(HazardReport, data)
    except FieldErrors as exc:
        find = lookups or HazardLookups()
        found: dict[str, str] = {}
        enterprise = None
        try:
            enterprise = find.enterprise(actor, clean_credit_code(data.get("enterprise")))
            if enterprise is None:
                found["enterprise"] = "企业不存在或不在您的管辖范围内"
        except ValueError:
            pass
        try:
            on = parse_date(data.get("discovered_on"), "发现日期")
        except ValueError:
            on = None
        try:
            elements = parse_elements(data.get("elements"))
        except ValueError:
            elements = []
        cited = Cited(code_key(data.get("criterion"), dash="-"), on, elements, str(data.get("place_type") or ""))
        found.update(_role_and_criterion(data.get("source"), data.get("level"), cited, enterprise, actor, find))
        raise FieldErrors({**found, **exc.errors}) from exc


def hazard_create(
    *, actor: User, report: HazardReport, files: Sequence[tuple[IO[bytes], str, int | None]] = ()
) -> Hazard:
    """Record a hazard (企业自查上报, or an officer's finding), with optional photos, all or nothing.

    The hazard is written by the same code as ``hazard_create_many`` (a batch of one): same row, event
    and summary counts. Returns the hazard as recorded, its enterprise loaded. Raises FieldErrors (bad
    fields, files), Conflict (the enterprise already has a hazard with this external_ref)."""
    cleaned = validate_hazard(report, actor=actor)
    checked = _check_files(files, "files")
    with _FileGuard(), transaction.atomic():
        if (
            cleaned["external_ref"]
            and Hazard.objects.filter(enterprise=cleaned["enterprise"], external_ref=cleaned["external_ref"]).exists()
        ):
            raise Conflict("该企业已有相同外部编号的隐患", field="external_ref")
        hazard = _hazards_create(actor=actor, rows=[cleaned], context=None)[1][0]
        for item in checked:  # the photos of the hazard as found, never evidence of its rectification
            attachment = _store(hazard, actor, item, AttachmentKind.PHOTO)
            _log(actor, hazard, "attachment_added", _attachment_payload(attachment))
        if checked:  # the kept timeline would lack the attachments' events
            hazard.__dict__.pop(TIMELINE, None)
    return hazard


BULK_CHUNK = 5000  # rows inserted (and hazards updated) at a time: an import's memory stays bounded
ALLOCATE_FROM = 1000  # from this many rows, keys allocated up front and rows inserted by executemany / COPY
# the fields a re-import may change on a registered hazard; the rest follow the lifecycle, on its page
IMPORT_UPDATABLE = frozenset({"title", "description", "location", "deadline", "criterion_id"})
# of those, the ones a re-import may only fill in where the register has none (a ledger first imported
# without its deadlines): it never moves a deadline (that is an extension's)
IMPORT_ADDABLE = frozenset({"deadline", "criterion_id"})


def hazard_create_many(
    *, actor: User, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None = None
) -> list[int]:
    """Record many hazards at once (a ledger import); returns their ids, in the order of ``rows``.

    Each hazard is what ``hazard_create`` makes of the same fields — open, registered by ``actor``, in its
    enterprise's region and sector — with the same ``created`` event (``snapshot``) and the same summary
    counts (``shape_of``, handed to ``tallies_changed`` once for the batch), in one transaction (the
    caller's, if any). ``rows`` are ``validate_hazard``'s cleaned fields (the enterprise an instance the
    actor may see; duplicates are the caller's check), and for an old ledger's closed item also
    ``status`` (closed), ``closed_on``, ``submitted_on`` and ``historical`` (ledger.historical_close: its
    close-out date from the sheet, its event saying so); ``context`` gives, for each row in order, what its
    event's payload adds (an import's ``{"import": {"job", "file", "row"}}``).

    From ``ALLOCATE_FROM`` rows on, the keys are allocated up front and the rows inserted with executemany
    (COPY on PostgreSQL), ``BULK_CHUNK`` at a time: on SQLite the caller's transaction must then already
    hold the write lock (have written something), as the import does. Raises ValueError for a field that
    is not a hazard's."""
    ids, _ = _hazards_create(actor=actor, rows=rows, context=context)
    return ids


def _hazards_create(
    *, actor: User, rows: Sequence[Mapping[str, Any]], context: Iterable[Mapping[str, Any]] | None
) -> tuple[list[int], list[Hazard]]:
    """The one path that records hazards (``hazard_create``, ``hazard_create_many``): their ids, and the
    hazards themselves when fewer than ``ALLOCATE_FROM`` (a large batch is never all in memory)."""
    changes: list[tuple[Shape | None, Shape | None]] = []
    snapshots: list[dict[str, Any]] = []  # each hazard's created event's payload, in order
    now = timezone.now()

    def count(hazard: Hazard) -> None:
        changes.append((None, shape_of(hazard)))
        snapshots.append(snapshot(hazard))

    # No savepoint: nobody between here and the caller's transaction catches an error and goes on.
    with transaction.atomic(savepoint=False):
        if len(rows) < ALLOCATE_FROM:
            hazards = [_hazard_new(actor, row, now) for row in rows]
            if len(hazards) == 1:  # a hazard recorded by hand: one prepared INSERT … RETURNING
                hazards[0].pk = insert_one(Hazard, hazards[0].__dict__)
                hazards[0]._state.adding, hazards[0]._state.db = False, "default"
            else:
                Hazard.objects.bulk_create(hazards)  # the database numbers them
            ids = [h.pk for h in hazards]
            for hazard in hazards:
                count(hazard)
        else:
            hazards, ids = [], allocate_ids(Hazard, len(rows))

            def built() -> Iterator[dict[str, Any]]:
                # Each hazard built once: its row goes to the insert, its shape and snapshot are kept (small)
                # rather than the instance (100,000 instances would be most of the memory).
                for row, pk in zip(rows, ids, strict=True):
                    hazard = _hazard_new(actor, row, now)
                    hazard.id = pk
                    count(hazard)
                    yield hazard.__dict__

            # executemany / COPY of the rows as they are, all of them before the events (SQLite's page
            # cache then holds one table's pages at a time): Model.save() would be most of an import's time
            bulk_insert(Hazard, built(), BULK_CHUNK, with_ids=True)
        # Counts before events, as in every other hazard service: one lock order (the count rows, then the
        # event chain) so that concurrent writers cannot deadlock.
        tallies_changed(SUBJECT, changes)
        extras = iter(context) if context is not None else None
        if extras is not None:  # in place: an import's hundred thousand payloads are not copied
            for payload in snapshots:
                payload.update(next(extras))
        payloads = snapshots
        if len(hazards) == 1:  # one hazard: its event as stored, kept for the answer (its timeline so far)
            (payload,) = payloads
            created = event_append(
                actor=actor, subject_type="hazard", subject_id=str(ids[0]), kind="created", payload=payload, at=now
            )
            hazards[0].__dict__[TIMELINE] = [created]
        else:
            events = (
                NewEvent(subject_type="hazard", subject_id=str(pk), kind="created", payload=payload)
                for pk, payload in zip(ids, payloads, strict=True)
            )
            event_append_many(actor=actor, events=events, at=now)
        # the records themselves when kept, else their keys (loaded only if a notification rule needs them)
        written = zip(hazards or ids, ["created"] * len(ids), payloads, strict=True)
        events_written(actor=actor, subject_type="hazard", model=Hazard, events=written)
    return ids, hazards


def _hazard_new(actor: User, cleaned: Mapping[str, Any], now: datetime.datetime) -> Hazard:
    """A new hazard (unsaved) from ``validate_hazard``'s cleaned fields: open, registered by ``actor`` now,
    in its enterprise's region and sector.

    Built as ``Model.from_db`` builds a row read back, every concrete field set (its default where
    ``cleaned`` says nothing): ``Model.__init__`` with keywords costs more per row than the insert itself."""
    values = dict(cleaned)
    enterprise: Enterprise = values.pop("enterprise")
    defaults, made_defaults, attnames = _hazard_fields()
    unknown = values.keys() - attnames
    if unknown:
        raise ValueError(f"not hazard fields: {sorted(unknown)}")
    hazard = Hazard.__new__(Hazard)
    hazard._state = ModelState()
    hazard._state.fields_cache["enterprise"] = enterprise
    if isinstance(actor, User):
        hazard._state.fields_cache["created_by"] = actor
    fields = hazard.__dict__
    fields.update(defaults)
    for name, default in made_defaults:
        fields[name] = default()
    fields.update(values)
    fields.update(
        enterprise_id=enterprise.pk,
        region_id=enterprise.region_id,
        sector_id=enterprise.sector_id,
        created_by_id=actor.pk,
        created_at=now,
        updated_at=now,
    )
    fields["regulator_report_due"] = _report_due(hazard)
    return hazard


def _report_due(hazard: Hazard) -> datetime.date | None:
    return rules.regulator_report_due_for(
        sector=hazard.sector_id, level=hazard.level, source=hazard.source, discovered_on=hazard.discovered_on
    )


@functools.cache
def _hazard_fields() -> tuple[dict[str, Any], list[tuple[str, Any]], frozenset[str]]:
    """The hazard's concrete fields: constant defaults, callable defaults, attribute names (read once)."""
    concrete = Hazard._meta.concrete_fields
    constant = {f.attname: f.get_default() for f in concrete}  # as Model.__init__: "" for text, else None
    made = [(f.attname, f.default) for f in concrete if f.has_default() and callable(f.default)]
    for name, _ in made:
        constant.pop(name)
    return constant, made, frozenset(f.attname for f in concrete)


def hazard_update_many(
    *, actor: User, rows: Sequence[tuple[int, Mapping[str, Any]]], context: Iterable[Mapping[str, Any]] | None = None
) -> int:
    """Change the descriptive fields of many hazards at once (a ledger re-import); returns how many.

    ``rows`` are ``(hazard id, {field: value})`` with values cleaned by ``validate_hazard`` and only the
    fields ``IMPORT_UPDATABLE`` (title, description, location; a deadline or criterion only where the
    hazard has none): the rest follow the lifecycle, through its own services (ValueError otherwise).
    The ids are the caller's, already within the actor's scope
    (NotFound for one that does not exist). Each hazard gets ``updated_at`` and one ``updated`` event with
    the before and after of every given field (plus, in order, ``context``'s additions, as in
    ``hazard_create_many``); the summary counts are fed once for the batch. One transaction."""
    extras = iter(context) if context is not None else None
    changes: list[tuple[Shape | None, Shape | None]] = []
    events: list[NewEvent] = []
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(rows), BULK_CHUNK):
            chunk = rows[start : start + BULK_CHUNK]
            found = Hazard.objects.select_for_update().in_bulk(sorted(pk for pk, _ in chunk))
            for pk, values in chunk:
                refused = values.keys() - IMPORT_UPDATABLE
                if refused:
                    raise ValueError(f"fields a re-import may not change: {sorted(refused)}")
                hazard = found.get(pk)
                if hazard is None:
                    raise NotFound("隐患不存在")
                before, shape = {f: getattr(hazard, f) for f in values}, shape_of(hazard)
                if any(before[f] not in (None, "") for f in IMPORT_ADDABLE & values.keys()):
                    raise ValueError("a re-import only fills a blank deadline or criterion")
                for name, value in values.items():
                    setattr(hazard, name, value)
                hazard.updated_at = now  # bulk_update does not apply auto_now
                changes.append((shape, shape_of(hazard)))
                extra = next(extras) if extras is not None else {}
                payload = {"changes": {f: [before[f], v] for f, v in values.items()}, **extra}
                events.append(NewEvent(subject_type="hazard", subject_id=str(pk), kind="updated", payload=payload))
            fields = sorted({f for _, values in chunk for f in values})
            Hazard.objects.bulk_update(list(found.values()), [*fields, "updated_at"], batch_size=500)
        # Counts (none today: the updatable fields are not counted) before events, as in every hazard
        # service; the events in one append for the whole re-import.
        tallies_changed(SUBJECT, changes)
        event_append_many(actor=actor, events=events, at=now)
        # the records by key: loaded only if a notification rule needs them
        events_written(
            actor=actor,
            subject_type="hazard",
            model=Hazard,
            events=[(int(e.subject_id), e.kind, e.payload) for e in events],
        )
    return len(rows)


# ----------------------------------------------------------------------------------------- actions
# Each step takes its typed input (inputs.py), parsed by its caller once the hazard is known to be in scope
# (an outsider's bad input answers 404, not 422). The service locks the hazard (404 out of scope), checks
# the role (403) and the lifecycle (409), then what the input means for this hazard (422).
def hazard_plan(*, hazard_id: int, actor: User, plan: HazardPlan) -> Hazard:
    """File (or revise) the rectification plan, 五落实. Its deadline becomes the hazard's deadline."""
    errors = ErrorCollector()
    values: dict[str, Any] = {
        "responsible_person": plan.responsible_person,
        "measures": plan.measures,
        "interim_measures": plan.interim_measures,
        "funds": plan.funds,
        "deadline": plan.deadline,
    }
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "plan")  # after the scope check: out of scope is 404
        before = shape_of(hazard)
        target = _target(hazard, Action.PLAN, actor)
        if plan.deadline < hazard.discovered_on:
            errors.add("deadline", "整改期限不能早于发现日期")
        elif too_late := rules.deadline_too_late(hazard.discovered_on, plan.deadline):
            errors.add("deadline", too_late)
        elif hazard.deadline is not None and plan.deadline > hazard.deadline:
            # a deadline moves later only by an extension decided by another officer (DESIGN.md §3)
            errors.add("deadline", f"整改期限不能晚于现有期限 {hazard.deadline:%Y-%m-%d}；需要延长请申请延期")
        if hazard.level == Level.MAJOR and not plan.interim_measures:
            errors.add("interim_measures", "重大隐患须填写整改期间的安全防范和应急措施")
        errors.raise_if_any()
        revised = hazard.status == Status.RECTIFYING
        for field, value in values.items():
            setattr(hazard, field, value)
        hazard.status = target
        hazard.planned_at = timezone.now()
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(actor, hazard, "plan_revised" if revised else "planned", values)
    return hazard


def hazard_attach(
    *,
    hazard_id: int,
    actor: User,
    uploads: Sequence[tuple[IO[bytes], str, int | None]],
    kind: str = AttachmentKind.EVIDENCE,
) -> list[Attachment]:
    """Upload files (photos or PDF), all or none: rectification evidence, or (kind ``photo``) more
    photos of the hazard as found. A file this hazard already has (the same content, as when a slow
    upload is sent twice) is not stored again: the one kept is returned in its place."""
    _visible(hazard_id, actor)
    if kind not in AttachmentKind.values:
        raise FieldErrors({"kind": "类别只能是“隐患现场照片”或“整改佐证材料”"})
    checked = _check_files(uploads, "file")
    if not checked:
        raise FieldErrors({"file": "请选择要上传的照片或PDF文件"})
    with _FileGuard(), transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "attach")  # after the scope check: out of scope is 404
        if hazard.status not in (Status.OPEN, Status.RECTIFYING, Status.PENDING_REVIEW):
            raise Conflict(f"当前状态为“{hazard.get_status_display()}”，不能再上传材料")
        kept = {a.sha256: a for a in hazard.attachments.all()}
        attachments = []
        for item in checked:
            attachment = kept.get(item.sha256)
            if attachment is None:
                attachment = _store(hazard, actor, item, kind)
                _log(actor, hazard, "attachment_added", _attachment_payload(attachment))
            attachments.append(attachment)
    return attachments


def hazard_submit(*, hazard_id: int, actor: User, submission: HazardSubmission) -> Hazard:
    """Apply for close-out (申请销号). A general hazard closes at once; a major one waits for review
    and needs at least one evidence file."""
    summary = submission.summary
    ids = sorted(set(submission.attachments))
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "submit")  # after the scope check: out of scope is 404
        before = shape_of(hazard)
        target = _target(hazard, Action.SUBMIT, actor)
        own = dict(hazard.attachments.filter(pk__in=ids).values_list("pk", "kind"))
        if set(own) != set(ids):
            raise FieldErrors({"attachments": "佐证材料不属于该隐患"})
        if AttachmentKind.PHOTO in own.values():
            raise FieldErrors({"attachments": "隐患现场照片不能作为整改佐证，请选择整改后的照片或材料"})
        if hazard.level == Level.MAJOR:
            if not ids:
                raise FieldErrors({"attachments": "重大隐患销号须附整改佐证材料（至少一个文件）"})
            target = Status.PENDING_REVIEW
        else:
            target = Status.CLOSED
        hazard.status = target
        hazard.submitted_by = actor
        hazard.submitted_at = timezone.now()
        hazard.submitted_on = rules.today()  # the enterprise's completion: overdue and on time judge by it
        if target == Status.CLOSED:
            hazard.closed_on = rules.today()
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(actor, hazard, "submitted", {"summary": summary, "attachments": ids, "status": target})
        if target == Status.CLOSED:
            _log(actor, hazard, "closed", {"closed_on": hazard.closed_on, "by": "enterprise_self"})
    return hazard


def hazard_review(*, hazard_id: int, actor: User, review: HazardReviewDecision) -> Hazard:
    """Review a close-out application (审核销号): approve closes the hazard, reject sends it back.

    Only a regulator in scope who did not submit it may decide (审核把关)."""
    approve = review.decision == Decision.APPROVE
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "review")  # after the scope check: out of scope is 404
        before = shape_of(hazard)
        target = _target(hazard, Action.APPROVE if approve else Action.REJECT, actor)
        if hazard.submitted_by_id == actor.pk:
            raise PermissionDenied("不能审核自己提交的销号申请")
        if approve and not hazard.attachments.filter(kind=AttachmentKind.EVIDENCE).exists():
            raise Conflict("没有整改佐证材料，不能销号")
        hazard.status = target
        if target == Status.CLOSED:
            hazard.closed_on = rules.today()
        else:  # back to rectifying: the next submission is the one judged (this one stays in the events)
            hazard.submitted_on = None
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(actor, hazard, "approved" if approve else "rejected", {"comment": review.comment})
        if target == Status.CLOSED:
            _log(actor, hazard, "closed", {"closed_on": hazard.closed_on, "by": "review"})
    return hazard


def hazard_cancel(*, hazard_id: int, actor: User, cancellation: HazardCancellation) -> Hazard:
    """Cancel a record that is not a hazard (误报/不构成隐患), with the reason.

    A general hazard is cancelled at once. A major one takes two regulators (DESIGN.md §3, two people for
    every official verdict): the first call records the proposal (``cancel_proposed_by``, a
    ``cancel_proposed`` event) and leaves the hazard as it was; the same person again is refused
    (Conflict); another regulator in scope confirms, and the hazard is cancelled. Returns the hazard;
    its status says which happened. Raises NotFound, PermissionDenied, Conflict."""
    reason = cancellation.reason
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "cancel")  # after the scope check: out of scope is 404
        before = shape_of(hazard)
        target = _target(hazard, Action.CANCEL, actor)
        if hazard.level == Level.MAJOR and hazard.cancel_proposed_by_id is None:
            hazard.cancel_proposed_by = actor
            hazard.cancel_reason = reason
            hazard.save(update_fields=["cancel_proposed_by", "cancel_reason", "updated_at"])
            _log(actor, hazard, "cancel_proposed", {"reason": reason})
            return hazard
        if hazard.level == Level.MAJOR and hazard.cancel_proposed_by_id == actor.pk:
            raise Conflict("您已提议撤销该重大隐患，须由另一名监管人员确认")
        proposal = hazard.cancel_reason if hazard.cancel_proposed_by_id else ""
        hazard.status = target
        hazard.cancel_reason = reason
        hazard.save()
        _tally(before, shape_of(hazard))
        payload: dict[str, Any] = {"reason": reason}
        if hazard.cancel_proposed_by_id:
            payload.update(proposed_by=hazard.cancel_proposed_by_id, proposal=proposal)
        _log(actor, hazard, "cancelled", payload)
    return hazard


def hazard_supervise(*, hazard_id: int, actor: User, supervision: HazardSupervision) -> Hazard:
    """List a hazard for supervision (挂牌督办) at county, city or province level."""
    values: dict[str, Any] = {
        "supervision_level": supervision.level,
        "supervision_notice_no": supervision.notice_no,
        "supervision_deadline": supervision.deadline,
        "listed_on": supervision.listed_on or rules.today(),
    }
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "supervise")  # after the scope check: out of scope is 404
        _require_listing_level(actor, supervision.level)
        before = shape_of(hazard)
        if hazard.status not in (Status.OPEN, Status.RECTIFYING, Status.PENDING_REVIEW):
            raise Conflict(f"当前状态为“{hazard.get_status_display()}”，不能挂牌督办")
        wrong: dict[str, str] = {}
        if supervision.deadline is not None and supervision.deadline < hazard.discovered_on:
            wrong["deadline"] = "督办期限不能早于发现日期"
        if values["listed_on"] < hazard.discovered_on:  # a listing cannot come before the hazard was found
            wrong["listed_on"] = "挂牌日期不能早于发现日期"
        if wrong:
            raise FieldErrors(wrong)
        relisted = bool(hazard.supervision_level)
        hazard.delisted_on, hazard.delist_reason = None, ""  # a listing after 摘牌 is a new one
        for field, value in values.items():
            if relisted and value in ("", None) and field in ("supervision_notice_no", "supervision_deadline"):
                continue  # a re-listing changes what it names, and keeps the rest
            setattr(hazard, field, value)
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(
            actor,
            hazard,
            "relisted" if relisted else "listed",
            {
                "level": values["supervision_level"],
                "notice_no": values["supervision_notice_no"],
                "deadline": values["supervision_deadline"],
                "listed_on": values["listed_on"],
            },
        )
    return hazard


def listing_levels(actor: User) -> list[str]:
    """The supervision levels ``actor`` may list at or de-list from (rules.listing_levels)."""
    return rules.listing_levels(role=actor.role, region_code=actor.region_id, is_admin=actor.role == Role.ADMIN)


def _require_listing_level(actor: User, level: str) -> None:
    """403 for a level above the actor's authority (DESIGN.md §3: at most the level of one's own region)."""
    allowed = listing_levels(actor)
    if level not in allowed:
        labels = dict(SupervisionLevel.choices)
        if not allowed:
            raise PermissionDenied("您所在的层级不能挂牌督办（挂牌督办最低为县级）")
        raise PermissionDenied(f"您只能进行{'、'.join(labels[a] for a in allowed)}")


def hazard_delist(*, hazard_id: int, actor: User, delisting: HazardDelisting) -> Hazard:
    """End a supervision listing (摘牌) on ``delisting.on`` with its reason, by a regulator with authority
    at the listing's level. The listing's record (level, notice, 督办期限) stays; ``listed`` becomes false.
    Raises NotFound, PermissionDenied, Conflict (not listed), FieldErrors (``on`` before the listing)."""
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "delist")
        if not hazard.listed:
            raise Conflict("该隐患未挂牌督办或已摘牌")
        _require_listing_level(actor, hazard.supervision_level)
        if hazard.listed_on is not None and delisting.on < hazard.listed_on:
            raise FieldErrors({"on": f"摘牌日期不能早于挂牌日期 {hazard.listed_on:%Y-%m-%d}"})
        before = shape_of(hazard)
        hazard.delisted_on, hazard.delist_reason = delisting.on, delisting.reason
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(actor, hazard, "delisted", {"on": delisting.on, "reason": delisting.reason})
    return hazard


EXTENDABLE = (Status.OPEN, Status.RECTIFYING)


def hazard_extension_request(*, hazard_id: int, actor: User, extension: HazardExtension) -> Hazard:
    """Ask for a later deadline (延期申请), with the reason (DESIGN.md §3, who owns a deadline).

    One request at a time, while the hazard is open or rectifying and has a deadline. The deadline asked
    for is later than the present one. A deadline a regulator ordered (``rules.deadline_owner``) can no
    longer be extended once it has passed (Conflict naming ``deadline``, 409: the state refuses, not the
    input); the enterprise's own may be, and its overdue record stays. The request is due at least
    ``EXTENSION_NOTICE_WORKING_DAYS`` (20) working days before the deadline (FACTS §1): later, a
    regulator-ordered deadline is refused (Conflict naming ``deadline``, with the last day it could have
    been asked) and the enterprise's own is accepted with ``extension_late`` set. The decision is due
    ``EXTENSION_DECISION_WORKING_DAYS`` (10) working days after the request (``rules.extension_decide_by``).
    Until an officer approves, the old deadline stands and the ladder counts from it. Raises NotFound,
    PermissionDenied, Conflict, FieldErrors."""
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "extend")
        if hazard.status not in EXTENDABLE:
            raise Conflict(f"当前状态为“{hazard.get_status_display()}”，不能申请延期")
        if hazard.deadline is None:
            raise Conflict("尚未设定整改期限，请先制定整改方案", field="deadline")
        if hazard.extension_status == ExtensionStatus.PENDING:
            raise Conflict("已有待审批的延期申请")
        today = rules.today()
        regulator_ordered = rules.deadline_owner(hazard) == rules.REGULATOR
        if regulator_ordered and hazard.deadline < today:
            raise Conflict(f"监管部门责令的整改期限 {hazard.deadline:%Y-%m-%d} 已过，不能再申请延期", field="deadline")
        # FACTS §1, escalation practice: an extension is asked at least EXTENSION_NOTICE_WORKING_DAYS (20)
        # working days before the deadline. A regulator's order is refused after that day; the enterprise's
        # own deadline may still be extended, the request marked late for the decider to weigh.
        ask_by = rules.extension_ask_by(hazard.deadline)
        late = today > ask_by
        if late and regulator_ordered:
            notice = int(settings.ZHIBEN["EXTENSION_NOTICE_WORKING_DAYS"])
            raise Conflict(
                f"延期申请应在整改期限 {hazard.deadline:%Y-%m-%d} 前至少 {notice} 个工作日提出"
                f"（最迟 {ask_by:%Y-%m-%d}），监管部门责令的期限现已不能申请延期",
                field="deadline",
            )
        # a listing's 督办期限 is the listing authority's order: past, it cannot be extended; an extension
        # of the hazard's own deadline beyond it would change nothing (the earlier governs, rules.due)
        listed_until = hazard.supervision_deadline if rules.is_listed(hazard) else None
        if listed_until is not None and listed_until < rules.today():
            raise Conflict(f"挂牌督办期限 {listed_until:%Y-%m-%d} 已过，不能再申请延期", field="deadline")
        if extension.deadline <= hazard.deadline:
            raise FieldErrors({"deadline": f"延期后的整改期限应晚于现有期限 {hazard.deadline:%Y-%m-%d}"})
        if too_late := rules.deadline_too_late(hazard.discovered_on, extension.deadline):
            raise FieldErrors({"deadline": too_late})
        if listed_until is not None and extension.deadline > listed_until:
            raise FieldErrors(
                {"deadline": f"该隐患已挂牌督办，督办期限为 {listed_until:%Y-%m-%d}：延期不能晚于督办期限"}
            )
        hazard.extension_deadline, hazard.extension_reason = extension.deadline, extension.reason
        hazard.extension_status, hazard.extension_requested_by = ExtensionStatus.PENDING, actor
        hazard.extension_comment = ""
        hazard.extension_requested_on, hazard.extension_late = today, late
        hazard.save()
        payload: dict[str, Any] = {
            "deadline": extension.deadline,
            "reason": extension.reason,
            "current": hazard.deadline,
            "decide_by": rules.extension_decide_by(hazard),
        }
        if late:
            payload["late"] = True
            payload["ask_by"] = ask_by
        _log(actor, hazard, "extension_requested", payload)
    return hazard


def hazard_extension_decide(*, hazard_id: int, actor: User, decision: HazardExtensionDecision) -> Hazard:
    """Approve or reject the pending extension (延期审批), by a regulator in scope other than the requester
    (403 for the requester, 409 when nothing is pending). Approved, the new deadline replaces the old one
    and the ladder starts again from it; the escalations already taken stay, and the event records how
    many days the old deadline was overdue. Raises NotFound, PermissionDenied, Conflict."""
    approve = decision.decision == ExtensionVerdict.APPROVE
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "decide_extension")
        if hazard.extension_status != ExtensionStatus.PENDING:
            raise Conflict("没有待审批的延期申请")
        if hazard.extension_requested_by_id == actor.pk:
            raise PermissionDenied("不能审批自己提出的延期申请")
        if hazard.status not in EXTENDABLE:
            raise Conflict(f"当前状态为“{hazard.get_status_display()}”，不能审批延期")
        before = shape_of(hazard)
        previous = hazard.deadline
        today = rules.today()
        late = (today - previous).days if previous is not None and previous < today else 0
        hazard.extension_status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        hazard.extension_comment = decision.comment
        if approve:
            hazard.deadline = hazard.extension_deadline
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(
            actor,
            hazard,
            "extension_approved" if approve else "extension_rejected",
            {
                "comment": decision.comment,
                "deadline": hazard.extension_deadline,
                "previous": previous,
                "overdue_days": late,
            },
        )
    return hazard


ORDERABLE = (Status.OPEN, Status.RECTIFYING)


def hazard_order(*, hazard_id: int, actor: User, deadline: datetime.date, order_ref: str) -> Hazard:
    """Set the deadline a regulator orders (责令限期整改, 安全生产法 第六十五条第一款第（二）、（三）项): the day
    ``deadline`` (Beijing) by which the finding must be rectified, ordered by ``order_ref`` (the order that
    says so, e.g. ``"order:12"``; kept in the event). Event ``deadline_ordered`` {deadline, previous, order}.

    Who owns a deadline (DESIGN.md §3): an order is the regulator's. What it may do to the hazard's deadline:

    - none yet: the ordered day becomes the deadline;
    - a later one (the enterprise's plan, or a finding recorded with a longer period): moved **earlier** to
      the ordered day — the order governs, as the earlier of a deadline and a 督办期限 does;
    - the same day: kept, the order recorded;
    - an earlier one: **refused** (FieldErrors naming ``deadline``) — moving a deadline later is an
      extension (延期), asked with a reason and decided by another officer; an order never extends quietly.

    Refused as well (422 ``deadline``): a day before the discovery, or past the longest period
    (``rules.deadline_too_late``). Only a hazard still to be rectified (open or rectifying) takes an order
    (Conflict otherwise); only regulators order (PermissionDenied); out of scope is NotFound. A moved deadline
    starts the escalation ladder again from the new day. Returns the hazard."""
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "order")  # after the scope check: out of scope is 404
        if hazard.status not in ORDERABLE:
            raise Conflict(f"隐患“{hazard.title}”当前状态为“{hazard.get_status_display()}”，不能责令限期整改")
        previous = hazard.deadline
        if deadline < hazard.discovered_on:
            raise FieldErrors(
                {"deadline": f"整改期限不能早于隐患“{hazard.title}”的发现日期 {hazard.discovered_on:%Y-%m-%d}"}
            )
        if too_late := rules.deadline_too_late(hazard.discovered_on, deadline):
            raise FieldErrors({"deadline": too_late})
        if previous is not None and deadline > previous:
            raise FieldErrors(
                {
                    "deadline": f"隐患“{hazard.title}”已有整改期限 {previous:%Y-%m-%d}，责令的期限不能晚于它"
                    "（延长期限须申请延期，由另一名监管人员审批）"
                }
            )
        before = shape_of(hazard)
        hazard.deadline = deadline
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(actor, hazard, "deadline_ordered", {"deadline": deadline, "previous": previous, "order": order_ref})
    return hazard


def hazard_close_on_reinspection(
    *,
    hazard_id: int,
    actor: User,
    verdict: str,
    on: datetime.date,
    files: Sequence[tuple[IO[bytes], str, int | None]] = (),
) -> Hazard:
    """Close a finding after a passed re-inspection (复查合格销号): the officer who re-inspected on site gives
    the verdict, and that is the review (审核把关, DESIGN.md §3).

    - pending review (the enterprise applied): approved as ``hazard_review`` approves — never by the one
      who submitted (PermissionDenied); closed on the later of ``on`` and the submission day, ``submitted_on``
      (the enterprise's completion, on which on-time is judged) kept;
    - open or rectifying (the enterprise never applied): closed directly, ``submitted_on`` and ``closed_on``
      both the re-inspection day — the completion the officer saw.

    A major hazard's close-out needs at least one evidence file (整改佐证材料): one already on the hazard, or
    ``files`` given here (photos or PDF of the rectified site, stored as evidence; checked as uploads are);
    without any, FieldErrors naming ``files``. ``on`` is a Beijing day, not before the discovery nor after
    today (FieldErrors naming ``on``). Events ``attachment_added`` (each new file), ``closed_on_reinspection``
    {on, verdict, was, attachments} and ``closed`` {closed_on, by: reinspection}; the summary counts change in
    the same transaction (``shape_of``, as ``hazard_review``). Raises NotFound (out of scope), PermissionDenied
    (not a regulator, or the submitter), Conflict (closed or cancelled already), FieldErrors."""
    checked = _check_files(files, "files")
    with _FileGuard(), transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "close_on_reinspection")  # after the scope check: out of scope is 404
        if hazard.status not in ACTIVE_STATUSES:
            raise Conflict(f"隐患“{hazard.title}”当前状态为“{hazard.get_status_display()}”，不能复查销号")
        if on < hazard.discovered_on:
            raise FieldErrors({"on": f"复查日期不能早于隐患“{hazard.title}”的发现日期 {hazard.discovered_on:%Y-%m-%d}"})
        if on > rules.today():
            raise FieldErrors({"on": "复查日期不能晚于今天"})
        pending = hazard.status == Status.PENDING_REVIEW
        if pending and hazard.submitted_by_id == actor.pk:
            raise PermissionDenied("不能审核自己提交的销号申请")
        kept = {a.sha256 for a in hazard.attachments.filter(kind=AttachmentKind.EVIDENCE)}
        if hazard.level == Level.MAJOR and not kept and not checked:
            raise FieldErrors(
                {
                    "files": f"重大隐患“{hazard.title}”销号须有整改佐证材料："
                    "请随复查上传整改后的照片或材料（至少一个文件）"
                }
            )
        before = shape_of(hazard)
        added = []
        for item in checked:
            if item.sha256 in kept:
                continue
            attachment = _store(hazard, actor, item, AttachmentKind.EVIDENCE)
            kept.add(item.sha256)
            added.append(attachment.pk)
            _log(actor, hazard, "attachment_added", _attachment_payload(attachment))
        was = hazard.status
        hazard.status = Status.CLOSED
        if pending and hazard.submitted_on is not None:
            hazard.closed_on = max(on, hazard.submitted_on)
        else:
            hazard.submitted_on = hazard.closed_on = on
        hazard.save()
        _tally(before, shape_of(hazard))
        _log(
            actor,
            hazard,
            "closed_on_reinspection",
            {"on": on, "verdict": verdict, "was": was, "attachments": added},
        )
        _log(actor, hazard, "closed", {"closed_on": hazard.closed_on, "by": "reinspection"})
    return hazard


def hazards_follow_enterprises(actor: User | None, moves: Sequence[Move]) -> int:
    """Move the hazards of enterprises registered in another region or reclassified to another sector,
    ``[(enterprise_id, {"region"|"sector": (before, after)})]`` (codes), with them: every hazard of each
    enterprise — open, closed or cancelled — takes the enterprise's new region and sector, so that the new
    region's (or sector's) officers see them and the old ones no longer do. ``Hazard.region`` and
    ``Hazard.sector`` are the enterprise's copied for scoped queries (DESIGN.md §3), not a record of where
    or under which sector it was found: that stays in each hazard's events ``region_changed`` and
    ``sector_changed`` (``from``, ``to``). The summary counts move with them (``tallies_changed``), so every
    figure follows the enterprise's present region and sector. Runs in the caller's transaction (the
    enterprise service's, by the ``enterprises_moved`` hook); returns how many hazards moved."""
    target = {enterprise_id: {f: new for f, (_, new) in fields.items()} for enterprise_id, fields in moves}
    moved: list[Hazard] = []
    changes: list[tuple[Shape | None, Shape | None]] = []
    events: list[NewEvent] = []
    written: list[tuple[Hazard, str, dict[str, Any]]] = []
    now = timezone.now()
    with transaction.atomic():
        hazards = Hazard.objects.select_for_update().filter(enterprise_id__in=target).order_by("pk")
        for hazard in hazards.iterator(chunk_size=BULK_CHUNK):
            before = shape_of(hazard)
            kinds = []
            for field, new in target[hazard.enterprise_id].items():
                old = getattr(hazard, f"{field}_id")
                if old != new:
                    setattr(hazard, f"{field}_id", new)
                    kinds.append((f"{field}_changed", {"from": old, "to": new}))
            if not kinds:
                continue
            hazard.regulator_report_due = _report_due(hazard)  # a sector's report rule follows the sector
            hazard.updated_at = now
            moved.append(hazard)
            changes.append((before, shape_of(hazard)))
            for kind, payload in kinds:
                events.append(NewEvent(subject_type="hazard", subject_id=str(hazard.pk), kind=kind, payload=payload))
                written.append((hazard, kind, payload))
        Hazard.objects.bulk_update(
            moved, ["region", "sector", "regulator_report_due", "updated_at"], batch_size=BULK_CHUNK
        )
        tallies_changed(SUBJECT, changes)
        event_append_many(actor=actor, events=events)
        events_written(actor=actor, subject_type="hazard", model=Hazard, events=written)
    return len(moved)


REPORT_FIELDS = {
    ReportTo.REGULATOR: "reported_to_regulator_on",
    ReportTo.WORKERS_CONGRESS: "reported_to_workers_congress_on",
}


def hazard_report(*, hazard_id: int, actor: User, dual_report: HazardDualReport) -> Hazard:
    """Record one of the two reports (双报告): to the regulator, or to the workers' congress."""
    to, day = dual_report.to, dual_report.on
    with transaction.atomic():
        hazard = _locked(hazard_id, actor)
        _require_role(actor, "report")  # after the scope check: out of scope is 404
        if hazard.status == Status.CANCELLED:
            raise Conflict("已撤销的隐患不需要报告")
        if day < hazard.discovered_on:
            raise FieldErrors({"on": "报告日期不能早于发现日期"})
        setattr(hazard, REPORT_FIELDS[to], day)
        hazard.save()
        _log(actor, hazard, "reported", {"to": to, "on": day})
    return hazard


def available_actions(hazard: Hazard, actor: User) -> list[str]:
    """The steps this actor may take on this hazard now (the pages show only these)."""
    out = []
    active = hazard.status in (Status.OPEN, Status.RECTIFYING, Status.PENDING_REVIEW)
    if LIFECYCLE.allows(Action.PLAN, hazard, actor):
        out.append("plan")
    if actor.role in ROLE_ACTIONS["attach"] and active:
        out.append("attach")
    if LIFECYCLE.allows(Action.SUBMIT, hazard, actor):
        out.append("submit")
    if LIFECYCLE.allows(Action.APPROVE, hazard, actor) and hazard.submitted_by_id != actor.pk:
        out.append("review")
    if actor.role in ROLE_ACTIONS["supervise"] and active and listing_levels(actor):
        out.append("supervise")
    if actor.role in ROLE_ACTIONS["delist"] and hazard.listed and hazard.supervision_level in listing_levels(actor):
        out.append("delist")
    if (
        hazard.status in EXTENDABLE
        and hazard.deadline is not None
        and hazard.extension_status != ExtensionStatus.PENDING
        and not (
            rules.deadline_owner(hazard) == rules.REGULATOR and rules.today() > rules.extension_ask_by(hazard.deadline)
        )
    ):
        out.append("extend")
    if (
        actor.role in ROLE_ACTIONS["decide_extension"]
        and hazard.status in EXTENDABLE
        and hazard.extension_status == ExtensionStatus.PENDING
        and hazard.extension_requested_by_id != actor.pk
    ):
        out.append("decide_extension")
    if actor.role in ROLE_ACTIONS["report"] and hazard.status != Status.CANCELLED:
        out.append("report")
    if LIFECYCLE.allows(Action.CANCEL, hazard, actor) and hazard.cancel_proposed_by_id != actor.pk:
        out.append("cancel")
    return out
