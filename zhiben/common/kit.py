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

import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import F
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


# The rungs before and after a due day, mildest first (the days are settings: ZHIBEN["ESCALATION_DAYS"]).
DUE_SOON = "due_soon"
LADDER: tuple[str, ...] = ("reminder", "letter", "circular", "interview")


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

    Who is told is the register's :class:`NotificationRule` s on :class:`OnDeadline` of this source; the
    record's ``region_column`` (and ``sector_column``, ``enterprise_column`` when set) say where each row
    is, so that each recipient's digest counts only the rows within their scope.

    When the due day is computed (not a column), ``narrow(bounds)`` answers a ``Q`` on stored, indexed
    columns that every item with its due day within ``bounds`` (lookups such as ``{"lte": day}``) meets —
    a superset the database can find by an index; the engine adds it to each rung's query.
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
    run_column: str | None = None
    run_model: Callable[[], Any] | None = None
    sector_column: str | None = None
    enterprise_column: str | None = None
    extra_rungs: tuple[Rung, ...] = ()
    narrow: Callable[[Mapping[str, Any]], Any] | None = None

    def steps(self) -> tuple[str, ...]:
        """Every rung an item of this source can reach, mildest first."""
        return (DUE_SOON, *LADDER, *(r.step for r in self.extra_rungs))


# --- notifications (read by the notifications and escalation engines) ------------------------------


@dataclass(frozen=True)
class OnDeadline:
    """The moment of a deadline rule: items of the source ``source`` (a :class:`DeadlineSource` key of the
    same register) reached one of ``steps`` in a sweep. One notice per recipient and sweep counts them."""

    source: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class NotificationRule:
    """Who is told what, and when (站内通知; e-mail too when ``ZHIBEN_EMAIL_ENABLED``).

    ``event`` is either an event kind of the register's catalogue — written on one of its records (and,
    with ``only``, whose payload has these values) — or :class:`OnDeadline`. The recipients are the active
    users with a role in ``roles`` whose scope covers the record (``accounts.scope``: an admin everything,
    an officer or tip handler the region subtree and their sectors if they have any, an enterprise user
    their own enterprise); the user who wrote the event is not told of their own act.

    ``title``, ``body`` and ``link`` are format strings, or functions of the same values. For an event:
    the payload's fields by name, ``{subject}`` the record (``{subject.title}``, ``{subject.pk}``) and
    ``{actor}`` who acted. For a deadline: ``{day}`` the sweep's day, ``{label}`` the source's label,
    ``{days}`` the days of notice before a due day, ``{counts}`` each step's count in a line
    (``提醒 1 条，函告 2 条``) and ``{lines}`` the same one per line.

    The notices are written in the transaction that wrote the event (or ran the sweep): a change and its
    notices commit together. ``kind`` is the notification's kind (default ``escalation`` for deadlines,
    ``<register>.<event>`` for events). ``dated`` notices carry the day (Beijing midnight), not the moment,
    and are not sent on at once: for steps whose time of day could point at a person (a tipster's)."""

    event: str | OnDeadline
    roles: frozenset[str]
    title: str | Callable[[Mapping[str, Any]], str]
    body: str | Callable[[Mapping[str, Any]], str] = ""
    link: str | Callable[[Mapping[str, Any]], str] = ""
    only: Mapping[str, Any] = field(default_factory=dict)
    kind: str = ""
    dated: bool = False


# --- to-do (read by the notifications engine's to-do list) -----------------------------------------


@dataclass(frozen=True)
class TodoSource:
    """Something that waits on a person (待办): ``GET /api/v1/todo`` and the 待办 page list, for each user
    whose role is in ``roles``, the records ``items(actor, today)`` answers — a queryset that starts from
    the register's scoped selector (so an item outside the actor's scope never shows) and keeps only what
    waits on this actor (e.g. not the submitter's own close-out application). ``today`` is the Beijing date.

    ``kind`` names the item's kind in the API (``hazard_review``: stable, clients rely on it); ``label``
    is its Chinese heading on the page. ``title`` is a format string of ``{record}`` or a function of the
    record; ``due`` the record's field holding its due day (the list is ordered by it, nearest first, those
    without one last), or a function of the record with ``order`` the fields the queryset is ordered by;
    ``url`` a format string of ``{record}`` (the record's page). Sources show in ``order``."""

    kind: str
    label: str
    roles: frozenset[str]
    items: Callable[[Any, Any], Any]
    url: str
    title: str | Callable[[Any], str] = "{record.title}"
    due: str | Callable[[Any], Any] = ""
    order_by: tuple[str, ...] = ()
    order: int = 100

    def ordering(self) -> tuple[Any, ...]:
        """The queryset's order: the due field (nulls last) or ``order_by``, then the primary key."""
        if isinstance(self.due, str) and self.due:
            return (F(self.due).asc(nulls_last=True), "pk")
        return (*self.order_by, "pk")

    def view(self, record: Any) -> dict[str, Any]:
        """One item as the API answers it: ``{"kind", "id", "title", "due", "url"}`` (``due`` a date or None)."""
        title = self.title(record) if callable(self.title) else self.title.format(record=record)
        due = self.due(record) if callable(self.due) else (getattr(record, self.due) if self.due else None)
        return {"kind": self.kind, "id": record.pk, "title": title, "due": due, "url": self.url.format(record=record)}


# --- documents (read by the documents engine) ------------------------------------------------------


@dataclass(frozen=True)
class DocumentSpec:
    """A printable document a register issues (.docx from a template).

    ``template`` is a path relative to the register app's folder; ``context(subject, actor)`` gives the
    template's data; ``available(subject)`` says whether the document can be issued now (e.g. only for
    a listed hazard); ``refusal(subject)``, when given, says why not in a Chinese sentence (the engine's
    409 tells it; None when the document may be issued); ``issuer(subject)`` names the issuing unit whose
    yearly number sequence the document takes, and ``prefix`` is the 文号's word (督办, 销号, 答复).
    """

    kind: str
    label: str
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    issuer: Callable[[Any], tuple[str, str]]  # (unit key, unit's Chinese name)
    prefix: str
    available: Callable[[Any], bool] = lambda subject: True
    refusal: Callable[[Any], str | None] | None = None


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
    """One figure shown as a tile (on the home page or the dashboard).

    ``key`` names the figure among its group's figures (a dotted path reaches into nested ones:
    ``totals.deaths``). ``label`` is the Chinese label: a format string that may name other figures of
    the group (``"逾期未整改（其中重大 {overdue_major:,}）"``, where ``:,`` shows a number as the pages do), or a
    function of the figures for words that depend on them; ``unit`` is shown after it (``事故（起）``).
    ``url_name`` and ``query`` are the list it opens, filtered to what it counts (the query may name
    figures too: ``year={year}``); without a ``url_name`` it is not a link. ``tone`` is ``""``, ``"ok"``,
    ``"warn"`` or ``"danger"``; ``format`` how the number reads: ``"count"`` (as ``intcomma``), ``"rate"``
    (a fraction shown as a whole percent, ``—`` for None) or ``"amount"`` (two decimals). Tiles show in
    ``order``, then as declared."""

    key: str
    label: str | Callable[[Mapping[str, Any]], str]
    url_name: str = ""
    query: str = ""
    tone: str = ""
    unit: str = ""
    format: str = "count"
    order: int = 100


@dataclass(frozen=True)
class TileGroup:
    """A register's figures on the home page: ``figures(actor)`` answers ``{key: number}`` for all of
    them at once (one query, within the actor's scope); ``tiles`` say how each is shown."""

    heading: str
    figures: Callable[[Any], Mapping[str, Any]]
    tiles: tuple[Tile, ...]
    order: int = 100


@dataclass(frozen=True)
class Measure:
    """A dashboard figure read from the register's tallies (the summary counts the analytics engine keeps
    in the same transaction as each change; a dashboard never counts the rows).

    ``figure`` is one of the tallies' figures (``total``, ``open``, ``closed``, ``overdue``,
    ``closed_on_time``, ``listed``, DESIGN.md §6) over the dashboard's region subtree within the actor's
    scope, cut to ``level`` and ``cohort`` when given. ``year`` counts only the records discovered in that
    Beijing year, relative to this one (0: this year, -1: last year). ``as_of`` names a date setting
    (``ZHIBEN[...]``): the figure as it stood at the end of that day — None until that day is over, or
    when the counts cannot tell (rebuilt since; a scope counted from its rows). ``by`` names a date setting
    too, for the other question (DESIGN.md §3, business dates): the records ``open`` at the end of that day
    by their own dates (close-out day), whatever day they were typed in — None until that day is over.
    ``then`` turns the number into the value shown (not applied to None).

    Besides the figures of DESIGN.md §6, ``review_overdue`` counts the close-outs whose review (the
    regulator's clock) is late today."""

    figure: str
    level: str | None = None
    cohort: str | None = None
    year: int | None = None
    as_of: str | None = None
    then: Callable[[Any], Any] | None = None
    by: str | None = None


@dataclass(frozen=True)
class Ratio:
    """A dashboard figure that is the ratio of two measures, rounded to ``digits``; None when the
    denominator is 0 (e.g. 按期销号率 = closed_on_time / closed)."""

    numerator: Measure
    denominator: Measure
    digits: int = 4


# Where a dashboard figure comes from: a measure of the tallies, a ratio of two, or a function
# ``(actor, region)`` of the actor and the checked region subtree (a Region, or None for everything the
# actor may see) for what the tallies do not hold (a setting, a date, a register without tallies).
Figure = Measure | Ratio | Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Link:
    """A button to a list: its label, URL name and query (the query may name the group's figures)."""

    label: str
    url_name: str
    query: str = ""


@dataclass(frozen=True)
class Dashboard:
    """A register's part of the dashboard (一屏观全域, ``/dashboard/`` and ``GET /api/v1/stats/dashboard``).

    ``key`` is where its figures sit in the dashboard's data (the API's JSON: ``headline``, ``accidents``
    — names clients rely on, DESIGN.md §6). ``figures`` is either ``{name: Figure}`` (each read as its
    declaration says; the analytics engine reads each grouping of the tallies once for all of them) or one
    function ``(actor, region) -> {name: value}`` that answers them all at once. ``tiles`` show some of
    them (each ``Tile.key`` a name among the figures), in order. With a ``heading`` the part is a card of
    its own (``note``, a format string of the figures, after the heading; ``link`` a button to its list);
    without one its tiles are the page's headline row. ``template`` (the register's own, e.g. tables and
    charts) follows the tiles, given ``figures`` and the whole dashboard ``data``. Parts show in ``order``.
    The links of every tile and button keep the dashboard's region (``&region=…``)."""

    key: str
    figures: Mapping[str, Figure] | Callable[[Any, Any], Mapping[str, Any]]
    tiles: tuple[Tile, ...]
    heading: str = ""
    note: str = ""
    link: Link | None = None
    template: str = ""
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
    dashboard: tuple[Dashboard, ...] = ()
    filters: Any = None  # the FilterSet of its list (API, pages and exports)
    ledgers: tuple[Any, ...] = ()  # import/export ledger declarations
    notification_rules: tuple[NotificationRule, ...] = ()
    todo: tuple[TodoSource, ...] = ()
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
    """Every register's home-page tiles for ``actor``, in order: ``[{"heading", "tiles": [tile_view(…)]}]``
    (URLs resolved here, at request time)."""
    groups = sorted((g for spec in _REGISTRY.values() for g in spec.tiles), key=lambda g: g.order)
    out = []
    for group in groups:
        values = group.figures(actor)
        out.append({"heading": group.heading, "tiles": [tile_view(t, values) for t in _ordered(group.tiles)]})
    return out


def dashboards() -> list[tuple[Register, Dashboard]]:
    """Every register's dashboard parts, in order: ``[(register, part)]``."""
    parts = [(spec, part) for spec in _REGISTRY.values() for part in spec.dashboard]
    return sorted(parts, key=lambda pair: pair[1].order)


def figure_value(figures: Mapping[str, Any], key: str) -> Any:
    """The figure named ``key`` (a dotted path into nested figures: ``totals.deaths``); KeyError if absent."""
    value: Any = figures
    for part in key.split("."):
        value = value[part]
    return value


class _Figures(string.Formatter):
    """``{name}`` as it is; ``{name:,}`` a number as the pages show numbers (``intcomma``: the locale's
    grouping, as the templates' ``|intcomma``)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec == ",":
            return intcomma(value)
        return super().format_field(value, format_spec)


_FIGURES = _Figures()


def fill(text: str, figures: Mapping[str, Any]) -> str:
    """``text`` with the figures it names filled in (``{year}``; ``{overdue_major:,}`` as the pages show a
    number)."""
    return _FIGURES.vformat(text, (), figures) if "{" in text else text


def tile_view(tile: Tile, figures: Mapping[str, Any], *, region: str | None = None) -> dict[str, Any]:
    """A tile as the pages show it: ``{"key", "label", "unit", "value", "url", "tone", "format"}``; ``url``
    is "" for a tile that is not a link; ``region`` (the dashboard's subtree) is added to its query."""
    label = tile.label(figures) if callable(tile.label) else fill(tile.label, figures)
    return {
        "key": tile.key,
        "label": label,
        "unit": tile.unit,
        "value": figure_value(figures, tile.key),
        "url": list_url(tile.url_name, fill(tile.query, figures), region=region) if tile.url_name else "",
        "tone": tile.tone,
        "format": tile.format,
    }


def list_url(url_name: str, query: str = "", *, region: str | None = None) -> str:
    """The URL of a list with its query, and ``region=…`` after it when given."""
    params = "&".join(p for p in (query, f"region={region}" if region else "") if p)
    return reverse(url_name) + (f"?{params}" if params else "")


def _ordered(tiles: Iterable[Tile]) -> list[Tile]:
    return sorted(tiles, key=lambda t: t.order)


def by_path(path: str) -> Register | None:
    """The register served under the URL segment ``path`` (``hazards``), or None."""
    for spec in _REGISTRY.values():
        if spec.path == path:
            return spec
    return None
