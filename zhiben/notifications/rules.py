"""The notification rules engine: who is told what, as each register declares it (``kit.NotificationRule``
in its ``register.py``). One engine for every register and both moments a rule names:

- an **event** written on a register's record: the register's services hand what they wrote to
  ``hooks.events_written`` inside their transaction, and :func:`on_events` (connected in ``apps.py``)
  writes each matching rule's notice to the users in scope of the record;
- a **deadline** rung reached in the escalation sweep (``kit.OnDeadline``): the sweep counts its new rows
  per place and step, and :func:`deadline_notice` words each recipient's digest.

Either way the notices are written with one ``bulk_create`` in the transaction of the change
(:func:`deliver`: never a lost notice, never a query per recipient) and e-mailed after the commit when
``ZHIBEN_EMAIL_ENABLED``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import Place, ScopePaths, covers, place_of
from zhiben.common import hooks, kit

from .models import Notification
from .tasks import mail_notifications, message_notifications

TITLE_MAX = Notification._meta.get_field("title").max_length or 200
LINK_MAX = Notification._meta.get_field("link").max_length or 300


def event_rules(subject_type: str) -> tuple[kit.NotificationRule, ...]:
    """The rules a register declares on its events (not its deadlines); none for an undeclared type."""
    try:
        spec = kit.get(subject_type)
    except KeyError:
        return ()
    return tuple(r for r in spec.notification_rules if isinstance(r.event, str))


def deadline_rules(source: str) -> tuple[kit.NotificationRule, ...]:
    """The rules on the deadline source ``source`` (a ``kit.DeadlineSource`` key), in declaration order."""
    return tuple(
        rule
        for spec in kit.registers()
        for rule in spec.notification_rules
        if isinstance(rule.event, kit.OnDeadline) and rule.event.source == source
    )


def _matches(rule: kit.NotificationRule, kind: str, payload: Any) -> bool:
    if rule.event != kind:
        return False
    data = payload if isinstance(payload, Mapping) else {}
    return all(data.get(key) == value for key, value in rule.only.items())


def _fill(template: str | Callable[[Mapping[str, Any]], str], values: Mapping[str, Any]) -> str:
    return template(values) if callable(template) else template.format_map(values)


def on_events(actor: Any, subject_type: str, model: Any, events: list[tuple[Any, str, Any]]) -> None:
    """The receiver of ``hooks.events_written``: each event that a rule of its register names (and whose
    payload has the rule's ``only`` values) becomes a notice to every user the rule reaches — active, with
    one of its roles, the record within their scope, not the actor. A few queries per call whatever the
    number of recipients: the records not given as instances (one), the candidate users and their sectors
    (two), the insert (one)."""
    rules = event_rules(subject_type)
    if not rules:
        return
    kinds = {rule.event for rule in rules}
    matched = [
        (rule, subject, payload)
        for subject, kind, payload in events
        if kind in kinds
        for rule in rules
        if _matches(rule, kind, payload)
    ]
    if not matched:
        return
    keys = {s for _, s, _ in matched if not isinstance(s, model)}
    loaded = model._default_manager.in_bulk(list(keys)) if keys else {}
    found = [(rule, s if isinstance(s, model) else loaded.get(s), p) for rule, s, p in matched]
    records = [(rule, record, p) for rule, record, p in found if record is not None]
    places = {id(record): place_of(record) for _, record, _ in records}
    roles = frozenset(role for rule, _, _ in records for role in rule.roles)
    users = recipients_for(roles, places.values())
    actor_id = getattr(actor, "pk", None)
    name = str(actor) if actor is not None else "系统"
    paths: ScopePaths = model.scope
    notes: list[Notification] = []
    dated: list[Notification] = []
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for rule, record, payload in records:
        values = {**(payload if isinstance(payload, Mapping) else {}), "subject": record, "actor": name}
        title, body, link = _fill(rule.title, values), _fill(rule.body, values), _fill(rule.link, values)
        place = places[id(record)]
        for user, sectors in users:
            if user.role in rule.roles and user.pk != actor_id and covers(user, paths, place, sectors=sectors):
                (dated if rule.dated else notes).append(
                    Notification(
                        user=user,
                        kind=rule.kind or f"{subject_type}.{rule.event}"[:32],
                        title=title[:TITLE_MAX],
                        body=body,
                        link=link[:LINK_MAX],
                        **({"created_at": midnight} if rule.dated else {}),
                    )
                )
    deliver(notes)
    deliver(dated, send=False)


def recipients_for(roles: Iterable[str], places: Iterable[Place]) -> list[tuple[User, frozenset[str]]]:
    """The active users with one of ``roles`` who may stand over one of ``places``, each with their sector
    keys: admins, regulators whose region is one of the places' regions or above it, the places'
    enterprises' users. Two queries (the users, their sectors); the caller matches each place exactly."""
    roles = frozenset(roles)
    spots = list(places)
    if not roles or not spots:
        return []
    above = {spot.region[:n] for spot in spots for n in range(1, len(spot.region) + 1)}
    firms = {spot.enterprise for spot in spots if spot.enterprise is not None}
    reach = Q(role=Role.ADMIN) | Q(role__in=(Role.OFFICER, Role.TIP_HANDLER), region_id__in=above)
    if firms:
        reach |= Q(role=Role.ENTERPRISE, enterprise_id__in=firms)
    users = User.objects.filter(reach, is_active=True, role__in=roles).prefetch_related("sectors").order_by("id")
    return [(user, frozenset(s.key for s in user.sectors.all())) for user in users]


def deadline_notice(
    rule: kit.NotificationRule,
    source: kit.DeadlineSource,
    *,
    user: User,
    day: datetime.date,
    days: int,
    counts: Mapping[str, int],
) -> Notification | None:
    """``user``'s digest for the rule's steps among ``counts`` (their rows of the sweep, per step), or
    None when none of its steps has a row for them."""
    assert isinstance(rule.event, kit.OnDeadline)
    parts = [f"{kit.STEP_LABELS.get(s, s)} {counts[s]} 条" for s in rule.event.steps if counts.get(s)]
    if not parts:
        return None
    values = {
        "day": f"{day:%Y-%m-%d}",
        "label": source.label,
        "days": days,
        "counts": "，".join(parts),
        "lines": "\n".join(parts),
    }
    return Notification(
        user=user,
        kind=rule.kind or "escalation",
        title=_fill(rule.title, values)[:TITLE_MAX],
        body=_fill(rule.body, values),
        link=_fill(rule.link, values)[:LINK_MAX],
    )


def deliver(notes: list[Notification], *, send: bool = True) -> list[Notification]:
    """Write the notices in one ``bulk_create`` in the caller's transaction (RuntimeError outside one:
    a notice commits with its change) and, with ``send``, hand them on after the commit, through the task
    queue (never inside the request): by e-mail when e-mail is on (those whose user has an address), and
    to the messenger of ``ZHIBEN_MESSENGER`` (SMS, 企业微信, 钉钉 …; by default a log line). Answers the
    notices (with their ids)."""
    if not notes:
        return notes
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notices must be written in the same transaction as the change")
    Notification.objects.bulk_create(notes, batch_size=2000)
    if not send:
        return notes
    if settings.ZHIBEN_EMAIL_ENABLED:
        mailed = [n.pk for n in notes if n.user.email and n.pk is not None]
        if mailed:
            transaction.on_commit(lambda: mail_notifications(mailed))
    ids = [n.pk for n in notes if n.pk is not None]
    if ids and settings.ZHIBEN_MESSENGER:
        transaction.on_commit(lambda: message_notifications(ids))
    return notes


def people_notices(kind: str, notices: list[hooks.PersonNotice]) -> None:
    """Write the notices a register addressed to named people (``hooks.people_told``): to each listed active user,
    and to the active officers and admins whose scope covers ``officers_over`` (matched exactly, sectors too), once
    per person and notice; delivered as every notice is (:func:`deliver`)."""
    wanted = {uid for n in notices for uid in n.users}
    users = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)} if wanted else {}
    places = [
        Place(region=r, sector=s, enterprise=e) for n in notices if n.officers_over for r, s, e in [n.officers_over]
    ]
    officers = recipients_for((Role.OFFICER, Role.ADMIN), places) if places else []
    notes: list[Notification] = []
    for notice in notices:
        told: dict[int, User] = {uid: users[uid] for uid in notice.users if uid in users}
        if notice.officers_over:
            region, sector, enterprise = notice.officers_over
            place = Place(region=region, sector=sector, enterprise=enterprise)
            paths = ScopePaths(region="region", sector="sector", enterprise=None)
            for user, keys in officers:
                if user.role in (Role.OFFICER, Role.ADMIN) and covers(user, paths, place, sectors=keys):
                    told.setdefault(user.pk, user)
        for user in told.values():
            notes.append(
                Notification(
                    user=user,
                    kind=kind[:32],
                    title=notice.title[:TITLE_MAX],
                    body=notice.body,
                    link=notice.link[:LINK_MAX],
                )
            )
    deliver(notes)
