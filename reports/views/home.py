from django.shortcuts import render
from django.utils.module_loading import import_string

from ingest.selectors import source_statuses
from ingest.vendors import VENDORS


def home(request):
    cards = []
    for vendor in VENDORS:
        template, context = vendor.home_card
        cards.append((template, import_string(context)()))
    return render(request, "reports/home.html", {"statuses": source_statuses(), "cards": cards})
