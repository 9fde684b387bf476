"""Included under /metering/ by reports/urls.py, in the reports namespace: its registry's reports."""

from dashboard.roles import viewer
from ingest.vendors import vendor

urlpatterns = [viewer(report.urlpattern()) for report in vendor("metering").report_classes()]
