"""Signals other apps listen to, so that ingest never imports them (reports' alerts listen to fetches)."""

from django.dispatch import Signal

# Sent after every fetch run is recorded, whatever its status: sender=Source, source=..., run=...
fetch_finished = Signal()

# Sent inside the transaction of each page that stored rows, after its data version is bumped and before it
# commits: sender=Source, source=..., spans=[(first, last, keys), ...], the UTC instants of the earliest and latest
# row the connector said it stored (`Page.touched`; none for rows nothing is derived from) and the keys of the
# things they belong to (None: any). Reports keep what they derive from the rows (the overview's day summaries)
# in step with them, in the same transaction, so what is derived never differs from what is committed.
page_stored = Signal()


def editable_rows():
    """Vendor rows an admin may edit or delete, as each vendor declares them (`Vendor.editable_models`).

    Such an edit changes what the source's reports show, as a fetch does. Raw rows are read-only and change
    only through fetches, whose pages bump the version themselves (ingest/vendors/base.py); they get no
    receiver, since Django loads every row of a model with delete receivers into memory to delete a source.
    """
    from ingest.vendors import VENDORS

    return [label for vendor in VENDORS for label in vendor.editable_models]


def _edited(sender, instance, **kwargs):
    from ingest.models import Source

    Source.data_changed(instance.source_id)


def connect_edits():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for label in editable_rows():
        model = apps.get_model(label)
        post_save.connect(_edited, sender=model, dispatch_uid=f"data edited {label}")
        post_delete.connect(_edited, sender=model, dispatch_uid=f"data deleted {label}")
