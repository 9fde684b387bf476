"""Whether the system Chromium is there to print PDFs (settings.CHROMIUM)."""

import os

from django.conf import settings


def pdf_available():
    """Whether Chromium is where settings.CHROMIUM says, so a PDF can be printed (the pages' link says so)."""
    chromium = settings.CHROMIUM
    return bool(chromium) and os.path.isfile(chromium) and os.access(chromium, os.X_OK)
