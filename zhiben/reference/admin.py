import re
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from zhiben.audit.services import event_append
from zhiben.common.admin import ReadOnlyAdmin

from .loader import CODE_RE, read_standards
from .models import CriteriaStandard, Criterion, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Only the high-risk flag is a local decision (FACTS §5); it survives every reload of the data."""

    list_display = ("key", "name", "group", "high_risk", "position")
    list_editable = ("high_risk",)
    readonly_fields = ("key", "name", "group", "position")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Sector, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            event_append(
                actor=request.user,
                subject_type="sector",
                subject_id=obj.key,
                kind="updated",
                payload={"high_risk": obj.high_risk, "via": "admin"},
            )


class LocalClauses(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Each clause code begins with the standard's key (``KEY-…``): codes never collide with the files'."""
        super().clean()
        key = self.instance.key
        for form in self.forms:
            code = str((getattr(form, "cleaned_data", None) or {}).get("code") or "")
            if code and not (CODE_RE.match(code) and code.startswith(f"{key}-")):
                form.add_error("code", f"条款编码须以“{key}-”开头，由大写字母、数字和连字符组成")
            if code and not (form.cleaned_data.get("sectors")):
                form.add_error("sectors", "请选择适用的行业领域")


class CriterionInline(admin.StackedInline):
    """A local standard's clauses, cited like national ones by hazards of the sectors chosen."""

    model = Criterion
    formset = LocalClauses
    extra = 1
    fields = ("code", "article", "part", "text", "sectors", "own_effective_from", "own_effective_to", "position")
    filter_horizontal = ("sectors",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # hazards cite clauses (PROTECT); a clause no longer used is marked withdrawn in the data


class LocalStandardForm(forms.ModelForm):
    class Meta:
        model = CriteriaStandard
        fields = ("key", "title", "number", "effective_from", "effective_to", "source", "note")

    def clean_key(self) -> str:
        key = str(self.cleaned_data["key"]).strip().upper()
        if not re.fullmatch(r"[A-Z0-9]+", key):
            raise forms.ValidationError("代码只能由大写字母和数字组成")
        if self.instance._state.adding and key in {doc["key"] for doc in read_standards()}:
            raise forms.ValidationError("该代码已被国家标准数据文件使用")
        return key

    def clean_source(self) -> str:
        source = str(self.cleaned_data.get("source") or "").strip()
        if not source:
            raise forms.ValidationError("请填写来源：发布机关、文件名称和文号或网址")
        return source

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("effective_from"), data.get("effective_to")
        if start is None:
            self.add_error("effective_from", "请填写施行日期")
        elif end is not None and end < start:
            self.add_error("effective_to", "废止日期不能早于施行日期")
        return data


@admin.register(CriteriaStandard)
class CriteriaStandardAdmin(admin.ModelAdmin):
    """National editions come from the data files (reference/data/criteria) and are read-only here; an admin
    enters local or provincial criteria (地方标准) with their source, dates, sectors and clauses."""

    list_display = ("key", "title", "number", "effective_from", "effective_to", "local")
    list_filter = ("local",)
    form = LocalStandardForm
    inlines = (CriterionInline,)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or obj.local)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("key",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: CriteriaStandard, form: Any, change: bool) -> None:
        obj.local = True
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            event_append(
                actor=request.user,
                subject_type="criteria_standard",
                subject_id=obj.key,
                kind="updated" if change else "created",
                payload={
                    "title": obj.title,
                    "number": obj.number,
                    "effective_from": obj.effective_from,
                    "effective_to": obj.effective_to,
                    "source": obj.source,
                    "via": "admin",
                },
            )


class ReadOnlyCatalogue(ReadOnlyAdmin):
    """The national catalogue is data files in the repository (reference/data/criteria): edit those, not rows."""


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyCatalogue):
    list_display = ("code", "standard", "article", "part", "text", "kind", "all_sectors", "withdrawn")
    list_filter = ("standard", "kind", "all_sectors", "withdrawn", "sectors")
    search_fields = ("code", "text", "article")
