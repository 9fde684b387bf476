from django.urls import path

from dashboard.privacy import views
from dashboard.roles import admin

app_name = "privacy"
urlpatterns = [admin(path("", views.audit_log, name="audit_log"))]
