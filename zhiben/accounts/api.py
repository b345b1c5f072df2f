"""/api/v1/auth and /api/v1/users."""

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhiben.common.errors import DomainError, PermissionDenied
from zhiben.common.pagination import LimitOffset

from .lockout import MESSAGE as LOCKED_OUT
from .models import Role, User
from .services import LockedOut, token_issue, user_create

auth_router = Router(tags=["auth"])
users_router = Router(tags=["users"])


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=256)


class TokenOut(Schema):
    token: str


class Message(Schema):
    detail: str


class Unauthorized(DomainError):
    status = 401


class TooManyFailures(DomainError):
    status = 429


@auth_router.post("/token", auth=None, response={200: TokenOut, 401: Message, 429: Message})
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchange a username and password for a bearer token (valid ZHIBEN_API_TOKEN_TTL_DAYS days)."""
    try:
        token = token_issue(request=request, username=payload.username, password=payload.password)
    except LockedOut as exc:
        raise TooManyFailures(LOCKED_OUT) from exc
    if token is None:
        raise Unauthorized("用户名或密码错误")
    return {"token": token}


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    role: Role
    region: str | None = Field(None, max_length=12)
    sectors: list[str] = Field(default_factory=list, max_length=50)
    enterprise: str | None = Field(None, max_length=18, description="企业用户所属企业的统一社会信用代码")
    full_name: str = Field("", max_length=60)


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    region: str | None = Field(None, alias="region_id")
    sectors: list[str]
    enterprise: str | None

    @staticmethod
    def resolve_sectors(obj: User) -> list[str]:
        return [s.key for s in obj.sectors.all()]

    @staticmethod
    def resolve_enterprise(obj: User) -> str | None:
        return obj.enterprise.credit_code if obj.enterprise_id and obj.enterprise else None


def _require_admin(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.role != Role.ADMIN:
        raise PermissionDenied("只有管理员可以管理用户")
    return user


@users_router.get("/me", response=UserOut)
def me(request: HttpRequest) -> User:
    """The signed-in user, with role and scope."""
    user = request.user
    assert isinstance(user, User)
    return user


@users_router.post("", response={201: UserOut})
def create_user(request: HttpRequest, payload: UserIn) -> Status[User]:
    """Create a user (admin only)."""
    actor = _require_admin(request)
    user = user_create(actor=actor, **payload.dict())
    return Status(201, user)


@users_router.get("", response=list[UserOut])
@paginate(LimitOffset)
def list_users(request: HttpRequest) -> object:
    """Every user (admin only)."""
    _require_admin(request)
    return User.objects.select_related("enterprise").prefetch_related("sectors").order_by("id")
