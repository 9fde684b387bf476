"""Included under /mls/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from reports.mls import views

urlpatterns = [
    path("", views.supervisor_list, name="mls_supervisors"),
    path("<str:mac>/", views.supervisor, name="mls_supervisor"),
]
