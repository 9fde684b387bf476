"""Included under /metering/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from dashboard.roles import viewer
from reports.metering import views

urlpatterns = [
    viewer(path("", views.overview, name="metering")),
    viewer(path("<str:tenant>/", views.tenant, name="metering_tenant")),
    viewer(path("<str:tenant>/<path:loc_id>/", views.location, name="metering_location")),
]
