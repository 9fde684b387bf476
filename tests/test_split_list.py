"""split_list: the comma-separated list parameters of the connectors."""

import pytest

from ingest.vendors.params import split_list


@pytest.mark.parametrize(
    "value, items",
    [
        ("acme, globex,,acme ", ["acme", "globex"]),
        (["acme", " globex", "", "acme"], ["acme", "globex"]),
        ("", []),
        (None, []),
    ],
)
def test_split_list_gives_the_stripped_distinct_non_empty_items(value, items):
    assert split_list(value) == items
