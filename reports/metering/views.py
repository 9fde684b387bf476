"""The Metering home page's card (the reports: reports.py)."""

from reports.metering import selectors


def home_card():
    """The context of this vendor's card on the home page."""
    return {"tenants": selectors.metering_tenants()}
