from django.contrib import admin

from .models import Department, Routing


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind", "active", "position")
    list_filter = ("kind", "active")
    search_fields = ("name", "aliases", "region__name", "region__code")
    autocomplete_fields = ()
    raw_id_fields = ("region", "township")
    filter_horizontal = ("sectors",)


@admin.register(Routing)
class RoutingAdmin(admin.ModelAdmin):
    list_display = ("region", "sector", "lead")
    list_filter = ("sector",)
    search_fields = ("region__name", "region__code")
    raw_id_fields = ("region", "lead")
    filter_horizontal = ("co",)
