from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.http import HttpRequest

from zhiben.audit.services import event_append

from .models import ApiToken, Role, User


class ScopeRulesMixin:
    """The scope rules of ``user_create``, for users made or edited in the admin."""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        role = data.get("role")
        if role in (Role.OFFICER, Role.TIP_HANDLER) and not data.get("region"):
            self.add_error("region", "监管人员必须指定辖区")  # type: ignore[attr-defined]
        if role == Role.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", "企业用户必须关联企业")  # type: ignore[attr-defined]
        if role != Role.ENTERPRISE and data.get("enterprise"):
            self.add_error("enterprise", "只有企业用户才能关联企业")  # type: ignore[attr-defined]
        return data


class UserAdminForm(ScopeRulesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User


class UserAdminCreationForm(ScopeRulesMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminForm
    add_form = UserAdminCreationForm
    list_display = ("username", "full_name", "role", "region", "department", "enterprise", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "phone")
    autocomplete_fields = ("region", "enterprise")
    filter_horizontal = ("sectors", "groups", "user_permissions")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("角色与范围", {"fields": ("role", "full_name", "phone", "region", "department", "sectors", "enterprise")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("角色与范围", {"fields": ("role", "full_name", "region", "department", "sectors", "enterprise")}),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The admin role is the committee office: it manages the system, so it gets the admin site.
        if obj.role == Role.ADMIN:
            obj.is_staff = obj.is_superuser = True
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = sorted(form.changed_data) if change else []
            event_append(
                actor=request.user,
                subject_type="user",
                subject_id=str(obj.pk),
                kind="updated" if change else "created",
                payload={
                    "username": obj.username,
                    "role": obj.role,
                    "region": obj.region_id,
                    "changed": [f for f in changed if "password" not in f],
                    "via": "admin",
                },
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("user", "digest", "created_at", "last_used_at")
    search_fields = ("user__username",)
