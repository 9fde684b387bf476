"""The BigFix home page's card (the reports: reports.py)."""

from reports.bigfix import selectors


def home_card():
    """The context of this vendor's card on the home page."""
    return selectors.bigfix_home()
