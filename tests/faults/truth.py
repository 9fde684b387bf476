"""What each simulator holds (its ground truth) and what a source stored, in the same shape, per vendor.

Each vendor's `Truth` lives in its tests' folder (`tests/<kind>/truth.py`) and is read for every vendor of the
registry (`truth_of(kind)`, `every_truth()`): it has `ground_truth(sim)`, `stored(source)`,
`committed(sim, source, truth, stored)` and `rows(truth)` (None where a run counts more than the truth's rows):
the ground truth the database must equal after a clean run, what it holds, and a check that, whatever a failed run
left, nothing stored is wrong or doubled and no cursor is past the rows it stands for. `killed_between_pages`
names the simulator's handler each page's request reaches, where a fetch killed between pages is tested
(tests/faults/test_killed_fetches.py; MLS's crashed fetches have their own tests); `at_simulators_end` asks for
our clock at the simulators' end (tests.conftest's `lstat_clock`) while it fetches.
"""

from django.utils.module_loading import import_string

from ingest.models import Cursor, IngestRun
from ingest.services import run_fetch
from ingest.vendors import VENDORS


def cursors(source):
    return dict(Cursor.objects.filter(source=source).values_list("key", "value"))


def row_count(truth):
    """`rows(truth)` of a Truth whose ground truth is its rows."""
    return len(truth)


def first_row_count(truth):
    """`rows(truth)` of a Truth whose ground truth is (its rows, what they make)."""
    return len(truth[0])


def truth_of(kind):
    """The Truth of vendor `kind`: tests/<kind>/truth.py's."""
    return import_string(f"tests.{kind}.truth.Truth")


def every_truth():
    """{kind: Truth} of every vendor of the registry."""
    return {vendor.kind: truth_of(vendor.kind) for vendor in VENDORS}


def fault_then_clean_run(sim, source, path=None, fault=None, *, after=0, times=1, fails_with=None):
    """Inject `fault` (unless the test arranged its own), fetch, then fetch again without it; return both runs.

    The faulted run succeeds (the fault was retried or cured), or fails with `fails_with` in its error; either
    way it stores nothing wrong or doubled and no cursor passes its rows. After the clean run the database
    equals the ground truth, and each row was counted new exactly once over the two runs.
    """
    vendor = truth_of(source.kind)
    truth = vendor.ground_truth(sim)
    if fault is not None:
        sim.inject(path, fault, after=after, times=times)
    faulted = run_fetch(source)
    stored = vendor.stored(source)
    if fails_with is None:
        assert faulted.status == IngestRun.Status.SUCCEEDED, faulted.error
        assert stored == truth
    else:
        assert faulted.status == IngestRun.Status.FAILED, "the fault did not fail the run"
        assert fails_with in faulted.error
        assert faulted.cursor_after == cursors(source)
    vendor.committed(sim, source, truth, stored)
    sim.faults.clear()
    clean = run_fetch(source)
    assert clean.status == IngestRun.Status.SUCCEEDED, clean.error
    stored = vendor.stored(source)
    assert stored == truth
    vendor.committed(sim, source, truth, stored)
    if vendor.rows is not None:  # each row counted new once, over both runs
        assert faulted.records_created + clean.records_created == vendor.rows(truth)
    return faulted, clean
