"""/api/v1/enterprises/{credit_code}/layout · /risk-map and /api/v1/risk-units/{unit_id}/place: the four-colour
map (四色图, issue 15). Reads are scoped (404 outside); writes are the enterprise's own (403 for an officer)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Router
from ninja.files import UploadedFile

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.inputs import Input, json_body, openapi_body

from ..selectors import enterprise_visible
from ..selectors.map import profile_of, risk_map_of
from ..services.map import LAYOUT_TYPES, layout_upload, unit_place, unit_unplace

enterprise_router = Router(tags=["risks"])
unit_router = Router(tags=["risks"])


class PlaceIn(Input):
    """A place on the layout: fractions of its width (from the left) and height (from the top), 0–1."""

    x: float = Field(title="横坐标 x（0–1）", ge=0, le=1)
    y: float = Field(title="纵坐标 y（0–1）", ge=0, le=1)


def layout_view(credit_code: str, profile: Any) -> dict[str, Any]:
    return {
        "credit_code": credit_code,
        "width": profile.layout_width,
        "height": profile.layout_height,
        "url": f"/api/v1/enterprises/{credit_code}/layout",
    }


def unit_view(unit: Any) -> dict[str, Any]:
    return {
        "id": unit.pk,
        "name": unit.name,
        "grade": unit.grade,
        "x": float(unit.map_x) if unit.map_x is not None else None,
        "y": float(unit.map_y) if unit.map_y is not None else None,
    }


@enterprise_router.post("/{credit_code}/layout", response=dict[str, Any])
def post_layout(request: HttpRequest, credit_code: str, file: File[UploadedFile]) -> dict[str, Any]:
    """Upload (or replace) the plant layout (厂区平面布置图) as multipart ``file``: a JPEG, PNG or WebP image (type
    from its content), at most the upload cap and 25 million pixels (read from its header; a 200-megapixel photo or a
    decompression bomb is refused, never decoded). Replaces the former layout; units keep their places. 422 naming
    ``file``; 403 for an officer; 404 out of scope."""
    # POSTed, as every upload here: Django parses multipart bodies for POST only, and the request screen
    # (common/middleware.py) checks them — file names, a cut-off body, a boundary that does not match
    profile = layout_upload(actor=request_actor(request), enterprise=credit_code, upload=file)
    return layout_view(profile.enterprise.credit_code, profile)


@enterprise_router.get("/{credit_code}/layout")
def get_layout(request: HttpRequest, credit_code: str) -> FileResponse:
    """The layout image, for users who may see the enterprise; 404 when none has been uploaded."""
    actor = request_actor(request)
    profile = profile_of(actor=actor, enterprise=enterprise_visible(actor, credit_code))
    if profile is None or not profile.layout:
        raise NotFound("尚未上传厂区平面布置图")
    return layout_response(profile)


def layout_response(profile: Any) -> FileResponse:
    """The stored layout as an inline image that runs nothing (its type from the stored extension)."""
    extension = profile.layout.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(profile.layout.open("rb"), content_type=LAYOUT_TYPES.get(extension, "image/png"))
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@enterprise_router.get("/{credit_code}/risk-map", response=dict[str, Any])
def get_risk_map(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    """The enterprise's four-colour map: ``{"enterprise", "grade", "layout": {width, height, url} | null,
    "legend": [{grade, name, colour, count}…], "units": [{id, name, kind, department, responsible, grade,
    grade_name, colour, x, y}…]}`` — ``x``/``y`` fractions of the layout, null for a unit not placed; ``grade``
    "" for a unit not yet graded (grey)."""
    data = risk_map_of(actor=request_actor(request), credit_code=credit_code)
    firm = data.enterprise
    return {
        "enterprise": {"credit_code": firm.credit_code, "name": firm.name},
        "grade": data.profile.grade if data.profile else "",
        "layout": layout_view(firm.credit_code, data.profile) if data.has_layout else None,
        "legend": data.legend,
        "units": [u.as_json() for u in data.units],
    }


@unit_router.put("/{int:unit_id}/place", response=dict[str, Any], openapi_extra=openapi_body(PlaceIn))
def put_place(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """``{"x", "y"}`` (fractions 0–1 of the layout from its top-left corner) → the unit with its place. 422 naming
    ``x`` / ``y``; 403 for an officer; 404 out of scope."""
    body = json_body(request)
    unit = unit_place(actor=request_actor(request), unit_id=unit_id, x=body.get("x"), y=body.get("y"))
    return unit_view(unit)


@unit_router.delete("/{int:unit_id}/place", response={204: None})
def delete_place(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Take the unit off the map: 204 (also when it was not placed). 403 for an officer; 404 out of scope."""
    unit_unplace(actor=request_actor(request), unit_id=unit_id)
    return HttpResponse(status=204)
