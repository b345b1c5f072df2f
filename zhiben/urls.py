"""URL configuration."""

from django.contrib import admin
from django.urls import include, path

from zhiben.api import api
from zhiben.duties import urls as duty_urls

admin.site.site_header = "治本 · 安全生产治本攻坚管理"
admin.site.site_title = "治本管理"
admin.site.index_title = "系统管理"

handler400 = "zhiben.common.views.bad_request"
handler404 = "zhiben.common.views.not_found"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("zhiben.accounts.urls")),
    path("regions/", include("zhiben.regions.urls")),
    path("criteria/", include("zhiben.reference.urls")),
    path("enterprises/", include("zhiben.enterprises.urls")),
    path("hazards/", include("zhiben.hazards.urls")),
    path("notifications/", include("zhiben.notifications.urls")),
    path("imports/", include("zhiben.imports.urls")),
    path("accidents/", include("zhiben.accidents.urls")),
    path("tips/", include("zhiben.tips.urls")),
    path("filings/", include("zhiben.filings.urls")),
    path("plans/", include("zhiben.plans.urls")),
    path("departments/", include("zhiben.departments.urls")),
    path("documents/", include("zhiben.documents.urls")),
    path("inspections/", include("zhiben.inspections.urls")),
    path("risks/", include("zhiben.risks.urls")),
    path("duty-lists/", include(duty_urls.lists)),
    path("pressures/", include(duty_urls.pressures)),
    path("", include("zhiben.web.urls")),
    path("", include("zhiben.common.urls")),
]
