from ingest.vendors import VENDORS


def vendors(request):
    """The vendor registry, for the navigation of every page."""
    return {"vendors": VENDORS}
