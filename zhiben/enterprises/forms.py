"""Page forms for the register. They only shape the input; the service validates its meaning, so
pages, API and imports share one set of rules."""

from __future__ import annotations

from typing import Any

from django import forms

from zhiben.common.inputs import DayField
from zhiben.reference.models import Sector

from .models import OperatingStatus, RiskLevel, Scale, StandardisationGrade, SupervisionClass

BLANK = [("", "—")]


class EnterpriseForm(forms.Form):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30, help_text="18位，登记后不可修改")
    name = forms.CharField(label="单位名称", max_length=200)
    region = forms.CharField(label="所在区划", max_length=12, widget=forms.HiddenInput, required=False)
    sector = forms.ChoiceField(label="行业领域")
    industry_code = forms.CharField(label="国民经济行业代码", max_length=8, required=False, help_text="如 C3011")
    address = forms.CharField(label="地址", max_length=200, required=False)
    high_risk = forms.ChoiceField(
        label="高危行业", choices=[("", "按行业领域自动判断"), ("1", "是"), ("0", "否")], required=False
    )
    scale = forms.ChoiceField(label="企业规模", choices=BLANK + Scale.choices, required=False)
    above_scale = forms.BooleanField(label="规模以上", required=False)
    employees = forms.IntegerField(label="从业人数", min_value=0, max_value=2_000_000, required=False)
    risk_level = forms.ChoiceField(label="安全风险等级", choices=BLANK + RiskLevel.choices, required=False)
    supervision_class = forms.ChoiceField(label="监管分类", choices=BLANK + SupervisionClass.choices, required=False)
    standardisation_grade = forms.ChoiceField(
        label="安全生产标准化等级", choices=BLANK + StandardisationGrade.choices, required=False
    )
    standardisation_valid_until = DayField(
        label="标准化有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    insured = forms.BooleanField(label="投保安责险", required=False)
    insurance_valid_until = DayField(
        label="安责险有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    principal = forms.CharField(label="主要负责人", max_length=60, required=False)
    principal_phone = forms.CharField(label="主要负责人电话", max_length=32, required=False)
    actual_controller = forms.CharField(label="实际控制人", max_length=60, required=False)
    safety_contact = forms.CharField(label="安全管理联系人", max_length=60, required=False)
    safety_phone = forms.CharField(label="安全管理联系电话", max_length=32, required=False)
    status = forms.ChoiceField(label="经营状态", choices=OperatingStatus.choices, initial=OperatingStatus.OPERATING)
    longitude = forms.DecimalField(label="经度", max_digits=9, decimal_places=6, required=False)
    latitude = forms.DecimalField(label="纬度", max_digits=8, decimal_places=6, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector_field = self.fields["sector"]
        assert isinstance(sector_field, forms.ChoiceField)
        sector_field.choices = BLANK + [(s.key, s.name) for s in Sector.objects.all()]
        if editing:
            self.fields["credit_code"].disabled = True
            self.fields["credit_code"].required = False
        for name, field in self.fields.items():
            if name in ("credit_code", "industry_code"):
                field.widget.attrs.setdefault("autocapitalize", "characters")
            if name.endswith("phone"):
                field.widget.attrs.setdefault("inputmode", "tel")

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as the service takes them."""
        data = dict(self.cleaned_data)
        if self.fields["credit_code"].disabled:
            data.pop("credit_code", None)
        high_risk = data.pop("high_risk", "")
        if high_risk in ("0", "1"):
            data["high_risk"] = high_risk == "1"
        return data
