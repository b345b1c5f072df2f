from django.contrib import admin

from .models import CriteriaStandard, Criterion, Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "group", "high_risk", "position")
    list_editable = ("high_risk",)
    readonly_fields = ("key",)


@admin.register(CriteriaStandard)
class CriteriaStandardAdmin(admin.ModelAdmin):
    list_display = ("key", "title", "number", "effective")


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ("code", "standard", "article", "part", "text", "all_sectors", "withdrawn")
    list_filter = ("standard", "all_sectors", "withdrawn", "sectors")
    search_fields = ("code", "text", "article")
    filter_horizontal = ("sectors",)
