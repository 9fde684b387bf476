"""Included under /lstat/ by reports/urls.py, in the reports namespace."""

from django.urls import path

from reports.lstat import views

urlpatterns = [
    path("", views.index, name="lstat"),
    path("features/<int:pk>/", views.feature, name="lstat_feature"),
    path("servers/<int:pk>/", views.server, name="lstat_server"),
    path("compare/", views.compare, name="lstat_compare"),
    path("users/", views.users, name="lstat_users"),
    path("highest/", views.highest, name="lstat_highest"),
]
