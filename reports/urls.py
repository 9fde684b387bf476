from django.urls import path

from reports.views import home, mls

app_name = "reports"
urlpatterns = [
    path("", home.home, name="home"),
    path("mls/", mls.supervisor_list, name="mls_supervisors"),
    path("mls/<str:mac>/", mls.supervisor, name="mls_supervisor"),
]
