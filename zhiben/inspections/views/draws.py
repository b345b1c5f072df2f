"""The pages of 双随机 draws.

Officers (signed in): ``/inspections/draws/`` — the draws they may see and the new-draw form; a draw's page with
its picks (each linked to the inspection form), publish and discard. The public (no account):
``/inspections/draws/public/`` — 抽查计划公告 / 结果公告, the published and discarded draws with their pools'
sizes and digests, seeds, algorithm, picks, results, the canonical JSON and a verify button. Same selectors and
services as the API: out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common import kit
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.enterprises.models import SupervisionClass
from zhiben.reference.models import Sector
from zhiben.regions.codes import InvalidRegionCode, normalize_code
from zhiben.regions.models import Region

from .. import draws as algorithm
from ..declarations.draws import DRAW_LIFECYCLE
from ..models import Draw, DrawStatus
from ..selectors.draws import (
    draw_document,
    draw_events,
    draw_get,
    draw_list,
    draw_number,
    draw_results,
    may_draw,
    pick_rows,
    public_draw_get,
    public_draws,
    public_regions,
    result_tally,
    serial_tally,
    units_for,
    verify_stored,
)
from ..services.draws import DrawRequest, draw_create, draw_discard, draw_publish

# The forms' fields by their Chinese names (a refusal names the field as the page shows it).
LABELS = {name: str(info.title) for name, info in DrawRequest.model_fields.items()}
LABELS.update({"mode": "抽取方式", "reason": "作废原因", "action": "操作", "verify": "核验", "status": "状态"})
page_field_labels("inspections", LABELS)
LIST_ROWS = 200
PUBLIC_PAGE = 10  # draws a public page shows
PUBLIC_PICKS = 30  # picks shown per draw on the public list (all on the draw's own page)


def _error(exc: DomainError) -> str:
    if not isinstance(exc, FieldErrors):
        return exc.message
    parts = []
    for field, text in exc.errors.items():
        label = LABELS.get(field.split(".")[0].split("[")[0], "")
        parts.append(text if not label or label in text else f"{label}：{text}")
    return "；".join(parts)


def _form_choices(actor: Any) -> dict[str, Any]:
    """The new-draw form's choices: the units the actor may draw for, the regions (their own and the one below),
    the sectors and classes. Empty ``units``: the actor draws for no unit (the form is not shown)."""
    units = units_for(actor)
    home = actor.region_id or (units[0].region_id if units else None)
    regions: list[Region] = []
    if home:
        own = Region.objects.filter(code=home).first()
        if own is not None:
            regions = [own, *Region.objects.filter(parent_id=home).order_by("code")]
    return {
        "units": units,
        "regions": regions,
        "sectors": list(Sector.objects.order_by("position", "key")),
        "classes": SupervisionClass.choices,
    }


@login_required
@once_per_form("inspections.draw")
def draw_list_view(request: HttpRequest) -> HttpResponse:
    """The draws the actor may see (newest first) and, for those who draw for a unit, the new-draw form (POST:
    department, region, sector, classes, mode = count | ratio, enterprises or ratio, inspectors, seed, title)."""
    actor = request_actor(request)
    if actor.role == Role.ENTERPRISE:
        raise Http404("抽查不存在")
    error, status = "", 200
    if request.method == "POST":
        post = request.POST
        by_ratio = post.get("mode") == "ratio"
        try:
            created = draw_create(
                actor=actor,
                region=post.get("region"),
                department=post.get("department") or None,
                sector=post.get("sector", ""),
                classes=post.getlist("classes"),
                enterprises=None if by_ratio else post.get("enterprises"),
                ratio=post.get("ratio") if by_ratio else None,
                inspectors=post.get("inspectors"),
                seed=post.get("seed"),
                title=post.get("title", ""),
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error, status = _error(exc), exc.status
        else:
            messages.success(request, f"已抽取 {draw_number(created)}：{len(created.picks)} 家企业，请核对后公告")
            return redirect("draw-detail", draw_id=created.pk)
    rows = list(draw_list(actor=actor)[:LIST_ROWS])
    context = {
        "rows": rows,
        "create": _form_choices(actor),
        "form": request.POST if request.method == "POST" else {},
        "chosen_classes": request.POST.getlist("classes") if request.method == "POST" else [],
        "error": error,
        "algorithm": {"name": algorithm.NAME, "version": algorithm.VERSION},
    }
    return render(request, "inspections/draw_list.html", context, status=status)


def _named(draws: list[Draw]) -> list[Draw]:
    """``draws`` with ``sector_name`` set (the pages name a sector, the record keeps its key)."""
    names = dict(Sector.objects.filter(pk__in={d.sector for d in draws if d.sector}).values_list("key", "name"))
    for d in draws:
        d.sector_name = names.get(d.sector, d.sector)  # type: ignore[attr-defined]
    return draws


def _draw_or_404(request: HttpRequest, draw_id: int) -> Draw:
    found = draw_get(actor=request_actor(request), draw_id=draw_id)
    if found is None:
        raise Http404("抽查不存在")
    return _named([found])[0]


def _picks_context(draw: Draw, *, limit: int | None = None) -> dict[str, Any]:
    results = draw_results([draw.pk])
    return {"picks": pick_rows([draw], results, limit=limit)[draw.pk], "tally": result_tally(draw, results)}


@login_required
def draw_detail_view(request: HttpRequest, draw_id: int) -> HttpResponse:
    """A draw: its definition, pools' sizes and digest, seed and algorithm, the picks with their teams and results
    (each pick links to the inspection form), its events; publish and discard (POST action = publish | discard,
    reason). ``?verify=1`` recomputes it here."""
    actor = request_actor(request)
    draw = _draw_or_404(request, draw_id)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "publish":
                draw_publish(actor=actor, draw_id=draw.pk)
                done = f"已公告 {draw_number(draw)}"
            elif action == "discard":
                draw_discard(actor=actor, draw_id=draw.pk, reason=request.POST.get("reason"))
                done = f"已作废 {draw_number(draw)}"
            else:
                raise FieldErrors({"action": "请选择公告或作废"})
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error, status = _error(exc), exc.status
        else:
            messages.success(request, done)
            return redirect("draw-detail", draw_id=draw.pk)
    context = {
        "draw": draw,
        "number": draw_number(draw),
        "pool_size": (len(draw.pool_enterprises), len(draw.pool_inspectors)),
        **_picks_context(draw),
        "events": [(e, *kit.event_view("draw", e.kind, e.payload)) for e in draw_events(draw)],
        "can_act": may_draw(actor, draw.department),
        "can_publish": DRAW_LIFECYCLE.allows("publish", draw, actor) and may_draw(actor, draw.department),
        "can_discard": DRAW_LIFECYCLE.allows("discard", draw, actor) and may_draw(actor, draw.department),
        "verification": verify_stored(draw) if request.GET.get("verify") else None,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
        "public": draw.status != DrawStatus.DRAWN,
    }
    return render(request, "inspections/draw_detail.html", context, status=status)


def _json_download(draw: Draw) -> HttpResponse:
    """The draw's published document as canonical JSON (UTF-8), byte for byte the same on every download."""
    body = algorithm.canonical_json(draw_document(draw))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.year}-{draw.department_id}-{draw.serial}.json"'
    response["X-Content-SHA256"] = algorithm.sha256_hex(body)
    return response


@login_required
def draw_json_view(request: HttpRequest, draw_id: int) -> HttpResponse:
    """An officer's download of a draw they may see, published or not."""
    return _json_download(_draw_or_404(request, draw_id))


# --- the public -------------------------------------------------------------------------------------------


def _region_filter(raw: str) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    try:
        return normalize_code(value)
    except InvalidRegionCode:
        return None


def public_list_view(request: HttpRequest) -> HttpResponse:
    """抽查计划公告 / 结果公告, for everyone: published and discarded draws (by region), newest first, each with its
    unit, number, date, pool sizes and digest, seed, algorithm, the first picks and the results so far."""
    region = _region_filter(request.GET.get("region", ""))
    page = Paginator(public_draws(region=region), PUBLIC_PAGE).get_page(request.GET.get("page"))
    draws = list(page.object_list)
    results = draw_results([d.pk for d in draws])
    rows = pick_rows(draws, results, limit=PUBLIC_PICKS)
    tallies = serial_tally(draws)
    items = [
        {
            "draw": d,
            "number": draw_number(d),
            "picks": rows[d.pk],
            "tally": result_tally(d, results),
            "serials": tallies.get((d.department_id, d.year), {}),
            "pool_size": (d.pool_enterprise_count, d.pool_inspector_count),  # type: ignore[attr-defined]
        }
        for d in _named(draws)
    ]
    context = {"items": items, "page": page, "regions": public_regions(), "region": region or ""}
    return render(request, "inspections/draw_public_list.html", context)


def _public_or_404(draw_id: int) -> Draw:
    found = public_draw_get(draw_id)
    if found is None:
        raise Http404("抽查不存在或尚未公告")
    return _named([found])[0]


def public_detail_view(request: HttpRequest, draw_id: int) -> HttpResponse:
    """One public draw in full: every pick with its team and result; ``?verify=1`` recomputes it (the verify
    button does the same through ``POST /api/v1/draws/verify`` without leaving the page)."""
    draw = _public_or_404(draw_id)
    context = {
        "draw": draw,
        "number": draw_number(draw),
        "pool_size": (len(draw.pool_enterprises), len(draw.pool_inspectors)),
        **_picks_context(draw),
        "serials": serial_tally([draw]).get((draw.department_id, draw.year), {}),
        "verification": verify_stored(draw) if request.GET.get("verify") else None,
    }
    return render(request, "inspections/draw_public_detail.html", context)


def public_json_view(request: HttpRequest, draw_id: int) -> HttpResponse:
    """A public draw's canonical JSON: what anyone recomputes (docs/draws.md)."""
    return _json_download(_public_or_404(draw_id))
