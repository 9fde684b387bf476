"""Included under /bigfix/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from reports.bigfix import views

urlpatterns = [
    path("", views.overview, name="bigfix"),
    path("<int:source_id>/products/<int:product_id>/", views.product, name="bigfix_product"),
    path("<int:source_id>/systems/<int:system_id>/", views.system, name="bigfix_system"),
]
