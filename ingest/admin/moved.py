"""The admin's old addresses of the vendors' models, from when they were ingest's (ingest/vendors/moved.py).

/admin/ingest/<model>/... of a model now in its vendor's app answers a permanent redirect to
/admin/<kind>/<model>/..., query string kept, so bookmarks and links in old emails keep working.
"""

from django.apps import apps
from django.http import HttpResponsePermanentRedirect
from django.urls import re_path

from ingest.vendors import VENDORS


def moved_models():
    """{model name: its vendor's app label} of every vendor's model."""
    return {
        model._meta.model_name: model._meta.app_label
        for vendor in VENDORS
        for model in apps.get_app_config(vendor.kind).get_models()
    }


def moved(request, model):
    old = f"/admin/ingest/{model}/"
    return HttpResponsePermanentRedirect(
        request.get_full_path().replace(old, f"/admin/{moved_models()[model]}/{model}/", 1)
    )


def urlpatterns():
    """The patterns under admin/ingest/ (of the vendors' models only: ingest's own pages stay the admin's)."""
    names = "|".join(sorted(moved_models()))
    return [re_path(rf"^(?P<model>{names})/", moved)]
