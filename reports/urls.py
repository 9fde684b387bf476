from django.urls import path

from reports.views import bigfix, home, lstat, metering, mls

app_name = "reports"
urlpatterns = [
    path("", home.home, name="home"),
    path("mls/", mls.supervisor_list, name="mls_supervisors"),
    path("mls/<str:mac>/", mls.supervisor, name="mls_supervisor"),
    path("bigfix/", bigfix.overview, name="bigfix"),
    path("bigfix/<int:source_id>/products/<int:title_id>/", bigfix.product, name="bigfix_product"),
    path("bigfix/<int:source_id>/systems/<int:system_id>/", bigfix.system, name="bigfix_system"),
    path("metering/", metering.overview, name="metering"),
    path("metering/<str:tenant>/", metering.tenant, name="metering_tenant"),
    path("metering/<str:tenant>/<path:loc_id>/", metering.location, name="metering_location"),
    path("lstat/", lstat.index, name="lstat"),
    path("lstat/features/<int:pk>/", lstat.feature, name="lstat_feature"),
    path("lstat/servers/<int:pk>/", lstat.server, name="lstat_server"),
    path("lstat/compare/", lstat.compare, name="lstat_compare"),
    path("lstat/users/", lstat.users, name="lstat_users"),
    path("lstat/highest/", lstat.highest, name="lstat_highest"),
]
