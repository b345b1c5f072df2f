"""The hazard register's declaration (DESIGN.md §5): what the platform engines read of it.

Read with ``models.py`` (the lifecycle table) and ``tallies.py`` (its counts).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, Least

from zhiben.accounts.models import Role
from zhiben.common import kit

from . import document_data, rules
from .events import CATALOGUE
from .filters import HazardFilterSet
from .ledger import LEDGER
from .models import ACTIVE_STATUSES, LIFECYCLE, Escalation, Hazard, Level, PlanEscalation, Status, SweepRun
from .selectors import (
    cancellations_to_confirm,
    extensions_to_decide,
    hazard_get,
    hazard_list,
    hazards_without_plan,
    reviews_waiting,
)
from .tallies import SUBJECT, shape_of

# The record if the actor may see it; NotFound otherwise (missing and forbidden look alike).
get_scoped = kit.scoped_get(lambda actor, key: hazard_get(actor=actor, hazard_id=key), "隐患不存在")


def enterprise_panel(actor: Any, enterprise: Any) -> dict[str, Any]:
    """The hazards of ``enterprise`` that ``actor`` may see, newest first: the first 20 and the count."""
    hazards = hazard_list(actor=actor).filter(enterprise=enterprise)
    return {"enterprise": enterprise, "hazards": list(hazards[:20]), "count": hazards.count()}


def home_figures(actor: Any) -> dict[str, int]:
    """The hazards ``actor`` may see, counted once: open major, overdue, waiting for review (and late),
    listed, major ones still without a plan."""
    return (
        hazard_list(actor=actor)
        .order_by()
        .aggregate(
            open_major=Count("id", filter=rules.q_active() & Q(level=Level.MAJOR)),
            overdue=Count("id", filter=rules.q_overdue()),
            pending=Count("id", filter=Q(status=Status.PENDING_REVIEW)),
            review_overdue=Count("id", filter=rules.q_review_overdue()),
            extension_overdue=Count("id", filter=rules.q_extension_overdue()),
            listed=Count("id", filter=rules.q_active() & rules.q_listed()),
            without_plan=Count("id", filter=rules.q_without_plan()),
        )
    )


TILES = kit.TileGroup(
    "隐患",
    home_figures,
    (
        kit.Tile("open_major", "未销号重大隐患", "hazard-list", "level=major&status=active", "danger"),
        kit.Tile("overdue", "逾期未整改", "hazard-list", "overdue=1", "danger"),
        kit.Tile("pending", "待审核销号", "hazard-list", "status=pending_review"),
        kit.Tile("review_overdue", "销号审核超期", "hazard-list", "review_overdue=1", "danger"),
        kit.Tile("extension_overdue", "延期审批超期", "hazard-list", "extension_overdue=1", "danger"),
        kit.Tile("listed", "挂牌督办中", "hazard-list", "listed=1&status=active", "warn"),
        kit.Tile("without_plan", "重大隐患逾期未制定方案", "hazard-list", "without_plan=1", "danger"),
    ),
    order=10,
)


def _stock_words(figures: Mapping[str, Any]) -> str:
    """存量重大隐患未销号, and where the stock stands against its clearance deadline."""
    if figures["days_to_stock_deadline"] >= 0:
        where = f"距清零期限 {figures['days_to_stock_deadline']} 天"
    elif figures["stock_cleared_by_deadline"]:
        where = "已按期清零"
    else:
        where = f"期限 {figures['stock_deadline']:%Y-%m-%d} 已过"
    return f"存量重大隐患未销号 · {where}"


MAJOR, STOCK, INCREMENT = Level.MAJOR, rules.STOCK, rules.INCREMENT

# The dashboard's headline (一屏观全域, and ``headline`` in GET /api/v1/stats/dashboard): every number is read
# from the summary counts (kit.Measure), never from the hazard rows; the charts and tables below the tiles
# are this register's template.
DASHBOARD = kit.Dashboard(
    key="headline",
    figures={
        "open_major": kit.Measure("open", level=MAJOR),
        "overdue": kit.Measure("overdue"),
        "overdue_major": kit.Measure("overdue", level=MAJOR),
        "stock_remaining": kit.Measure("open", level=MAJOR, cohort=STOCK),
        "stock_deadline": lambda actor, region: rules.stock_deadline(),
        "days_to_stock_deadline": lambda actor, region: (rules.stock_deadline() - rules.today()).days,
        # cleared by the deadline, by business dates: every stock major hazard known now was closed on or
        # before it (None before the deadline)
        "stock_cleared_by_deadline": kit.Measure(
            "open", level=MAJOR, cohort=STOCK, by="STOCK_DEADLINE", then=lambda remaining: remaining == 0
        ),
        # this Beijing year (a Measure's year=0), for the list the tile of this year's increment opens
        "year": lambda actor, region: rules.today().year,
        "increment_this_year": kit.Measure("total", level=MAJOR, cohort=INCREMENT, year=0),
        "increment_last_year": kit.Measure("total", level=MAJOR, cohort=INCREMENT, year=-1),
        "on_time_rate": kit.Ratio(kit.Measure("closed_on_time"), kit.Measure("closed")),
        "listed": kit.Measure("listed"),
        "review_overdue": kit.Measure("review_overdue"),
        "total": kit.Measure("total"),
        "open": kit.Measure("open"),
    },
    tiles=(
        kit.Tile("open_major", "未销号重大隐患", "hazard-list", "level=major&status=active", "danger"),
        kit.Tile("overdue", "逾期未整改（其中重大 {overdue_major:,}）", "hazard-list", "overdue=1", "danger"),
        kit.Tile("stock_remaining", _stock_words, "hazard-list", "level=major&cohort=stock&status=active", "warn"),
        kit.Tile(
            "increment_this_year",
            "今年新增重大隐患（去年 {increment_last_year:,}）",
            "hazard-list",
            "level=major&cohort=increment&year={year}&status=counted",
        ),
        kit.Tile("on_time_rate", "按期销号率", "hazard-list", "status=closed", "ok", format="rate"),
        kit.Tile("listed", "挂牌督办", "hazard-list", "listed=1&status=counted", "warn"),
        kit.Tile("review_overdue", "销号审核超期", "hazard-list", "review_overdue=1", "danger"),
    ),
    template="hazards/_dashboard.html",
    order=10,
)


def _counting_deadlines() -> Any:
    """Active hazards with the due day their overdue runs against (rules.clock): the earlier of the
    deadline and the 督办期限; none for a close-out submitted on time and waiting for review."""
    return (
        Hazard.objects.filter(rules.q_counting()).annotate(due_on=rules.due_expression()).filter(due_on__isnull=False)
    )


def _due_within(bounds: Mapping[str, Any]) -> Q:
    """Active hazards whose deadline or 督办期限 lies within ``bounds``: the earlier of the two (the due
    day) can only lie there if one of them does. Each branch is one range of the (status, deadline) or
    (status, supervision_deadline) index."""
    active = {"status__in": ACTIVE_STATUSES}
    by_deadline = {f"deadline__{op}": day for op, day in bounds.items()}
    by_listing = {f"supervision_deadline__{op}": day for op, day in bounds.items()}
    return Q(**active, **by_deadline) | Q(**active, **by_listing)


def _discovered_within(bounds: Mapping[str, Any]) -> Q:
    """Open hazards discovered within ``bounds`` shifted back by ``PLAN_DAYS`` (a plan is due then)."""
    shift = datetime.timedelta(days=rules.plan_days())
    return Q(status=Status.OPEN, **{f"discovered_on__{op}": day - shift for op, day in bounds.items()})


def _plans_due() -> Any:
    """Major hazards still without a plan, with the day it was due (``PLAN_DAYS`` after discovery)."""
    return Hazard.objects.filter(level=Level.MAJOR, status=Status.OPEN).annotate(
        plan_due=rules.AddDays("discovered_on", rules.plan_days())
    )


def _hazard_ladder(due: str, **declared: Any) -> kit.DeadlineSource:
    """A hazard's deadline source: its rows (Escalation, PlanEscalation) carry the hazard's region, sector
    and enterprise so that who is told is counted without a join; ``due`` is the item's due-day path."""
    return kit.DeadlineSource(
        subject="hazard",
        columns={
            "hazard_id": "id",
            "deadline": due,
            "region_id": "region",
            "sector_id": "sector",
            "enterprise_id": "enterprise",
        },
        subject_column="hazard_id",
        due_column="deadline",
        day_column="escalated_on",
        run_column="sweep_id",
        run_model=lambda: SweepRun,
        digest_columns=("id", "hazard_id", "step", "deadline", "escalated_on", "sweep_id"),
        region_column="region_id",
        sector_column="sector_id",
        enterprise_column="enterprise_id",
        **declared,
    )


# Rectification deadlines climb the ladder (DESIGN.md §3); major hazards 90 days late are proposed for
# listing (挂牌督办, FACTS §1). Until an extension is approved the old deadline stands, and the rows of a
# deadline later extended stay (the overdue record never disappears).
DEADLINES = _hazard_ladder(
    "due_on",
    key="hazard",
    label="隐患整改期限",
    items=_counting_deadlines,
    narrow=_due_within,
    record=lambda: Escalation,
    # Proposed for listing only while not listed already.
    extra_rungs=(
        kit.Rung("listing_proposed", "LISTING_PROPOSAL_DAYS", {"level": Level.MAJOR, "supervision_level": ""}),
    ),
)

# A major hazard with no plan (五落实, so no deadline of its own) ``PLAN_DAYS`` after discovery climbs the
# ladder too, from that day (DESIGN.md §3 and issue 11: a major hazard with no deadline or no plan).
PLAN_DEADLINES = _hazard_ladder(
    "plan_due",
    key="hazard_plan",
    label="重大隐患整改方案",
    items=_plans_due,
    narrow=_discovered_within,
    record=lambda: PlanEscalation,
)

# Summary counts (统计汇总) by region, sector, source, level, cohort, month and deadline: what one hazard
# contributes is its shape (tallies.py); cancelled hazards count nowhere.
TALLIES = kit.TallySource(
    subject=SUBJECT,
    label="隐患统计汇总",
    shape_of=shape_of,
    counted=lambda: Hazard.objects.exclude(status=Status.CANCELLED),
)

# Who is told what (站内通知, e-mail when configured): each user in scope of the hazard — admins, the
# region's officers and tip handlers (their sectors, if they have some), the enterprise's own users.
EVERYONE_IN_SCOPE = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER, Role.ENTERPRISE})
# the regulators who review close-outs and follow listings (not the committee office's admins)
REVIEWERS = frozenset({Role.OFFICER, Role.TIP_HANDLER})
# who may take a verdict waiting in the to-do list: the reviewers and the admins (their scope is everything)
DECIDERS = REVIEWERS | {Role.ADMIN}


def _approved_body(values: Mapping[str, Any]) -> str:
    comment = values.get("comment") or ""
    return f"{values['actor']}审核通过了销号申请。" + (f"审核意见：{comment}" if comment else "")


NOTICES = (
    # The sweep's digests, one per user and night: the deadlines coming, then the ladder climbed.
    kit.NotificationRule(
        event=kit.OnDeadline("hazard", (kit.DUE_SOON,)),
        roles=EVERYONE_IN_SCOPE,
        title="{day} 隐患整改期限临近：{counts}",
        body="以下{label}将在 {days} 日内到期，请按期完成：\n{lines}",
        link="/hazards/?status=active&overdue=false",
    ),
    kit.NotificationRule(
        event=kit.OnDeadline("hazard", (*kit.LADDER, "listing_proposed")),
        roles=EVERYONE_IN_SCOPE,
        title="{day} 逾期隐患升级：{counts}",
        body="以下隐患已超过整改期限，按规定升级督办，逾期未改的将继续升级：\n{lines}",
        link="/hazards/?overdue=1",
    ),
    kit.NotificationRule(
        event=kit.OnDeadline("hazard_plan", (kit.DUE_SOON, *kit.LADDER)),
        roles=EVERYONE_IN_SCOPE,
        title="{day} 重大隐患未制定整改方案：{counts}",
        body="以下重大隐患发现后尚未制定整改方案（五落实），请立即制定：\n{lines}",
        link="/hazards/?without_plan=1",
    ),
    # A major hazard's close-out waits for a regulator in scope (审核把关销号).
    kit.NotificationRule(
        event="submitted",
        only={"status": Status.PENDING_REVIEW},
        roles=REVIEWERS,
        title="重大隐患销号待审核：《{subject.title}》",
        body="{actor}提交了销号申请，请审核整改佐证材料。",
        link="/hazards/{subject.pk}/",
    ),
    # The enterprise hears of the regulator's verdicts on its hazards.
    kit.NotificationRule(
        event="rejected",
        roles=frozenset({Role.ENTERPRISE}),
        title="隐患销号申请被退回：《{subject.title}》",
        body="退回原因：{comment}\n请继续整改后重新申请销号。",
        link="/hazards/{subject.pk}/",
    ),
    kit.NotificationRule(
        event="approved",
        roles=frozenset({Role.ENTERPRISE}),
        title="隐患已审核销号：《{subject.title}》",
        body=_approved_body,
        link="/hazards/{subject.pk}/",
    ),
    # A listing (挂牌督办) tells the enterprise and the officers over it.
    kit.NotificationRule(
        event="closed_on_reinspection",
        roles=frozenset({Role.ENTERPRISE}),
        title="隐患经复查合格销号：《{subject.title}》",
        body="{actor}于 {on} 复查，整改合格，该隐患已销号。复查意见：{verdict}",
        link="/hazards/{subject.pk}/",
    ),
    kit.NotificationRule(
        event="listed",
        roles=frozenset({Role.ENTERPRISE}) | REVIEWERS,
        title="隐患被挂牌督办：《{subject.title}》",
        body="{actor}对该隐患挂牌督办：企业须按督办要求限期整改，整改完成后申请销号；辖区监管人员督促落实。",
        link="/hazards/{subject.pk}/",
    ),
    # An extension waits for an officer in scope other than the requester; its requester hears the verdict.
    kit.NotificationRule(
        event="extension_requested",
        roles=frozenset({Role.OFFICER, Role.TIP_HANDLER}),
        title="隐患延期申请待审批：《{subject.title}》",
        body="{actor}申请将整改期限延至 {deadline}，理由：{reason}",
        link="/hazards/{subject.pk}/",
    ),
    kit.NotificationRule(
        event="extension_approved",
        roles=frozenset({Role.ENTERPRISE}),
        title="隐患延期申请已批准：《{subject.title}》",
        body="整改期限延至 {deadline}。{comment}",
        link="/hazards/{subject.pk}/",
    ),
    kit.NotificationRule(
        event="extension_rejected",
        roles=frozenset({Role.ENTERPRISE}),
        title="隐患延期申请未获批准：《{subject.title}》",
        body="理由：{comment}\n请按原整改期限完成整改。",
        link="/hazards/{subject.pk}/",
    ),
    # A major hazard's cancellation proposed by one officer waits for another.
    kit.NotificationRule(
        event="cancel_proposed",
        roles=frozenset({Role.OFFICER, Role.TIP_HANDLER, Role.ADMIN}),
        title="重大隐患撤销待确认：《{subject.title}》",
        body="{actor}提议撤销该重大隐患，理由：{reason}\n须由另一名监管人员确认。",
        link="/hazards/{subject.pk}/",
    ),
)

# What waits on whom (待办, GET /api/v1/todo): each source a scoped query of the records that wait on the
# actor. A new one is one more kit.TodoSource here (its kind is the API's name for it).
OWN_AND_OFFICERS = frozenset({Role.ENTERPRISE, Role.OFFICER, Role.TIP_HANDLER})


def _named(hazard: Hazard) -> str:
    return f"{hazard.enterprise.name}：{hazard.title}"


def _extension_title(hazard: Hazard) -> str:
    """The hazard, and for a request made later than the practice asks (an enterprise's own deadline,
    accepted) a word saying so, for the decider to weigh."""
    notice = int(settings.ZHIBEN["EXTENSION_NOTICE_WORKING_DAYS"])
    late = f"（申请时距期限不足 {notice} 个工作日）" if hazard.extension_late else ""
    return f"{_named(hazard)}{late}"


def _deadline_near(actor: Any, today: datetime.date) -> Any:
    """Rectifications due (by the governing due day: the earlier of the deadline and the 督办期限) within
    ``REMIND_BEFORE_DAYS`` of ``today``, or already past it."""
    near = today + datetime.timedelta(days=settings.ZHIBEN["REMIND_BEFORE_DAYS"])
    return (
        hazard_list(actor=actor)
        .annotate(due_day=rules.due_expression())
        .filter(status=Status.RECTIFYING, due_day__lte=near)
    )


def _plans_to_make(actor: Any, today: datetime.date) -> Any:
    """The enterprise's open hazards (no plan yet), each with the day its plan (五落实) is due: ``PLAN_DAYS``
    after discovery, or the hazard's deadline when one was set earlier than that (a regulator's order, a
    deadline typed at the report) — so that every item says by when, deadline or not."""
    expected = rules.AddDays("discovered_on", rules.plan_days())
    return (
        hazard_list(actor=actor)
        .filter(status=Status.OPEN)
        .annotate(plan_expected=Coalesce(Least(F("deadline"), expected), expected))
    )


WAITING = (
    # a close-out application waits for a regulator in scope, not the one who applied (审核销号)
    kit.TodoSource(
        "hazard_review",
        "待审核销号",
        DECIDERS,
        lambda actor, today: reviews_waiting(actor),
        url="/hazards/{record.pk}/",
        title=_named,
        due="review_due",
        order=10,
    ),
    # the enterprise's open hazards without a rectification plan (五落实)
    kit.TodoSource(
        "hazard_plan",
        "待制定整改方案",
        frozenset({Role.ENTERPRISE}),
        _plans_to_make,
        url="/hazards/{record.pk}/",
        due="plan_expected",
        order=20,
    ),
    # officers: major hazards in scope still without a plan PLAN_DAYS after their discovery (the flag
    # ``without_plan`` and the ladder's source ``hazard_plan`` use the same rule)
    kit.TodoSource(
        "hazard_no_plan",
        "重大隐患逾期未制定方案",
        REVIEWERS,
        lambda actor, today: hazards_without_plan(actor),
        url="/hazards/{record.pk}/",
        title=_named,
        due="plan_due",
        order=30,
    ),
    # an extension request (延期申请) waits for a regulator in scope other than its requester
    kit.TodoSource(
        "hazard_extension",
        "待审批延期申请",
        DECIDERS,
        lambda actor, today: extensions_to_decide(actor),
        url="/hazards/{record.pk}/",
        title=_extension_title,
        # decided within EXTENSION_DECISION_WORKING_DAYS working days of the request (FACTS §1, escalation
        # practice); that day grows with the request day, so the oldest request comes first
        due=rules.extension_decide_by,
        order_by=("extension_requested_on", "deadline"),
        order=15,
    ),
    # a major hazard's cancellation proposed by one regulator waits for another (two people per verdict)
    kit.TodoSource(
        "hazard_cancellation",
        "待确认撤销重大隐患",
        DECIDERS,
        lambda actor, today: cancellations_to_confirm(actor),
        url="/hazards/{record.pk}/",
        title=_named,
        order=16,
    ),
    # listed hazards (挂牌督办): the enterprise and the officers over it, by the supervision's deadline
    kit.TodoSource(
        "hazard_listed",
        "挂牌督办整改",
        OWN_AND_OFFICERS,
        lambda actor, today: hazard_list(actor=actor).filter(rules.q_active()).exclude(supervision_level=""),
        url="/hazards/{record.pk}/",
        title=_named,
        due="supervision_deadline",
        order=40,
    ),
    # the enterprise's rectifications due within REMIND_BEFORE_DAYS (临期) or already late
    kit.TodoSource(
        "hazard_deadline",
        "整改期限临近或已过",
        frozenset({Role.ENTERPRISE}),
        _deadline_near,
        url="/hazards/{record.pk}/",
        due="due_day",
        order=50,
    ),
)

DOCUMENTS = (
    kit.DocumentSpec(
        kind="listing_notice",
        label="挂牌督办通知书",
        template="documents/listing_notice.docx",
        context=document_data.listing_notice,
        issuer=document_data.listing_issuer,
        prefix="督",
        available=document_data.is_listed,
    ),
    kit.DocumentSpec(
        kind="closeout_form",
        label="销号审批表",
        template="documents/closeout_form.docx",
        context=document_data.closeout_form,
        issuer=document_data.closeout_issuer,
        prefix="销",
        available=document_data.is_closed,
    ),
)


REGISTER = kit.register(
    kit.Register(
        name="hazard",
        label="隐患",
        path="hazards",
        app_label="hazards",
        get_scoped=get_scoped,
        events=CATALOGUE,
        ledgers=(LEDGER,),
        filters=HazardFilterSet,
        documents=DOCUMENTS,
        lifecycle=LIFECYCLE,
        nav=kit.NavEntry("隐患清单", "hazard-list", frozenset(), order=30),
        deadline_sources=(DEADLINES, PLAN_DEADLINES),
        notification_rules=NOTICES,
        todo=WAITING,
        tiles=(TILES,),
        tallies=TALLIES,
        dashboard=(DASHBOARD,),
        panels=(kit.Panel("enterprise", "hazards/_enterprise_panel.html", enterprise_panel, order=10),),
    )
)
