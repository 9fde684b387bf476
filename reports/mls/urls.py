"""Included under /mls/ by reports/urls.py, in the reports namespace: its pages, then its registry's reports."""

from django.urls import path

from dashboard.roles import viewer
from ingest.vendors import vendor
from reports.mls import views

urlpatterns = [
    viewer(path("", views.supervisor_list, name="mls_supervisors")),
    *(viewer(report.urlpattern()) for report in vendor("mls").report_classes()),
]
