from django.urls import include, path

from dashboard.roles import admin, viewer
from ingest.vendors import VENDORS
from reports.alerts import views as alerts
from reports.subscriptions import views as subscriptions
from reports.views import entitlements, home, renewals

app_name = "reports"
# The reports of every vendor's things (the vendors' own are their registry records' `reports`).
SHARED_REPORTS = (home.Overview, renewals.Renewals)
urlpatterns = [
    *(viewer(report.urlpattern()) for report in SHARED_REPORTS),
    admin(path("seat-price/", home.seat_price, name="seat_price")),
    admin(path("entitlements/import/", entitlements.entitlement_import, name="import_entitlements")),
    admin(path("entitlements/<str:kind>/<path:key>/", entitlements.entitlement_edit, name="entitlement")),
    viewer(path("subscriptions/", subscriptions.subscription_list, name="subscriptions")),
    viewer(path("subscriptions/new/", subscriptions.subscription_new, name="subscription_new")),
    viewer(path("subscriptions/<int:pk>/", subscriptions.subscription_detail, name="subscription")),
    viewer(path("subscriptions/<int:pk>/send/", subscriptions.send_now, name="subscription_send")),
    admin(path("alerts/", alerts.alert_list, name="alerts")),
    admin(path("alerts/new/", alerts.alert_new, name="alert_new")),
    *(path(f"{vendor.kind}/", include(vendor.report_urls)) for vendor in VENDORS),
]
