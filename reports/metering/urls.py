"""Included under /metering/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from reports.metering import views

urlpatterns = [
    path("", views.overview, name="metering"),
    path("<str:tenant>/", views.tenant, name="metering_tenant"),
    path("<str:tenant>/<path:loc_id>/", views.location, name="metering_location"),
]
