"""Included under /bigfix/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from dashboard.roles import viewer
from reports.bigfix import views

urlpatterns = [
    viewer(path("", views.overview, name="bigfix")),
    viewer(path("<int:source_id>/products/<int:product_id>/", views.product, name="bigfix_product")),
    viewer(path("<int:source_id>/systems/<int:system_id>/", views.system, name="bigfix_system")),
]
