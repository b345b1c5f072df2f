"""The preview of a plan document (POST /api/v1/plans/parse): the parser's reading, each unit matched in the
plan's region. Nothing is saved."""

from __future__ import annotations

from typing import Any

from zhiben.common.errors import FieldErrors

from .matching import Matcher


def _unit_text(unit: Any) -> str:
    if isinstance(unit, str):
        return unit
    if isinstance(unit, dict):
        return str(unit.get("text") or "")
    return str(getattr(unit, "text", unit))


def preview_plan(data: bytes, filename: str, region_code: str) -> dict[str, Any]:
    """The parser's preview (``to_preview``) of the document, each task's ``lead_units`` and ``co_units`` as
    ``{text, department: id|null, region: code|null, generic, candidates: [{id, name}], flag}`` matched in
    ``region_code``, plus ``region``. Raises FieldErrors naming ``file`` with the parser's Chinese message."""
    from .parsing import PlanParseError, parse_plan, to_preview  # the plan-document parser (its own module)

    try:
        parsed = parse_plan(data, filename)
    except PlanParseError as exc:
        raise FieldErrors({"file": exc.message if hasattr(exc, "message") else str(exc)}) from None
    preview = to_preview(parsed)
    matcher = Matcher(region_code)
    for task in preview.get("tasks", []):
        for key in ("lead_units", "co_units"):
            task[key] = [matcher.match(_unit_text(u)).as_dict() for u in task.get(key, [])]
    preview["region"] = region_code
    return preview
