"""The cascading region picker (province → prefecture → county → township), as an htmx partial."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhiben.common.roles import Actor, Role

from .codes import InvalidRegionCode, normalize_code
from .models import Region
from .selectors import region_ancestors, region_children


@dataclass
class PickerLevel:
    options: list[Region]
    selected: str
    parent: str


def picker_root(actor: Actor) -> str | None:
    """Where an actor's picker starts: their own region (officers) or the provinces (admins)."""
    if actor.role in (Role.OFFICER, Role.TIP_HANDLER):
        return actor.region_id
    return None


def picker_context(*, actor: Actor, selected: str | None, field_name: str, label: str = "所在区划") -> dict[str, Any]:
    root = picker_root(actor)
    code = ""
    if selected:
        try:
            code = normalize_code(selected)
        except InvalidRegionCode:
            code = ""
    if code and root and not code.startswith(root):
        code = ""
    chain = [r.code for r in region_ancestors(code)] if code else []
    below_root = [c for c in chain if not root or len(c) > len(root)]
    levels: list[PickerLevel] = []
    parent = root
    for step in [*below_root, None]:
        options = list(region_children(parent=parent).only("code", "name"))
        if not options:
            break
        levels.append(PickerLevel(options=options, selected=step or "", parent=parent or ""))
        if step is None:
            break
        parent = step
    root_region = Region.objects.filter(code=root).first() if root else None
    return {
        "levels": levels,
        "value": code or (root or ""),
        "field_name": field_name,
        "label": label,
        "root_region": root_region,
    }


@login_required
def picker(request: HttpRequest) -> HttpResponse:
    actor = cast(Actor, request.user)  # login_required has run
    field_name = request.GET.get("name", "region")
    if field_name not in ("region",):
        field_name = "region"
    context = picker_context(
        actor=actor,
        selected=request.GET.get("_rp", ""),
        field_name=field_name,
        label=request.GET.get("label", "所在区划")[:20],
    )
    return render(request, "regions/picker.html", context)
