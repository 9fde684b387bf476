from django.urls import path

from reports.views import home, metering, mls

app_name = "reports"
urlpatterns = [
    path("", home.home, name="home"),
    path("mls/", mls.supervisor_list, name="mls_supervisors"),
    path("mls/<str:mac>/", mls.supervisor, name="mls_supervisor"),
    path("metering/", metering.overview, name="metering"),
    path("metering/<str:tenant>/", metering.tenant, name="metering_tenant"),
    path("metering/<str:tenant>/<path:loc_id>/", metering.location, name="metering_location"),
]
