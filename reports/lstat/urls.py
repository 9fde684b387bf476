"""Included under /lstat/ by reports/urls.py, in the reports namespace: its pages, then its registry's reports."""

from django.urls import path

from dashboard.roles import viewer
from ingest.vendors import vendor
from reports.lstat import views

urlpatterns = [
    viewer(path("", views.index, name="lstat")),
    *(viewer(report.urlpattern()) for report in vendor("lstat").report_classes()),
]
