from django.urls import path

from . import views

urlpatterns = [
    path("<slug:segment>/<int:subject_id>/<slug:kind>/", views.document_view, name="document"),
]
