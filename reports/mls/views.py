"""The MLS pages that are no report: the list of supervisors, and the home page's card (reports: reports.py)."""

from django.shortcuts import render

from dashboard.tables import Column, Table
from reports.mls import selectors


def supervisor_list(request):
    supervisors = Table(
        [
            Column("macaddress", "Supervisor", link="reports:mls_supervisor", link_args=("macaddress",)),
            Column("source", "Source"),
            Column("first", "First day", format="Y-m-d"),
            Column("last", "Last day", format="Y-m-d"),
        ],
        selectors.mls_supervisors(),
        sortable=False,
    )
    return render(request, "reports/mls/supervisors.html", {"supervisors": supervisors})


def home_card():
    """The context of this vendor's card on the home page."""
    return {"supervisors": selectors.mls_supervisors()}
