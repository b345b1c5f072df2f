"""Page forms for accidents: they shape the input; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms

from zhiben.common.inputs import DayField, form_field
from zhiben.reference.models import Sector

from .inputs import AccidentReport, SupplementReport

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric"}


def _sectors(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(s.key, s.name) for s in Sector.objects.all()]


class AccidentForm(forms.Form):
    """The page's shape of ``AccidentReport``: labels, requiredness and limits come from the input model."""

    enterprise = form_field(
        AccidentReport,
        "enterprise",
        help_text="填写后，事故发生地和行业领域默认取该企业的；无发生单位的可不填",
    )
    region = form_field(AccidentReport, "region", widget=forms.HiddenInput)
    sector = form_field(AccidentReport, "sector", forms.ChoiceField)
    occurred_at = form_field(AccidentReport, "occurred_at", forms.DateTimeField, widget=DATETIME)
    reported_at = form_field(
        AccidentReport,
        "reported_at",
        forms.DateTimeField,
        widget=DATETIME,
        help_text="接到事故报告的时间，不填为现在；晚于发生时间1小时为迟报",
    )
    deaths = form_field(AccidentReport, "deaths", forms.IntegerField, widget=forms.NumberInput(attrs=NUMBER))
    serious_injuries = form_field(
        AccidentReport,
        "serious_injuries",
        forms.IntegerField,
        help_text="含急性工业中毒",
        widget=forms.NumberInput(attrs=NUMBER),
    )
    direct_loss = form_field(
        AccidentReport,
        "direct_loss",
        forms.DecimalField,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    description = form_field(
        AccidentReport, "description", widget=forms.Textarea(attrs={"rows": 4}), help_text="时间、地点、经过、原因初判"
    )

    def __init__(self, *args: Any, enterprise_user: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector = self.fields["sector"]
        assert isinstance(sector, forms.ChoiceField)
        sector.choices = _sectors("— 默认取企业的行业领域 —")
        if enterprise_user:
            self.fields["enterprise"].disabled = True
            self.fields["enterprise"].help_text = "企业人员报告本企业的事故"
        self.fields["enterprise"].widget.attrs.setdefault("autocapitalize", "characters")
        if not enterprise_user:
            # find it by name (static/zhiben/enterprise-picker.js); the plain code input works without it
            self.fields["enterprise"].widget.attrs["data-enterprise-picker"] = ""

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if self.fields["enterprise"].disabled:
            data.pop("enterprise", None)
        return data


class SupplementForm(forms.Form):
    """The page's shape of ``SupplementReport``."""

    reported_on = form_field(SupplementReport, "reported_on", DayField, required=True, widget=DATE)
    deaths = form_field(SupplementReport, "deaths", forms.IntegerField, widget=forms.NumberInput(attrs=NUMBER))
    serious_injuries = form_field(
        SupplementReport, "serious_injuries", forms.IntegerField, widget=forms.NumberInput(attrs=NUMBER)
    )
    direct_loss = form_field(
        SupplementReport,
        "direct_loss",
        forms.DecimalField,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    note = form_field(SupplementReport, "note", widget=forms.Textarea(attrs={"rows": 2}))
