from django.shortcuts import render

from ingest.selectors import source_statuses
from reports.selectors import bigfix, lstat, metering, mls

# One card per vendor on the overview: (template, function returning its context).
HOME_CARDS = [
    ("reports/mls/home_card.html", lambda: {"supervisors": mls.mls_supervisors()}),
    ("reports/bigfix/home_card.html", bigfix.bigfix_home),
    ("reports/metering/home_card.html", lambda: {"tenants": metering.metering_tenants()}),
    ("reports/lstat/home_card.html", lambda: {"servers": lstat.lstat_servers()}),
]


def home(request):
    cards = [(template, context()) for template, context in HOME_CARDS]
    return render(request, "reports/home.html", {"statuses": source_statuses(), "cards": cards})
