"""The License Statistics pages that are no report: servers and features, and the home page's card (reports:
reports.py)."""

from django.shortcuts import render

from reports.lstat import selectors


def index(request):
    context = {"servers": selectors.lstat_servers(), "unplaced": selectors.lstat_unplaced_features()}
    return render(request, "reports/lstat/index.html", context)


def home_card():
    """The context of this vendor's card on the home page."""
    return {"servers": selectors.lstat_servers(features=False)}
