from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:notification_id>/", views.notification_open, name="notification-open"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
]
