from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="tip-queue"),
    path("report/", views.report, name="tip-report"),
    path("report/receipt/", views.receipt, name="tip-receipt"),
    path("check/", views.check, name="tip-check"),
    path("<int:tip_id>/", views.detail, name="tip-detail"),
    path("<int:tip_id>/reporter/", views.reporter, name="tip-reporter"),
    path("<int:tip_id>/attachments/<int:attachment_id>/", views.attachment, name="tip-attachment"),
    path("<int:tip_id>/<str:action>/", views.act, name="tip-act"),
]
