"""Filling a .docx template (docxtpl: Jinja2 tags inside Word runs) with a register's data."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.utils import timezone
from docxtpl import DocxTemplate

from zhiben.common.kit import DocumentSpec, Register

# Characters XML 1.0 cannot carry (a control character in a user's text would corrupt the file).
# Tab and line feed stay: docxtpl turns them into a tab and a line break.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def template_path(register: Register, spec: DocumentSpec) -> Path:
    """The template file: ``spec.template`` under the register app's folder."""
    return Path(apps.get_app_config(register.app_label).path) / spec.template


def chinese_date(day: datetime.date | None) -> str:
    """``2026年3月5日`` (GB/T 9704 7.3.5.1: Arabic numerals, no leading zeros); empty for no date."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def clean(value: Any) -> Any:
    """Context values made safe for the document: text without XML-illegal characters, dates in Chinese,
    amounts without a trailing ``.00`` noise; lists and dicts cleaned throughout."""
    if isinstance(value, str):
        return _UNSAFE.sub("", value)
    if isinstance(value, datetime.datetime):  # a moment: its Beijing day
        return chinese_date(timezone.localdate(value) if timezone.is_aware(value) else value.date())
    if isinstance(value, datetime.date):
        return chinese_date(value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if value is None:
        return ""
    return value


def render_docx(path: Path, context: dict[str, Any]) -> bytes:
    """The filled document's bytes. Values are XML-escaped (autoescape): a title with ``<`` or ``&``
    stays text."""
    template = DocxTemplate(str(path))
    template.render(clean(context), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
