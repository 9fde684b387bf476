from django.shortcuts import render

from tests.tally import selectors


def counters(request):
    return render(request, "reports/tally/counters.html", {"counters": selectors.tally_counters()})


def home_card():
    return {"counters": selectors.tally_counters()}
