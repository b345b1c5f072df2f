"""The product's URLs plus ``POST /api/v1/bench/floor``: the floor a write endpoint cannot beat.

The floor is an authenticated POST (the product's bearer-token auth, a small JSON body) that inserts one
row into ``bench_floor`` — a table the benchmark creates in its throw-away database, no migration — in
one transaction and does nothing else. Mounted only by bench/floor_settings.py.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI, Schema

from zhiben.api import BearerToken
from zhiben.urls import urlpatterns as product

floor_api = NinjaAPI(title="bench floor", urls_namespace="bench_floor", auth=[BearerToken()], docs_url=None)


class FloorIn(Schema):
    note: str = ""


class FloorOut(Schema):
    id: int


@floor_api.post("/floor", response={201: FloorOut})
def floor(request: HttpRequest, payload: FloorIn) -> tuple[int, dict[str, int]]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (user_id, note, at) VALUES (%s, %s, now()) RETURNING id",
            [request.user.pk, payload.note],
        )
        (row_id,) = cursor.fetchone()
    return 201, {"id": row_id}


urlpatterns: list[URLPattern | URLResolver] = [path("api/v1/bench/", floor_api.urls), *product]
