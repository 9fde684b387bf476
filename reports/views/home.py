from django.shortcuts import render
from django.utils.module_loading import import_string

from ingest.selectors import source_statuses
from ingest.tables import status_table
from ingest.vendors import VENDORS


def home(request):
    cards = []
    for vendor in VENDORS:
        template, context = vendor.home_card
        cards.append((template, import_string(context)()))
    return render(request, "reports/home.html", {"statuses": status_table(source_statuses()), "cards": cards})
