"""The API's list pagination: Ninja's limit/offset with an offset the database can take.

An offset past a 64-bit integer (``?offset=9223372036854775808``) is refused 422 naming ``offset``; SQLite and
PostgreSQL would otherwise fail on the query (a 500). It is the project's default pagination class
(``NINJA_PAGINATION_CLASS``), so a bare ``@paginate`` gets it too.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

# The largest integer a BIGINT column, SQLite's INTEGER and an SQL OFFSET hold.
DB_INT_MAX = 2**63 - 1


class LimitOffset(LimitOffsetPagination):
    """``limit`` 1…NINJA_PAGINATION_MAX_LIMIT (default NINJA_PAGINATION_PER_PAGE), ``offset`` 0…2⁶³−1."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=DB_INT_MAX)
