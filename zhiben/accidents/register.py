"""The accident register's declaration (DESIGN.md §5): what the platform engines read of it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from zhiben.accounts.models import Role
from zhiben.common import kit

from . import rules
from .events import CATALOGUE
from .filters import AccidentFilterSet
from .models import Accident, InvestigationEscalation, ReplyEscalation
from .selectors import accident_figures, accident_get, accident_list

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(lambda actor, key: accident_get(actor=actor, accident_id=key), "事故不存在")


def dashboard_figures(actor: Any, region: Any) -> dict[str, Any]:
    """This (Beijing) year's accidents where they happened, within the actor's scope and the dashboard's
    region: totals, by grade, child region, sector and month (a GROUP BY over the rows: accidents are few)."""
    return accident_figures(actor=actor, region=region, year=rules.today().year)


# The dashboard's accident card (``accidents`` in GET /api/v1/stats/dashboard); its tables and chart are the
# register's template.
DASHBOARD = kit.Dashboard(
    key="accidents",
    figures=dashboard_figures,
    heading="生产安全事故",
    note="{year}年，按事故发生地",
    link=kit.Link("事故清单", "accident-list", "year={year}"),
    tiles=(
        kit.Tile("totals.count", "事故", "accident-list", "year={year}", unit="起"),
        kit.Tile("totals.deaths", "死亡", tone="danger", unit="人"),
        kit.Tile("totals.serious_injuries", "重伤", tone="warn", unit="人"),
        kit.Tile("totals.direct_loss", "直接经济损失", unit="元", format="amount"),
    ),
    template="accidents/_dashboard.html",
    order=60,
)


def _reported_title(values: Mapping[str, Any]) -> str:
    accident = values["subject"]
    return f"生产安全事故报告：{accident.get_grade_display()}事故，死亡 {accident.deaths} 人"


def _reported_body(values: Mapping[str, Any]) -> str:
    accident = values["subject"]
    return (
        f"发生时间 {timezone.localtime(accident.occurred_at):%Y-%m-%d %H:%M}；重伤 {accident.serious_injuries} 人；"
        f"直接经济损失 {accident.direct_loss} 元。登记人：{values['actor']}。"
    )


# Who is told what: a new accident goes to the committee office and the officers whose region (and
# sectors) hold it, whoever recorded it (事故报告: the regulators above hear of it at once).
NOTICES: tuple[kit.NotificationRule, ...] = (
    kit.NotificationRule(
        event="created",
        roles=frozenset({Role.ADMIN, Role.OFFICER}),
        title=_reported_title,
        body=_reported_body,
        link="/accidents/{subject.pk}/",
    ),
)


def _in_supplement_window(actor: Any, today: datetime.date) -> Any:
    """The accidents in scope whose 补报 window (rules.supplement_deadline, by type: 第十三条) is still open."""
    z = settings.ZHIBEN
    short = list(rules.SHORT_WINDOW_TYPES)

    def since(days: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    within = Q(type__in=short, occurred_at__gte=since(int(z["ACCIDENT_SHORT_SUPPLEMENT_DAYS"]))) | (
        ~Q(type__in=short) & Q(occurred_at__gte=since(int(z["ACCIDENT_SUPPLEMENT_DAYS"])))
    )
    return accident_list(actor=actor).filter(within)


def _awaiting_investigation(actor: Any, today: datetime.date) -> Any:
    """Accidents in scope whose investigation report is not in yet (第二十九条)."""
    return accident_list(actor=actor).filter(investigation_submitted_on__isnull=True)


def _awaiting_reply(actor: Any, today: datetime.date) -> Any:
    """Accidents in scope whose investigation report is in and not answered (批复, 第三十二条)."""
    return accident_list(actor=actor).filter(reply_due__isnull=False, replied_on__isnull=True)


def _accident_title(accident: Any) -> str:
    where = accident.enterprise.name if accident.enterprise else accident.region.name
    return f"{where}：{accident.get_grade_display()}事故（{timezone.localtime(accident.occurred_at):%Y-%m-%d}）"


REGULATORS = frozenset({Role.ADMIN, Role.OFFICER})

# What waits (待办): an accident's casualties may change within its 补报 window (第十三条); the unit and the
# officers over it keep it in view until the window closes. The officers also wait on the investigation
# report (第二十九条) and the 批复 (第三十二条).
WAITING = (
    kit.TodoSource(
        "accident_supplement",
        "事故补报期内（伤亡变化须补报）",
        frozenset({Role.ENTERPRISE, Role.OFFICER}),
        _in_supplement_window,
        url="/accidents/{record.pk}/",
        title=_accident_title,
        due=lambda a: rules.supplement_deadline(occurred_at=a.occurred_at, accident_type=a.type),
        order_by=("occurred_at",),
        order=80,
    ),
    kit.TodoSource(
        "accident_investigation",
        "事故调查报告待提交（60日内，第二十九条）",
        frozenset({Role.OFFICER}),
        _awaiting_investigation,
        url="/accidents/{record.pk}/#investigation",
        title=_accident_title,
        due="investigation_due",
        order=81,
    ),
    kit.TodoSource(
        "accident_reply",
        "事故调查报告待批复（第三十二条）",
        frozenset({Role.OFFICER}),
        _awaiting_reply,
        url="/accidents/{record.pk}/#investigation",
        title=_accident_title,
        due="reply_due",
        order=82,
    ),
)


def _deadline(key: str, label: str, items: Any, record: Any, due: str) -> kit.DeadlineSource:
    return kit.DeadlineSource(
        key=key,
        label=label,
        subject="accident",
        items=items,
        record=record,
        columns={"accident_id": "id", "due": due, "region_code": "region_id", "sector_id": "sector_id"},
        subject_column="accident_id",
        due_column="due",
        day_column="day",
        digest_columns=("id", "accident_id", "step", "due", "day"),
        region_column="region_code",
        sector_column="sector_id",
    )


# The escalation ladder (DESIGN.md §3) for the government's two deadlines: the investigation report
# (第二十九条: 60 days, extended once by at most 60) and the 批复 (第三十二条: 15 days, 特别重大 30 + 30).
DEADLINES = (
    _deadline(
        "accident_investigation",
        "事故调查报告提交期限",
        lambda: Accident.objects.filter(investigation_submitted_on__isnull=True),
        lambda: InvestigationEscalation,
        "investigation_due",
    ),
    _deadline(
        "accident_reply",
        "事故调查报告批复期限",
        lambda: Accident.objects.filter(reply_due__isnull=False, replied_on__isnull=True),
        lambda: ReplyEscalation,
        "reply_due",
    ),
)


def _deadline_notices(source: str, what: str) -> tuple[kit.NotificationRule, ...]:
    return (
        kit.NotificationRule(
            event=kit.OnDeadline(source, (kit.DUE_SOON,)),
            roles=REGULATORS,
            title=f"{{day}} {what}期限临近：{{counts}}",
            body="以下{label}将在 {days} 日内到期：\n{lines}",
            link=f"/accidents/?{source.removeprefix('accident_')}_overdue=0",
        ),
        kit.NotificationRule(
            event=kit.OnDeadline(source, kit.LADDER),
            roles=REGULATORS,
            title=f"{{day}} {what}超期：{{counts}}",
            body="以下事故已超过{label}：\n{lines}",
            link=f"/accidents/?{source.removeprefix('accident_')}_overdue=1",
        ),
    )


NOTICES = (
    *NOTICES,
    *_deadline_notices("accident_investigation", "事故调查报告"),
    *_deadline_notices("accident_reply", "事故批复"),
)


REGISTER = kit.register(
    kit.Register(
        name="accident",
        label="生产安全事故",
        path="accidents",
        app_label="accidents",
        get_scoped=get_scoped,
        events=CATALOGUE,
        filters=AccidentFilterSet,
        nav=kit.NavEntry("事故", "accident-list", frozenset(), order=60),
        dashboard=(DASHBOARD,),
        notification_rules=NOTICES,
        todo=WAITING,
        deadline_sources=DEADLINES,
    )
)
