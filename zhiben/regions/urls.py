from django.urls import path

from . import views

urlpatterns = [path("picker/", views.picker, name="region-picker")]
