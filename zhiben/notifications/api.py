"""/api/v1/todo and /api/v1/notifications (DESIGN.md §6): what waits on the caller, and what they were told.

Both answer only the caller's own: the to-do list is built from the registers' scoped sources
(notifications/todo.py); a notification of another user answers 404 like a missing one.
"""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.pagination import DB_INT_MAX, LimitOffset

from .models import Notification
from .selectors import notifications_for
from .services import notifications_mark_read
from .todo import todo_for

todo_router = Router(tags=["todo"])
router = Router(tags=["notifications"])


class TodoItemOut(Schema):
    kind: str = Field(..., description="the item's kind (hazard_review, tip_verify …)")
    subject: str = Field(..., description="the register of the record (hazard, tip, accident)")
    id: int
    title: str
    due: datetime.date | None = Field(None, description="its due day (Beijing date), if it has one")
    url: str = Field(..., description="the record's page")
    label: str = Field(..., description="the kind's Chinese name")


class TodoOut(Schema):
    items: list[TodoItemOut]
    count: int


class TodoQuery(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=DB_INT_MAX)


@todo_router.get("", response=TodoOut, summary="我的待办")
def todo(request: HttpRequest, query: Query[TodoQuery]) -> dict[str, object]:
    """What waits on the caller, nearest due day first (items without one last): close-outs to review,
    plans to file, listed hazards, tips to verify or reply to … within the caller's scope."""
    found = todo_for(request_actor(request), limit=query.limit, offset=query.offset)
    return {"items": found.items, "count": found.count}


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj: Notification) -> bool:
        return obj.read_at is None


class NotificationQuery(Schema):
    unread: bool | None = Field(None, description="true: only the unread; false: only the read")


@router.get("", response=list[NotificationOut], summary="我的通知")
@paginate(LimitOffset)
def notification_list(request: HttpRequest, filters: Query[NotificationQuery]) -> object:
    """The caller's notifications, newest first; ``unread=true`` keeps the unread ones."""
    qs = notifications_for(actor=request_actor(request))
    if filters.unread is not None:
        qs = qs.filter(read_at__isnull=filters.unread)
    return qs


@router.post("/{notification_id}/read", response=NotificationOut, summary="标为已读")
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read (reading it again changes nothing); 404 for another's."""
    actor = request_actor(request)
    if not 0 < notification_id < 2**63:  # beyond the key's range: as missing, not a database error
        raise NotFound("通知不存在")
    note = notifications_for(actor=actor).filter(pk=notification_id).first()
    if note is None:
        raise NotFound("通知不存在")
    notifications_mark_read(actor=actor, ids=[note.pk])
    note.refresh_from_db()
    return note
