"""Page forms for accidents: they shape the input; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms

from zhiben.common.inputs import DayField, form_field
from zhiben.reference.models import Sector

from .inputs import (
    AccidentReport,
    DeadlineExtension,
    InvestigationReport,
    RelayReport,
    ReplyReport,
    SupplementReport,
)
from .models import AccidentType, Grade, RelayLevel

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
    type = form_field(
        AccidentReport,
        "type",
        forms.ChoiceField,
        choices=[("", "— 请选择（不选为未分类）—"), *AccidentType.choices],
        required=False,
        help_text="道路交通事故、火灾事故的伤亡变化须在7日内补报，其他30日（第十三条）",
    )
    occurred_at = form_field(AccidentReport, "occurred_at", forms.DateTimeField, widget=DATETIME)
    head_notified_at = form_field(
        AccidentReport,
        "head_notified_at",
        forms.DateTimeField,
        required=False,
        widget=DATETIME,
        help_text="不填为发生时间；单位负责人应在接报后1小时内报告（第九条）",
    )
    reported_at = form_field(
        AccidentReport,
        "reported_at",
        forms.DateTimeField,
        widget=DATETIME,
        help_text="接到事故报告的时间，不填为现在；晚于单位负责人接报时间1小时为迟报",
    )
    deaths = form_field(AccidentReport, "deaths", forms.IntegerField, widget=forms.NumberInput(attrs=NUMBER))
    missing = form_field(
        AccidentReport,
        "missing",
        forms.IntegerField,
        required=False,
        help_text="定级时与死亡人数合计（第十二条）",
        widget=forms.NumberInput(attrs=NUMBER),
    )
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
    missing = form_field(
        SupplementReport, "missing", forms.IntegerField, required=False, widget=forms.NumberInput(attrs=NUMBER)
    )
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
    reason = form_field(
        SupplementReport,
        "reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="补报期内任一数字低于当前记录时必填",
    )


# The government steps' forms leave every check to the input models (inputs.py), so that a refusal is the
# model's Chinese sentence naming the field ("请填写上报时间"), as through the API.
def _select(choices: list[tuple[str, str]]) -> forms.Select:
    return forms.Select(choices=[("", "— 请选择 —"), *choices])


class RelayForm(forms.Form):
    """逐级上报 (第十条、第十一条)."""

    level = form_field(RelayReport, "level", required=False, widget=_select(RelayLevel.choices))
    reported_at = form_field(RelayReport, "reported_at", forms.DateTimeField, required=False, widget=DATETIME)


class InvestigationForm(forms.Form):
    """调查报告 (第二十九条) and its 核定 grade."""

    submitted_on = form_field(InvestigationReport, "submitted_on", DayField, required=False, widget=DATE)
    verified_grade = form_field(
        InvestigationReport, "verified_grade", required=False, widget=_select(list(Grade.choices))
    )


class ExtensionForm(forms.Form):
    """延长期限 (第二十九条 调查; 第三十二条 批复)."""

    days = form_field(DeadlineExtension, "days", required=False, widget=forms.NumberInput(attrs=NUMBER))
    reason = form_field(DeadlineExtension, "reason", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    """批复 (第三十二条)."""

    replied_on = form_field(ReplyReport, "replied_on", DayField, required=False, widget=DATE)
