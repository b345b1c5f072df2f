"""Reads of the posts (岗位) and of what their 两单两卡 and a major risk's 4张清单 are drawn from (issue 15).

两单两卡 of a post, from the register of the units its people work at (``post_cards``):

- 岗位风险清单: the live risk events of its units, with their grades, worst first;
- 岗位职责清单: the post's own duty lines, and the check tasks of its units' measures (what is checked, how often);
- 岗位风险管控卡: the measures of classes 1–3 (工程技术 · 维护保养 · 操作行为) with what a check of each looks at;
- 应急处置卡: the class-4 measures (应急措施) and the post's own emergency lines.

Every read starts from the scoped selectors (``selectors/__init__.py``): out of scope is ``NotFound``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from zhiben.common.errors import FieldErrors, NotFound

from .. import rules
from ..models import CheckTask, ControlMeasure, Post, RiskEvent, RiskUnit
from . import enterprise_visible, events_visible, measures_visible, posts_visible, tasks_visible, units_visible

ID_MAX = 2**63 - 1


def lines(text: str) -> list[str]:
    """A text field kept one item per line, as a list of its non-blank lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def post_list(*, actor: Any, enterprise: str = "") -> QuerySet[Post]:
    """The posts the actor may see, of the enterprise ``enterprise`` (credit code or id; ``NotFound`` out of
    scope) when given, with their enterprise and live units."""
    qs = posts_visible(actor)
    if enterprise.strip():
        qs = qs.filter(enterprise=enterprise_visible(actor, enterprise))
    live = RiskUnit.objects.filter(deleted=False).order_by("id")
    return (
        qs.select_related("enterprise")
        .prefetch_related(Prefetch("units", queryset=live))
        .order_by("enterprise_id", "name", "id")
    )


def post_get(*, actor: Any, post_id: Any) -> Post:
    """The post ``post_id`` if the actor may see it, with its enterprise and live units; ``NotFound`` otherwise
    (also for an id that is no whole number)."""
    text = str(post_id).strip()
    if not text.isdigit() or not 0 < int(text) <= ID_MAX:
        raise NotFound("岗位不存在")
    found = post_list(actor=actor).filter(pk=int(text)).first()
    if found is None:
        raise NotFound("岗位不存在")
    return found


def check_ids(raw: Any, field_name: str = "units") -> list[int]:
    """A list of record ids from JSON (numbers or digit strings) or a form (strings); ``FieldErrors`` naming
    ``field_name`` for anything else."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list | tuple):
        raise FieldErrors({field_name: "应为风险分析单元编号的列表"})
    if len(raw) > 500:
        raise FieldErrors({field_name: "条目过多（至多 500 个）"})
    out: list[int] = []
    for item in raw:
        text = str(item).strip() if isinstance(item, int | str) and not isinstance(item, bool) else ""
        if not text.isdigit() or not 0 < int(text) <= ID_MAX:
            raise FieldErrors({field_name: "应为风险分析单元编号的列表"})
        out.append(int(text))
    return sorted(set(out))


@dataclass
class PostCards:
    """The four parts of a post's 两单两卡 (see the module docstring)."""

    post: Post
    units: list[RiskUnit]
    events: list[RiskEvent]
    duties: list[str]
    tasks: list[CheckTask]
    controls: list[ControlMeasure]
    emergency_measures: list[ControlMeasure]
    emergency: list[str] = field(default_factory=list)


def _worst_first(events: list[RiskEvent]) -> list[RiskEvent]:
    return sorted(events, key=lambda e: (rules.GRADES.index(e.grade) if e.grade in rules.GRADES else 9, -e.score, e.pk))


def post_cards(*, actor: Any, post: Post) -> PostCards:
    """The post's 两单两卡 from the live register of its units (events, measures, active check tasks), every read
    scoped to the actor. Four queries after the post."""
    units = [u for u in post.units.all() if not u.deleted]
    ids = [u.pk for u in units]
    events = list(
        events_visible(actor).filter(unit_id__in=ids, deleted=False).select_related("unit").order_by("unit_id", "id")
    )
    measures = list(
        measures_visible(actor)
        .filter(event__unit_id__in=ids, event__deleted=False, deleted=False)
        .select_related("event", "event__unit")
        .order_by("classify1", "classify2", "event__unit_id", "id")
    )
    tasks = list(
        tasks_visible(actor)
        .filter(measure__event__unit_id__in=ids, measure__deleted=False, active=True, deleted=False)
        .select_related("measure", "assignee")
        .order_by("cycle_unit", "cycle_value", "id")
    )
    return PostCards(
        post=post,
        units=units,
        events=_worst_first(events),
        duties=lines(post.duties),
        tasks=tasks,
        controls=[m for m in measures if m.classify1 != rules.EMERGENCY_CLASS],
        emergency_measures=[m for m in measures if m.classify1 == rules.EMERGENCY_CLASS],
        emergency=lines(post.emergency),
    )


@dataclass
class FourLists:
    """A major risk unit's 4张清单: the unit, its live events (worst first) and measures, and the emergency lines
    of the posts that work at it."""

    unit: RiskUnit
    events: list[RiskEvent]
    controls: list[ControlMeasure]
    emergency_measures: list[ControlMeasure]
    posts: list[Post]

    @property
    def major(self) -> list[RiskEvent]:
        return [e for e in self.events if e.grade == "red"]


def four_lists(*, actor: Any, unit: RiskUnit) -> FourLists:
    """What the 4张清单 of ``unit`` (already read through the actor's scope) are drawn from."""
    events = list(events_visible(actor).filter(unit=unit, deleted=False).order_by("id"))
    measures = list(
        measures_visible(actor)
        .filter(event__unit=unit, event__deleted=False, deleted=False)
        .select_related("event")
        .order_by("classify1", "classify2", "event_id", "id")
    )
    posts = list(posts_visible(actor).filter(units=unit).order_by("name", "id"))
    return FourLists(
        unit=unit,
        events=_worst_first(events),
        controls=[m for m in measures if m.classify1 != rules.EMERGENCY_CLASS],
        emergency_measures=[m for m in measures if m.classify1 == rules.EMERGENCY_CLASS],
        posts=posts,
    )


def classify_name(measure: ControlMeasure) -> str:
    """A measure's class and sub-class in words (工程技术 · 安全仪表)."""
    top = rules.CLASSIFY1.get(measure.classify1, measure.classify1)
    sub = rules.CLASSIFY2.get(measure.classify1, {}).get(measure.classify2, measure.classify2)
    return f"{top} · {sub}" + (f"（{measure.classify3}）" if measure.classify3 else "")


def units_of(*, actor: Any, enterprise: Any) -> QuerySet[RiskUnit]:
    """The enterprise's live risk units the actor may see (a post's form offers these)."""
    return units_visible(actor).filter(enterprise=enterprise, deleted=False).order_by("name", "id")
