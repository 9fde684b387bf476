from django.urls import path

from dashboard.roles import viewer
from ingest.vendors import vendor
from tests.tally import views

urlpatterns = [
    viewer(path("", views.counters, name="tally")),
    *(viewer(report.urlpattern()) for report in vendor("tally").report_classes()),
]
