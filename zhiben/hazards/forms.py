"""Page forms for hazards: they shape the input; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms

from zhiben.common.inputs import DayField, form_field
from zhiben.reference.selectors import criteria_for

from .inputs import (
    Decision,
    ExtensionVerdict,
    HazardCancellation,
    HazardDelisting,
    HazardDualReport,
    HazardExtension,
    HazardExtensionDecision,
    HazardPlan,
    HazardReviewDecision,
    HazardSubmission,
    HazardSupervision,
    ReportTo,
)
from .models import Level, Source, SupervisionLevel

DATE = {"type": "date"}
DATE_INPUT = forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class HazardForm(forms.Form):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=30)
    title = forms.CharField(label="隐患名称", max_length=200)
    level = forms.ChoiceField(label="隐患级别", choices=Level.choices, widget=forms.RadioSelect, initial=Level.GENERAL)
    source = forms.ChoiceField(label="来源", choices=Source.choices, initial=Source.INSPECTION)
    criterion = forms.ChoiceField(label="判定依据（重大隐患必填）", required=False)
    discovered_on = DayField(label="发现日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    deadline = DayField(label="整改期限", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
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


# The steps' forms are the pages' shape of the typed inputs (inputs.py): labels, requiredness and limits come
# from there; a form adds only what a page has (widgets, the choices of this hazard's files).
class PlanForm(forms.Form):
    responsible_person = form_field(HazardPlan, "responsible_person")
    measures = form_field(HazardPlan, "measures", widget=forms.Textarea(attrs={"rows": 3}))
    funds = form_field(HazardPlan, "funds", forms.DecimalField, min_value=0, max_digits=14, decimal_places=2)
    deadline = form_field(HazardPlan, "deadline", DayField, widget=DATE_INPUT)
    interim_measures = form_field(
        HazardPlan, "interim_measures", widget=forms.Textarea(attrs={"rows": 2}), help_text="重大隐患必填"
    )


class SubmitForm(forms.Form):
    summary = form_field(HazardSubmission, "summary", widget=forms.Textarea(attrs={"rows": 3}))
    attachments = form_field(
        HazardSubmission,
        "attachments",
        forms.MultipleChoiceField,
        widget=forms.CheckboxSelectMultiple,
        label="整改佐证材料",
        help_text="勾选能证明整改完成的材料；隐患现场照片不在此列。还没有的，请先在上方上传“整改佐证材料”。",
    )


class ReviewForm(forms.Form):
    decision = form_field(
        HazardReviewDecision, "decision", forms.ChoiceField, choices=Decision.choices, widget=forms.RadioSelect
    )
    comment = form_field(
        HazardReviewDecision, "comment", widget=forms.Textarea(attrs={"rows": 2}), help_text="退回整改时必填"
    )


class CancelForm(forms.Form):
    reason = form_field(HazardCancellation, "reason", help_text="误报、不构成隐患等")


class SuperviseForm(forms.Form):
    """挂牌督办: no level chosen beforehand, and only the levels the officer may list at (``levels``)."""

    level = form_field(HazardSupervision, "level", forms.ChoiceField, choices=SupervisionLevel.choices)
    notice_no = form_field(HazardSupervision, "notice_no")
    deadline = form_field(HazardSupervision, "deadline", DayField, widget=DATE_INPUT)

    def __init__(self, *args: Any, levels: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        allowed = [(k, v) for k, v in SupervisionLevel.choices if levels is None or k in levels]
        field.choices = [("", "— 请选择 —"), *allowed]
        field.initial = None


class DelistForm(forms.Form):
    on = form_field(HazardDelisting, "on", forms.DateField, widget=DATE_INPUT)
    reason = form_field(HazardDelisting, "reason", help_text="如：已整改销号")


class ExtensionForm(forms.Form):
    deadline = form_field(HazardExtension, "deadline", forms.DateField, widget=DATE_INPUT)
    reason = form_field(HazardExtension, "reason", widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = form_field(
        HazardExtensionDecision,
        "decision",
        forms.ChoiceField,
        choices=ExtensionVerdict.choices,
        widget=forms.RadioSelect,
    )
    comment = form_field(
        HazardExtensionDecision, "comment", widget=forms.Textarea(attrs={"rows": 2}), help_text="不批准时必填"
    )


class ReportForm(forms.Form):
    to = form_field(HazardDualReport, "to", forms.ChoiceField, choices=ReportTo.choices)
    on = form_field(HazardDualReport, "on", DayField, widget=DATE_INPUT)
