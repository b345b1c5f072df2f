"""Page forms for hazards: they shape the input; the services decide what it means."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.urls import reverse_lazy

from zhiben.common.inputs import DayField, form_field
from zhiben.reference.models import Criterion, Kind
from zhiben.reference.rules import places
from zhiben.reference.selectors import composite_elements, coverage, criteria_in_force

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
    criterion = forms.ChoiceField(
        label="判定依据（重大隐患必填）",
        required=False,
        help_text="只列出发现日期当天有效、适用于该企业行业领域的条款；更改企业或发现日期后列表随之更新。",
    )
    elements = forms.MultipleChoiceField(
        label="综合判定要素（引用综合判定条款时填写）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="综合判定要素不能单独判定为重大火灾隐患：勾选同一场所存在的要素，数量达到场所类别规定的条数才成立。",
    )
    place_type = forms.ChoiceField(label="场所类别（引用综合判定条款时填写）", required=False)
    discovered_on = DayField(label="发现日期", widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    deadline = DayField(label="整改期限", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    location = forms.CharField(label="隐患部位", max_length=200, required=False)
    description = forms.CharField(
        label="隐患描述", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    external_ref = forms.CharField(label="外部编号", max_length=64, required=False)

    def __init__(
        self,
        *args: Any,
        sector: str | None = None,
        on: datetime.date | None = None,
        enterprise_user: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = CriterionCatalogue(sector, on)
        criterion = self.fields["criterion"]
        assert isinstance(criterion, forms.ChoiceField)
        criterion.choices = self.catalogue.choices()
        elements = self.fields["elements"]
        assert isinstance(elements, forms.MultipleChoiceField)
        elements.choices = self.catalogue.element_choices()
        place = self.fields["place_type"]
        assert isinstance(place, forms.ChoiceField)
        place.choices = [("", "—"), *self.catalogue.place_choices()]
        # the clauses in force depend on the discovery date: reload the citation block when it changes
        self.fields["discovered_on"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("hazard-criteria-options"),
                "hx-trigger": "change",
                "hx-target": "#criterion-block",
                "hx-swap": "outerHTML",
                "hx-include": "#id_enterprise, #id_discovered_on, #id_criterion",
            }
        )
        if enterprise_user:
            for name in ("enterprise", "source"):
                self.fields[name].disabled = True
            self.fields["source"].initial = Source.SELF_CHECK


class CriterionCatalogue:
    """What the report form offers to cite for a hazard of ``sector`` found on ``on`` (FACTS §2): the clauses
    in force that day, grouped by standard (optgroups, labelled with the edition and its dates), the
    composite fire elements and types of place of a determination, the standards' notes (e.g. GB 35181's
    exclusions) and, instead of a silent empty list, notices of what is missing (``selectors.coverage``)."""

    def __init__(self, sector: str | None, on: datetime.date | None) -> None:
        self.sector, self.on = sector, on
        self.clauses: list[Criterion] = list(criteria_in_force(sector, on)) if sector and on else []
        self.determinations = [c for c in self.clauses if c.kind == Kind.DETERMINATION]
        self.elements: list[Criterion] = []
        self.notices: list[str] = []
        if sector and on:
            for d in self.determinations:
                self.elements.extend(composite_elements(d, on))
            self.notices = coverage(sector, on)["notices"]
        notes = {c.standard.note for c in self.clauses if c.standard.note}
        self.notes = sorted(notes)

    def choices(self) -> list[Any]:
        if not self.sector:
            return [("", "—（先填写企业）")]
        if not self.on:
            return [("", "—（先填写发现日期）")]
        groups: dict[str, list[tuple[str, str]]] = {}
        for c in self.clauses:
            s = c.standard
            until = f"至{s.effective_to}" if s.effective_to else "起施行"
            local = "地方标准 · " if s.local else ""
            label = f"{local}{s.title}（{s.number}，{s.effective_from or ''}{until}）"
            text = f"{c.article} {c.text}"[:80]
            if not c.text_available:
                text = f"{text}【{c.label}】"
            groups.setdefault(label, []).append((c.code, text))
        return [("", "— 不引用（一般隐患）—"), *groups.items()]

    def element_choices(self) -> list[tuple[str, str]]:
        return [(c.code, f"{c.article} {c.text}"[:90]) for c in self.elements]

    def place_choices(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for d in self.determinations:
            for p in places(d):
                seen.setdefault(p["key"], f"{p['name']}（{p['threshold']}条以上）")
        return list(seen.items())


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
