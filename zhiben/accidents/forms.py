"""Page forms for accidents: they shape the input; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms

from zhiben.reference.models import Sector

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric"}


def _sectors(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(s.key, s.name) for s in Sector.objects.all()]


class AccidentForm(forms.Form):
    enterprise = forms.CharField(
        label="事故发生单位（统一社会信用代码）",
        max_length=30,
        required=False,
        help_text="填写后，事故发生地和行业领域默认取该企业的；无发生单位的可不填",
    )
    region = forms.CharField(label="事故发生地", max_length=12, required=False, widget=forms.HiddenInput)
    sector = forms.ChoiceField(label="行业领域", required=False)
    occurred_at = forms.DateTimeField(label="发生时间", widget=DATETIME)
    reported_at = forms.DateTimeField(
        label="首报时间",
        required=False,
        widget=DATETIME,
        help_text="接到事故报告的时间，不填为现在；晚于发生时间1小时为迟报",
    )
    deaths = forms.IntegerField(label="死亡人数", widget=forms.NumberInput(attrs=NUMBER))
    serious_injuries = forms.IntegerField(
        label="重伤人数", help_text="含急性工业中毒", widget=forms.NumberInput(attrs=NUMBER)
    )
    direct_loss = forms.DecimalField(
        label="直接经济损失（元）", max_digits=16, decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"})
    )
    description = forms.CharField(
        label="事故简要经过",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="时间、地点、经过、原因初判",
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

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if self.fields["enterprise"].disabled:
            data.pop("enterprise", None)
        return data


class SupplementForm(forms.Form):
    reported_on = forms.DateField(label="补报日期", widget=DATE)
    deaths = forms.IntegerField(label="死亡人数（补报后总数）", widget=forms.NumberInput(attrs=NUMBER))
    serious_injuries = forms.IntegerField(label="重伤人数（补报后总数）", widget=forms.NumberInput(attrs=NUMBER))
    direct_loss = forms.DecimalField(
        label="直接经济损失（元，补报后总数）",
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    note = forms.CharField(label="补报说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
