"""Included under /mls/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from dashboard.roles import viewer
from reports.mls import views

urlpatterns = [
    viewer(path("", views.supervisor_list, name="mls_supervisors")),
    viewer(path("<str:mac>/", views.supervisor, name="mls_supervisor")),
]
