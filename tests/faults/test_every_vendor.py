"""Every vendor of the registry (tests/<kind>/truth.py's Truth), with no edit here for a new one: a clean fetch
stores its simulator's ground truth, and a passing fault on its first request is retried and changes nothing."""

import pytest

from ingest.simulators.faults import status
from ingest.vendors import VENDORS
from tests.faults.truth import fault_then_clean_run, truth_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [vendor.kind for vendor in VENDORS])
def test_a_clean_fetch_stores_the_ground_truth_and_a_second_adds_nothing(sim, kind, request):
    source, truth = fetchable(request, kind)

    fault_then_clean_run(sim, source)  # each row counted new once over both runs, where a run counts only rows

    assert truth.stored(source) == truth.ground_truth(sim)


@pytest.mark.parametrize("kind", [vendor.kind for vendor in VENDORS])
def test_a_503_on_the_first_request_is_retried(sim, kind, request):
    source, _truth = fetchable(request, kind)

    fault_then_clean_run(sim, source, f"/{kind}/", status(503))  # the faulted run succeeds, storing the truth


def fetchable(request, kind):
    """The vendor's test source and its Truth, our clock at the simulators' end where its Truth asks for it."""
    truth = truth_of(kind)
    if getattr(truth, "at_simulators_end", False):
        request.getfixturevalue("lstat_clock")
    return request.getfixturevalue(f"{kind}_source"), truth
