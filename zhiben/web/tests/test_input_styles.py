"""Every kind of input a page draws has the form style (the tip form's 电话 field had none: a bare
``type="tel"`` box beside styled ones)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.test import Client

import zhiben

pytestmark = pytest.mark.django_db

CSS = (Path(zhiben.__file__).parent / "static" / "zhiben" / "app.css").read_text(encoding="utf-8")
UNSTYLED = {"hidden", "submit", "checkbox", "radio", "button", "reset", "image"}  # drawn otherwise


def styled_types() -> set[str]:
    """The input types the form rule of app.css names (the rule with the 100% width)."""
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", CSS)
    found: set[str] = set()
    for selectors, body in rules:
        if "border" in body and ("width: 100%" in body or "width:100%" in body):
            found |= set(re.findall(r"input\[type=([a-z-]+)\]", selectors))
    return found


def test_every_input_type_of_html_forms_is_styled() -> None:
    wanted = {"text", "password", "number", "date", "datetime-local", "time", "month", "tel", "email", "search"}
    wanted |= {"url", "file"}
    assert wanted <= styled_types(), wanted - styled_types()


def test_every_input_type_in_the_templates_and_the_widgets_is_styled() -> None:
    root = Path(zhiben.__file__).parent
    used = {m for path in root.rglob("*.html") for m in re.findall(r'type="([a-z-]+)"', path.read_text("utf-8"))}
    used |= {
        w.input_type
        for w in (forms.TextInput, forms.EmailInput, forms.URLInput, forms.NumberInput, forms.PasswordInput)
    }
    used |= {"datetime-local", "date"}  # the forms' DateInput / DateTimeInput attrs
    assert used - UNSTYLED <= styled_types(), (used - UNSTYLED) - styled_types()


def test_the_tip_form_phone_field_is_drawn_with_a_styled_type() -> None:
    page = Client().get("/tips/report/").content.decode()
    types = set(re.findall(r'<input[^>]*type="([a-z-]+)"', page)) - UNSTYLED
    assert "tel" in types and types <= styled_types()
