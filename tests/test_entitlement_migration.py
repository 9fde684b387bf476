"""Entitlements replace seat prices: the migration keeps every stored price (and going back keeps them too)."""

from decimal import Decimal

import pytest

from tests.migrations import migrate, migrate_to_latest

BEFORE = [("reports", "0006_subscription_name_per_owner")]
AFTER = [("reports", "0007_entitlement")]
PRICES = [
    ("mls", "00:1A:2B:3C:4D:5E", "Supervisor 00:1A:2B:3C:4D:5E", Decimal("1000.00")),
    ("lstat", "3:11", "MATLAB R2024b (flexlm-eng)", Decimal("2150.50")),
    ("bigfix", "1:77:PVU_SUBCAPACITY", "", Decimal("0.00")),
]


@pytest.mark.django_db(transaction=True)
def test_every_seat_price_becomes_an_entitlement_with_that_price_and_nothing_else_entered():
    try:
        old = migrate(BEFORE)
        SeatPrice = old.get_model("reports", "SeatPrice")
        for kind, key, label, price in PRICES:
            SeatPrice.objects.create(kind=kind, key=key, label=label, price_per_year=price)

        new = migrate(AFTER)

        rows = new.get_model("reports", "Entitlement").objects.order_by("pk")
        assert [(e.kind, e.key, e.label, e.price_per_year) for e in rows] == PRICES
        assert {(e.owned, e.unit, e.metered_rate, e.renews_on, e.reference, e.notes) for e in rows} == {
            (None, "", None, None, "", "")
        }

        back = migrate(BEFORE)
        restored = back.get_model("reports", "SeatPrice").objects.order_by("pk")
        assert [(p.kind, p.key, p.label, p.price_per_year) for p in restored] == PRICES
    finally:
        migrate_to_latest()
