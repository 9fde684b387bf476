"""Pages: limit/offset or page/page_size, with the count and absolute next/previous links."""

import pytest

from tests.conftest import MAC_A

pytestmark = pytest.mark.django_db

URL = f"/api/v1/reports/mls/supervisors/{MAC_A}"
HOURS = {"start": "2026-03-02", "end": "2026-03-04", "granularity": "hour"}


@pytest.fixture
def all_rows(api, all_fetched):
    page = api.json(URL, {**HOURS, "limit": 1000})
    assert page["count"] == len(page["results"]) > 20
    return page["results"]


def test_next_links_walk_every_row_exactly_once(api, all_rows):
    assert api.walk(URL, {**HOURS, "limit": 7}) == all_rows


def test_pages_by_number_walk_every_row_exactly_once(api, all_rows):
    assert api.walk(URL, {**HOURS, "page_size": 10}) == all_rows
    assert api.json(URL, {**HOURS, "page": 2, "page_size": 10})["results"] == all_rows[10:20]


def test_links_are_absolute_and_keep_the_query(api, all_rows):
    page = api.json(URL, {**HOURS, "limit": 5, "offset": 5})

    assert page["count"] == len(all_rows)
    assert page["next"].startswith("http://testserver/api/v1/") and "granularity=hour" in page["next"]
    assert api.json(page["previous"])["results"] == all_rows[:5]
    assert api.json(page["next"])["results"] == all_rows[10:15]


def test_the_first_page_has_no_previous_and_the_last_no_next(api, all_rows):
    first = api.json(URL, {**HOURS, "limit": 5})
    last = api.json(URL, {**HOURS, "limit": 5, "offset": len(all_rows) - 5})

    assert first["previous"] is None and first["next"]
    assert last["next"] is None and last["previous"]


def test_an_offset_past_the_end_is_an_empty_page(api, all_rows):
    page = api.json(URL, {**HOURS, "offset": len(all_rows) + 10})

    assert page["results"] == [] and page["count"] == len(all_rows) and page["next"] is None


@pytest.mark.parametrize(
    "query, parameter",
    [({"limit": "0"}, "limit"), ({"limit": "100000"}, "limit"), ({"offset": "-1"}, "offset"),
     ({"limit": "ten"}, "limit"), ({"page": "0"}, "page"), ({"page_size": "1.5"}, "page_size")],
)  # fmt: skip
def test_a_bad_page_parameter_is_a_400_naming_it(api, all_fetched, query, parameter):
    response = api.get(URL, query)

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
