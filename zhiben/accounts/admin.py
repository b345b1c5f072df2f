from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Role, User


class UserAdminForm(forms.ModelForm):
    """Enforces the same scope rules as ``user_create`` for users made or edited in the admin."""

    class Meta:
        model = User
        fields = (
            "username",
            "role",
            "full_name",
            "phone",
            "region",
            "sectors",
            "enterprise",
            "is_active",
            "is_staff",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role in (Role.OFFICER, Role.TIP_HANDLER) and not data.get("region"):
            self.add_error("region", "监管人员必须指定辖区")
        if role == Role.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", "企业用户必须关联企业")
        if role != Role.ENTERPRISE and data.get("enterprise"):
            self.add_error("enterprise", "只有企业用户才能关联企业")
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    list_display = ("username", "full_name", "role", "region", "enterprise", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "phone")
    autocomplete_fields = ("region", "enterprise")
    filter_horizontal = ("sectors", "groups", "user_permissions")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("角色与范围", {"fields": ("role", "full_name", "phone", "region", "sectors", "enterprise")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("角色与范围", {"fields": ("role", "full_name", "region", "sectors", "enterprise")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("user", "digest", "created_at", "last_used_at")
    search_fields = ("user__username",)
