from django.shortcuts import render

from ingest.selectors import source_statuses
from reports import selectors


def home(request):
    return render(
        request,
        "reports/home.html",
        {"statuses": source_statuses(), "supervisors": selectors.mls_supervisors()},
    )
