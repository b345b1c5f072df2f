"""The register kit (DESIGN.md §5): what a register declares, in one place, for the platform to read.

A register (hazards, tips, accidents, enterprises, and every one to come) keeps one module,
``<app>/register.py``, that builds a :class:`Register` and passes it to :func:`register`; its AppConfig
imports that module in ``ready()``. The platform engines (escalation, tallies, imports and exports,
documents, notifications) and the web layer (navigation, dashboards, timelines) read :func:`registers`
and never import a register: the arrows point from the platform down to this kernel module, and the
register fills it in. NetBox's ``registry`` is the model.

Nothing here imports a Django model: the declarations are plain data and callables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from zhiben.common.errors import Conflict, NotFound, PermissionDenied

# --- lifecycle -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One arrow of a lifecycle: ``action`` takes a record from ``source`` to ``target``.

    ``roles`` are the account roles (``accounts.Role`` values) allowed to take it; empty means any
    authenticated user in scope. ``event`` is the event kind written when it is taken (one of the
    register's catalogue). ``guard`` says, for a record and an actor, why the arrow may not be taken
    now (a Chinese sentence), or ``None`` when it may.
    """

    action: str
    source: str
    target: str
    event: str
    roles: frozenset[str] = frozenset()
    guard: Callable[[Any, Any], str | None] | None = None


@dataclass(frozen=True)
class Lifecycle:
    """A register's states and arrows, readable in one screen (DESIGN.md §8).

    ``status_labels`` and ``action_labels`` give the Chinese words of the refusal "当前状态为“…”，不能…";
    ``refusals`` may give an action its own sentence instead.
    """

    transitions: tuple[Transition, ...]
    status_labels: Mapping[str, str] = field(default_factory=dict)
    action_labels: Mapping[str, str] = field(default_factory=dict)
    refusals: Mapping[str, str] = field(default_factory=dict)
    field: str = "status"

    def table(self) -> dict[tuple[str, str], str]:
        """``{(action, source): target}``."""
        return {(t.action, t.source): t.target for t in self.transitions}

    def find(self, action: str, source: str) -> Transition | None:
        """The arrow for ``action`` from ``source``, or None when there is none."""
        for t in self.transitions:
            if t.action == action and t.source == source:
                return t
        return None

    def roles_for(self, action: str) -> frozenset[str]:
        """Every role allowed to take ``action`` from some state (empty: no arrow has that action)."""
        return frozenset(r for t in self.transitions if t.action == action for r in t.roles)

    def take(self, action: str, subject: Any, actor: Any) -> Transition:
        """The arrow ``actor`` takes for ``action`` on ``subject`` now.

        Raises ``PermissionDenied`` when the actor's role may never take it (checked first, so a wrong
        role is told so whatever the state), ``Conflict`` when the subject's state has no such arrow or
        the arrow's guard refuses (with the guard's sentence). Scope is the caller's check, before this.
        """
        roles = self.roles_for(action)
        if roles and getattr(actor, "role", None) not in roles:
            raise PermissionDenied("您的角色不能进行此操作")
        status = str(getattr(subject, self.field))
        arrow = self.find(action, status)
        if arrow is None:
            shown, verb = self.status_labels.get(status, status), self.action_labels.get(action, action)
            default = f"当前状态为“{shown}”，不能{verb}"
            raise Conflict(self.refusals.get(action, default))
        if arrow.roles and getattr(actor, "role", None) not in arrow.roles:
            raise PermissionDenied("您的角色不能进行此操作")
        refusal = arrow.guard(subject, actor) if arrow.guard else None
        if refusal:
            raise Conflict(refusal)
        return arrow

    def allows(self, action: str, subject: Any, actor: Any) -> bool:
        """Whether :meth:`take` would let ``actor`` take ``action`` on ``subject`` now (pages show only these)."""
        try:
            self.take(action, subject, actor)
        except (Conflict, PermissionDenied):
            return False
        return True


# --- events ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventKind:
    """One kind of event: its Chinese label and the payload fields shown, each with its label.

    ``render`` turns a payload into the lines shown under the label (for payloads that need more than
    field: value); without it the declared ``fields`` present in the payload are shown, in order.
    """

    kind: str
    label: str
    fields: tuple[tuple[str, str], ...] = ()
    render: Callable[[Mapping[str, Any]], list[str]] | None = None


@dataclass(frozen=True)
class EventCatalogue:
    """Every event kind of one subject type, with the one renderer the timeline page, the API and the
    timeline export share."""

    kinds: tuple[EventKind, ...]

    def get(self, kind: str) -> EventKind | None:
        """The declared kind, or one of the kinds every register shares (``COMMON_KINDS``), or None."""
        for k in (*self.kinds, *COMMON_KINDS):
            if k.kind == kind:
                return k
        return None

    def text(self, kind: str, payload: Mapping[str, Any]) -> str:
        """The payload as one Chinese line (the lines joined by ``；``)."""
        return "；".join(line for line in self.lines(kind, payload) if line)

    def label(self, kind: str) -> str:
        """The Chinese label of ``kind``; an unknown kind is named as such, never shown raw."""
        found = self.get(kind)
        return found.label if found else "其他记录"

    def lines(self, kind: str, payload: Mapping[str, Any]) -> list[str]:
        """The payload as Chinese lines (``标签：值``), by the kind's renderer or its declared fields."""
        found = self.get(kind)
        if found is None:
            return []
        if found.render is not None:
            return found.render(payload)
        out = []
        for key, label in found.fields:
            value = payload.get(key)
            if value not in (None, "", [], {}):
                out.append(f"{label}：{_text(value)}")
        return out


# Kinds the platform writes on any register's records (the documents engine's issued documents).
COMMON_KINDS: tuple[EventKind, ...] = (
    EventKind("document_issued", "出具文书", render=lambda p: [f"《{p.get('label', '')}》{p.get('number', '')}"]),
)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k} {_text(v)}" for k, v in value.items())
    return str(value)


# --- deadlines (read by the escalation engine) -----------------------------------------------------


# The ladder's steps and their Chinese names (DESIGN.md §3), for every register's escalation rows.
STEP_LABELS: dict[str, str] = {
    "due_soon": "临期提醒",
    "reminder": "提醒",
    "letter": "函告",
    "circular": "通报",
    "interview": "约谈",
    "listing_proposed": "建议挂牌督办",
}


@dataclass(frozen=True)
class Rung:
    """An extra rung after the common ladder: ``step`` once ``days`` (a settings key in ``ZHIBEN``, or an int)
    late, for the items that match ``only`` (queryset filter keywords), e.g. 建议挂牌督办 for major hazards."""

    step: str
    days: str | int
    only: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineSource:
    """Something with a due day that climbs the escalation ladder (DESIGN.md §3) when it is missed, and
    gets a reminder (临期提醒) a few days before it (``ZHIBEN["REMIND_BEFORE_DAYS"]``).

    The escalation engine (zhiben/escalation) runs every source set-based: for each rung one
    ``INSERT … SELECT`` from ``items()`` — a queryset of the open items that have a due day — into the
    append-only ``record()`` model, one row per item, step and due day (a new due day starts the ladder
    again). ``columns`` maps each record column to a field path of the item (it must map
    ``subject_column`` and ``due_column``); ``day_column`` takes the sweep's day, ``run_column`` (if any)
    the run row of ``run_model()``. ``digest_columns`` are hashed into the sweep's chained event so that
    ``verify_events`` finds rows edited or deleted later.

    Notifications: one digest per user per source on a sweep that added rows — administrators, users
    with a role in ``notify_roles`` whose region covers the row's ``region_column`` (and whose sectors
    cover ``sector_column``, when they have sectors), and the enterprise's own users when
    ``enterprise_column`` is set and "enterprise" is among ``notify_roles``.
    """

    key: str
    label: str
    subject: str
    items: Callable[[], Any]
    record: Callable[[], Any]
    columns: Mapping[str, str]
    subject_column: str
    due_column: str
    day_column: str
    digest_columns: tuple[str, ...]
    region_column: str
    notice: str
    notice_body: str
    link: str
    notify_roles: frozenset[str]
    run_column: str | None = None
    run_model: Callable[[], Any] | None = None
    sector_column: str | None = None
    enterprise_column: str | None = None
    extra_rungs: tuple[Rung, ...] = ()
    # The reminders before the due day go in a notice of their own (they are not late): its title and list.
    soon_notice: str = "期限临近提醒"
    soon_link: str = ""


# --- documents (read by the documents engine) ------------------------------------------------------


@dataclass(frozen=True)
class DocumentSpec:
    """A printable document a register issues (.docx from a template).

    ``template`` is a path relative to the register app's folder; ``context(subject, actor)`` gives the
    template's data; ``available(subject)`` says whether the document can be issued now (e.g. only for
    a listed hazard); ``issuer(subject)`` names the issuing unit whose yearly number sequence the
    document takes, and ``prefix`` is the 文号's word (督办, 销号, 答复).
    """

    kind: str
    label: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    issuer: Callable[[Any], tuple[str, str]]  # (unit key, unit's Chinese name)
    prefix: str
    available: Callable[[Any], bool] = lambda subject: True


# --- navigation and dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    """A top-menu entry: label, URL name, the roles that see it, and its place (lower first)."""

    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100


@dataclass(frozen=True)
class Tile:
    """One figure of a register's tiles: ``key`` in its group's figures, the Chinese label, the list it
    opens (a URL name and its query) and its tone (``""``, ``"warn"``, ``"danger"``)."""

    key: str
    label: str
    url_name: str
    query: str = ""
    tone: str = ""


@dataclass(frozen=True)
class TileGroup:
    """A register's figures on the home page: ``figures(actor)`` answers ``{key: number}`` for all of
    them at once (one query, within the actor's scope); ``tiles`` say how each is shown."""

    heading: str
    figures: Callable[[Any], Mapping[str, Any]]
    tiles: tuple[Tile, ...]
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A register's section on another register's page: ``on`` names the page's subject type
    (``enterprise``); ``context(actor, subject)`` gives the data for ``template`` (as ``panel``)."""

    on: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    order: int = 100


# --- tallies ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TallySource:
    """What a register contributes to the summary counts (DESIGN.md §5, ADR 0001).

    ``subject`` names its changes on the ``tallies_changed`` hook (zhiben/common/hooks.py): its services
    hand the hook ``[(before, after)]`` shapes, inside their transaction. ``shape_of(record)`` is what one
    record contributes (None: counted nowhere, e.g. a cancelled hazard). ``counted()`` is the queryset of
    the records the counts must equal: ``check_summaries`` and the post-migrate count read it. The
    analytics engine keeps one set of count tables per subject it knows; a register declaring a subject
    it does not know fails Django's system checks (analytics.E001).
    """

    subject: str
    label: str
    shape_of: Callable[[Any], Any]
    counted: Callable[[], Any]


# --- the register ----------------------------------------------------------------------------------


@dataclass
class Register:
    """What one register declares. ``name`` is its subject type in the event log (``hazard``, ``tip``).

    ``get_scoped(actor, pk)`` answers the record if the actor may see it, else raises ``NotFound``
    (a missing and a forbidden record look the same). ``path`` is the URL segment of its API and pages
    (``hazards``).
    """

    name: str
    label: str
    path: str
    app_label: str
    get_scoped: Callable[[Any, Any], Any]
    events: EventCatalogue
    lifecycle: Lifecycle | None = None
    deadline_sources: tuple[DeadlineSource, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    nav: NavEntry | None = None
    tiles: tuple[TileGroup, ...] = ()
    tallies: TallySource | None = None
    filters: Any = None  # the FilterSet of its list (API, pages and exports)
    ledgers: tuple[Any, ...] = ()  # import/export ledger declarations
    notification_rules: tuple[Any, ...] = ()
    panels: tuple[Panel, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def document(self, kind: str) -> DocumentSpec | None:
        for d in self.documents:
            if d.kind == kind:
                return d
        return None


def scoped_get(fetch: Callable[[Any, Any], Any], missing: str, *, integer: bool = True) -> Callable[[Any, Any], Any]:
    """A register's ``get_scoped``: ``fetch(actor, key)`` answers the record the actor may see or None; the
    result raises ``NotFound(missing)`` for None — and for a key that is not a whole number when
    ``integer`` — so that a missing and a forbidden record look the same."""

    def get(actor: Any, pk: Any) -> Any:
        try:
            key = int(pk) if integer else str(pk)
        except (TypeError, ValueError):
            raise NotFound(missing) from None
        found = fetch(actor, key)
        if found is None:
            raise NotFound(missing)
        return found

    return get


_REGISTRY: dict[str, Register] = {}


def register(spec: Register) -> Register:
    """Record a register's declaration (called once, from its AppConfig.ready); returns it."""
    if spec.name in _REGISTRY and _REGISTRY[spec.name] is not spec:
        raise RuntimeError(f"register {spec.name!r} declared twice")
    _REGISTRY[spec.name] = spec
    return spec


def registers() -> Iterable[Register]:
    """Every declared register, in declaration order."""
    return list(_REGISTRY.values())


def get(name: str) -> Register:
    """The register whose subject type is ``name``; KeyError when none is declared."""
    return _REGISTRY[name]


def panels(*, on: str, actor: Any, subject: Any) -> list[dict[str, Any]]:
    """The sections other registers add to the page of ``subject`` (type ``on``), in order:
    ``[{"template", "context"}]``."""
    found = sorted((p for spec in _REGISTRY.values() for p in spec.panels if p.on == on), key=lambda p: p.order)
    return [{"template": p.template, "context": p.context(actor, subject)} for p in found]


def event_view(subject_type: str, kind: str, payload: Any) -> tuple[str, str]:
    """``(label, text)`` of an event of ``subject_type``, by its register's catalogue: the one renderer of
    the timeline pages, the API and the timeline exports. An undeclared subject type or kind is named as
    such ("其他记录"), never shown as a program word."""
    spec = _REGISTRY.get(subject_type)
    data = payload if isinstance(payload, Mapping) else {}
    catalogue = spec.events if spec is not None else EventCatalogue(())
    return catalogue.label(kind), catalogue.text(kind, data)


def tile_groups(actor: Any) -> list[dict[str, Any]]:
    """Every register's tiles for ``actor``, in order: ``[{"heading", "tiles": [{"label", "value", "url",
    "tone"}]}]`` (URLs resolved here, at request time)."""
    groups = sorted((g for spec in _REGISTRY.values() for g in spec.tiles), key=lambda g: g.order)
    out = []
    for group in groups:
        values = group.figures(actor)
        tiles = [
            {
                "label": t.label,
                "value": values.get(t.key, 0),
                "url": reverse(t.url_name) + (f"?{t.query}" if t.query else ""),
                "tone": t.tone,
            }
            for t in group.tiles
        ]
        out.append({"heading": group.heading, "tiles": tiles})
    return out


def by_path(path: str) -> Register | None:
    """The register served under the URL segment ``path`` (``hazards``), or None."""
    for spec in _REGISTRY.values():
        if spec.path == path:
            return spec
    return None
