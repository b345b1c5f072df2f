"""The declarations of the duty-list and pressure registers (DESIGN.md §5): documents, the follow-up deadline
on the escalation ladder, the to-do and the navigation."""

from __future__ import annotations

from zhiben.accounts.models import Role
from zhiben.common import kit

from . import document_data
from .events import LISTS, PRESSURES
from .models import Pressure, PressureEscalation
from .selectors import duty_list_get, pressure_get, pressures_awaiting_reply, pressures_issued_open

REGULATORS = frozenset({Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER})

DUTY_LISTS = kit.register(
    kit.Register(
        name="duty_list",
        label="履职清单",
        path="duty-lists",
        app_label="duties",
        get_scoped=kit.scoped_get(lambda actor, key: duty_list_get(actor=actor, list_id=key), "履职清单不存在"),
        events=LISTS,
        nav=kit.NavEntry("履职清单", "duty-list", REGULATORS, order=75),
    )
)

# The follow-up deadline of an open pressure climbs the ladder (提醒 · 函告 · 通报 · 约谈) like a hazard's.
FOLLOW_UP = kit.DeadlineSource(
    key="pressure_follow_up",
    label="督促事项反馈期限",
    subject="pressure",
    items=lambda: Pressure.objects.filter(done_on__isnull=True),
    record=lambda: PressureEscalation,
    columns={"pressure_id": "id", "due": "follow_up_due", "region_code": "ladder_region"},
    subject_column="pressure_id",
    due_column="due",
    day_column="day",
    digest_columns=("id", "pressure_id", "step", "due", "day"),
    region_column="region_code",
)


# The sweep's digests, to the regulators whose region is the row's ``ladder_region`` or above: exactly those who
# see the pressure (a unit's pressure is told to the regions above the issuing office; the unit and the office
# have it in their to-do).
NOTICES = (
    kit.NotificationRule(
        event=kit.OnDeadline("pressure_follow_up", (kit.DUE_SOON,)),
        roles=REGULATORS,
        title="{day} 督促事项反馈期限临近：{counts}",
        body="以下{label}将在 {days} 日内到期，请督促按期反馈：\n{lines}",
        link="/pressures/",
    ),
    kit.NotificationRule(
        event=kit.OnDeadline("pressure_follow_up", kit.LADDER),
        roles=REGULATORS,
        title="{day} 督促事项逾期未反馈：{counts}",
        body="以下督促事项已超过反馈期限，请跟踪问效：\n{lines}",
        link="/pressures/",
    ),
)


def _title(pressure: Pressure) -> str:
    return f"{pressure.get_kind_display()}：{pressure.target_name}（{pressure.on:%Y-%m-%d}）"


WAITING = (
    kit.TodoSource(
        "pressure_follow_up",
        "待反馈的督促事项",
        frozenset({Role.OFFICER, Role.TIP_HANDLER}),
        lambda actor, today: pressures_awaiting_reply(actor=actor),
        url="/pressures/{record.pk}/",
        title=_title,
        due="follow_up_due",
        order=80,
    ),
    kit.TodoSource(
        "pressure_tracking",
        "待跟踪的督促事项（本办发出）",
        frozenset({Role.OFFICER}),
        lambda actor, today: pressures_issued_open(actor=actor),
        url="/pressures/{record.pk}/",
        title=_title,
        due="follow_up_due",
        order=82,
    ),
)

DOCUMENTS = tuple(
    kit.DocumentSpec(
        kind=kind,
        label=label,
        template="documents/pressure.docx",
        context=document_data.context,
        issuer=document_data.issuer,
        prefix=prefix,
        available=document_data.available(kind),
    )
    for kind, label, prefix in (
        ("warning_notice", "警示通报", "通"),
        ("urging_letter", "督促函", "督函"),
        ("interview_notice", "约谈通知书", "约"),
        ("review_request", "检讨要求", "检"),
        ("listing_notice", "挂牌督办通知书", "督"),
    )
)

PRESSURES_REGISTER = kit.register(
    kit.Register(
        name="pressure",
        label="督促问责",
        path="pressures",
        app_label="duties",
        get_scoped=kit.scoped_get(lambda actor, key: pressure_get(actor=actor, pressure_id=key), "督促问责记录不存在"),
        events=PRESSURES,
        documents=DOCUMENTS,
        deadline_sources=(FOLLOW_UP,),
        notification_rules=NOTICES,
        nav=kit.NavEntry("督促问责", "pressure-list", REGULATORS, order=76),
        todo=WAITING,
    )
)
