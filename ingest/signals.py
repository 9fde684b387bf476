"""Signals other apps listen to, so that ingest never imports them (reports' alerts listen to fetches)."""

from django.dispatch import Signal

# Sent after every fetch run is recorded, whatever its status: sender=Source, source=..., run=...
fetch_finished = Signal()
