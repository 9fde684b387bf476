"""Included under /lstat/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from dashboard.roles import viewer
from reports.lstat import views

urlpatterns = [
    viewer(path("", views.index, name="lstat")),
    viewer(path("features/<int:pk>/", views.feature, name="lstat_feature")),
    viewer(path("servers/<int:pk>/", views.server, name="lstat_server")),
    viewer(path("compare/", views.compare, name="lstat_compare")),
    viewer(path("users/", views.users, name="lstat_users")),
    viewer(path("highest/", views.highest, name="lstat_highest")),
]
