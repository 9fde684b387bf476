from django.urls import path

from ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.source_list, name="sources"),
    path("<int:pk>/", views.source_detail, name="source"),
    path("<int:pk>/fetch/", views.fetch_now, name="fetch"),
]
