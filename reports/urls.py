from django.urls import include, path

from ingest.vendors import VENDORS
from reports.alerts import views as alerts
from reports.subscriptions import views as subscriptions
from reports.views import home

app_name = "reports"
urlpatterns = [
    path("", home.home, name="home"),
    path("seat-price/", home.seat_price, name="seat_price"),
    path("subscriptions/", subscriptions.subscription_list, name="subscriptions"),
    path("subscriptions/new/", subscriptions.subscription_new, name="subscription_new"),
    path("subscriptions/<int:pk>/", subscriptions.subscription_detail, name="subscription"),
    path("subscriptions/<int:pk>/send/", subscriptions.send_now, name="subscription_send"),
    path("alerts/", alerts.alert_list, name="alerts"),
    *(path(f"{vendor.kind}/", include(vendor.report_urls)) for vendor in VENDORS),
]
