"""The posts' contract (zhiben/tests_support/contract.py): a post and its 两单两卡 are seen by the officers of the
enterprise's region and sectors and by its own users, kept by its own users (403 for the officer; the edit page is
theirs alone); to everyone else every endpoint and page answers 404 and changes nothing, and the lists hide it."""

from __future__ import annotations

from zhiben.risks.services.posts import post_create
from zhiben.tests_support.contract import Call, Listing, RegisterContract, Spec, Subject, World, api_count

from .factories_map import unit

POST = "/api/v1/posts/{id}"
POSTS_PAGE = "/risks/enterprises/{credit_code}/posts/"
EDIT = "/risks/enterprises/{credit_code}/posts/{id}/edit/"


def make_post(world: World) -> Subject:
    made_unit = unit(world.firm, f"契约装置{world.firm.pk}", grade="red")
    n = world.firm.pk * 1000 + made_unit.pk
    post = post_create(actor=world.users["enterprise"], data={"name": f"契约岗位{n}", "units": [made_unit.pk]})
    return Subject(
        post, {"id": post.pk, "credit_code": world.firm.credit_code, "name": post.name, "unit": made_unit.pk}
    )


SPEC = Spec(
    name="posts",
    prefixes=("/api/v1/posts", "/risks/posts/", "/risks/enterprises/{credit_code}/posts"),
    make=make_post,
    calls=(
        Call("GET", POST),
        Call("PATCH", POST, body={"duties": "新的职责"}),
        Call("DELETE", POST),
        Call("GET", f"{POST}/cards.docx"),
        Call("GET", "/risks/posts/{id}/"),
        Call("GET", POSTS_PAGE),
        # a post named for another enterprise's form is refused: 404 to strangers, 403 to the officer
        Call("POST", POSTS_PAGE, body={"name": "越权岗位", "units": "{unit}"}, refused=(404,)),
        Call("GET", EDIT, inside=("enterprise",), also_outside=("officer",)),
        Call("POST", EDIT, body={"action": "delete"}, inside=("enterprise",), also_outside=("officer",)),
    ),
    lists=(
        Listing("/api/v1/posts", count=api_count, baseline=6),
        Listing("/api/v1/posts?enterprise=", {"enterprise": "{credit_code}"}, count=api_count),
    ),
    elsewhere={"POST /api/v1/posts": "creating a post: zhiben/risks/tests/test_posts.py"},
)


class TestPostsContract(RegisterContract):
    spec = SPEC
