"""Random query strings on every API route (the report fuzz test's values, and the paging parameters): a 400
naming the parameter at worst, never a 500, and always JSON."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_routes import urls  # noqa: F401  (one URL per API route, the fixture)
from tests.test_report_params_fuzz import PARAMS, queries, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlimited(settings):
    settings.API_RATE_LIMIT = "100000/second"


paging = st.dictionaries(st.sampled_from(["limit", "offset", "page", "page_size"]), values, max_size=2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_query_strings_never_get_a_500(api, urls, unlimited, data):  # noqa: F811
    url = data.draw(st.sampled_from(sorted(urls)), label="url").split("?")[0]
    query = {**data.draw(queries, label="query"), **data.draw(paging, label="paging")}

    response = api.get(url, query)

    assert response.status_code in (200, 400, 403, 404), (url, query, response.content[:300])
    body = response.json()
    if response.status_code == 400:
        assert body["error"] and body.get("parameter") in (*PARAMS, "limit", "offset", "page", "page_size", None)
