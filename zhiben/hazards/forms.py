"""Page forms for hazards: they shape the input; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms

from zhiben.reference.selectors import criteria_for

from .models import Level, Source, SupervisionLevel

DATE = {"type": "date"}


class HazardForm(forms.Form):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=30)
    title = forms.CharField(label="隐患名称", max_length=200)
    level = forms.ChoiceField(label="隐患级别", choices=Level.choices, widget=forms.RadioSelect, initial=Level.GENERAL)
    source = forms.ChoiceField(label="来源", choices=Source.choices, initial=Source.INSPECTION)
    criterion = forms.ChoiceField(label="判定依据（重大隐患必填）", required=False)
    discovered_on = forms.DateField(label="发现日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    deadline = forms.DateField(label="整改期限", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    location = forms.CharField(label="隐患部位", max_length=200, required=False)
    description = forms.CharField(
        label="隐患描述", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    external_ref = forms.CharField(label="外部编号", max_length=64, required=False)

    def __init__(self, *args: Any, sector: str | None = None, enterprise_user: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        criterion = self.fields["criterion"]
        assert isinstance(criterion, forms.ChoiceField)
        criterion.choices = criterion_choices(sector)
        if enterprise_user:
            for name in ("enterprise", "source"):
                self.fields[name].disabled = True
            self.fields["source"].initial = Source.SELF_CHECK


def criterion_choices(sector: str | None) -> list[Any]:
    """Clauses for the sector, grouped by standard (optgroups), plus the general ones."""
    if not sector:
        return [("", "—（先填写企业）")]
    groups: dict[str, list[tuple[str, str]]] = {}
    for c in criteria_for(sector=sector):
        label = f"{c.standard.title}（{c.standard.number}）"
        groups.setdefault(label, []).append((c.code, f"{c.article} {c.text}"[:90]))
    return [("", "— 不引用（一般隐患）—"), *groups.items()]


class PlanForm(forms.Form):
    responsible_person = forms.CharField(label="整改责任人", max_length=60)
    measures = forms.CharField(label="整改措施", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    funds = forms.DecimalField(label="整改资金（元）", min_value=0, max_digits=14, decimal_places=2, required=False)
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    interim_measures = forms.CharField(
        label="整改期间安全防范和应急措施", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmitForm(forms.Form):
    summary = forms.CharField(label="整改情况说明", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = forms.MultipleChoiceField(label="佐证材料", required=False, widget=forms.CheckboxSelectMultiple)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("approve", "通过，予以销号"), ("reject", "退回整改")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="审核意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因（误报、不构成隐患等）", max_length=400)


class SuperviseForm(forms.Form):
    level = forms.ChoiceField(label="督办级别", choices=SupervisionLevel.choices)
    notice_no = forms.CharField(label="督办文号", max_length=60, required=False)
    deadline = forms.DateField(label="督办期限", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


class ReportForm(forms.Form):
    to = forms.ChoiceField(
        label="报告对象", choices=[("regulator", "负有监管职责的部门"), ("workers_congress", "职工大会或职工代表大会")]
    )
    on = forms.DateField(label="报告日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
