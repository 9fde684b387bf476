import pytest

from ingest.vendors.lstat.models import LstatSession


@pytest.fixture
def staff(db, django_user_model, client):
    """A logged-in admin (staff, not superuser)."""
    user = django_user_model.objects.create_user("boss", password="boss-pass-12345", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def session(lstat_fetched):
    """A session of the latest users snapshot: its user and host are real names."""
    return LstatSession.objects.exclude(host="").order_by("-snapshot__taken_at", "user").first()
