from django.utils import timezone

from ingest.vendors import VENDORS


def vendors(request):
    """The vendor registry, for the navigation of every page."""
    return {"vendors": VENDORS}


def display_zone(request):
    """The zone every time on the page is shown in, said once per page (the footer of base.html)."""
    now = timezone.localtime()
    offset = now.strftime("%z")
    return {"display_zone": f"{timezone.get_current_timezone_name()} (UTC{offset[:3]}:{offset[3:]})"}
