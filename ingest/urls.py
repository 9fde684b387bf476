from django.urls import path

from dashboard.roles import admin, viewer
from ingest import views

app_name = "ingest"
urlpatterns = [
    viewer(path("", views.source_list, name="sources")),
    admin(path("<int:pk>/", views.source_detail, name="source")),
    admin(path("<int:pk>/fetch/", views.fetch_now, name="fetch")),
]
