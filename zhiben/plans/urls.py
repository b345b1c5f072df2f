from django.urls import path

from . import views

urlpatterns = [
    path("", views.plan_list_view, name="plan-list"),
    path("import/", views.plan_import_view, name="plan-import"),
    path("board/", views.plan_board_view, name="plan-board"),
    path("<int:plan_id>/", views.plan_detail_view, name="plan-detail"),
    path("tasks/<int:task_id>/", views.task_detail_view, name="task-detail"),
]
