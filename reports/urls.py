from django.urls import include, path

from ingest.vendors import VENDORS
from reports.views import home

app_name = "reports"
urlpatterns = [
    path("", home.home, name="home"),
    *(path(f"{vendor.kind}/", include(vendor.report_urls)) for vendor in VENDORS),
]
