"""The board's rows as HTML in one pass: a province's board has thousands of rows, and a template loop with a
dozen lookups and filters per row costs hundreds of milliseconds where this costs tens (bench/plans_board.py).
Every value is escaped (``html.escape``) before it is joined."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
TEXT_CHARS = 90


def _text(value: Any) -> str:
    return escape(str(value), quote=True) if value not in (None, "") else ""


@register.simple_tag
def board_rows(rows: list[dict[str, Any]]) -> SafeString:
    """``<tr>`` of each board row: number, task (linked, cut to 90 characters), due, lead and co units, progress
    and the state badge."""
    out = []
    for r in rows:
        text = r["text"] if len(r["text"]) <= TEXT_CHARS else r["text"][: TEXT_CHARS - 1] + "…"
        due = f"{_text(r['due_text'])} {r['due']:%Y-%m-%d}" if r["due"] else _text(r["due_text"])
        link = f'<a href="/plans/tasks/{r["id"]}/">{_text(text)}</a>'
        out.append(
            f'<tr><td>{_text(r["number"])}</td><td class="text">{link}</td>'
            f"<td>{due}</td><td>{_text('、'.join(r['lead']))}</td><td>{_text('、'.join(r['co']))}</td>"
            f'<td>{r["percent"]}%</td><td><span class="st st-{r["state"]}">{r["state_label"]}</span></td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def timeline_chips(rows: list[dict[str, Any]], most: int = 40) -> SafeString:
    """The first ``most`` tasks of a month as coloured links (their numbers), then an ellipsis."""
    chips = [
        f'<a class="st st-{r["state"]}" href="/plans/tasks/{r["id"]}/">{_text(r["number"] or r["id"])}</a>'
        for r in rows[:most]
    ]
    return mark_safe("".join(chips) + ("…" if len(rows) > most else ""))  # noqa: S308 - escaped above
