"""Reading License Statistics' fields: every documented `lud` form, and clear errors for anything else."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.errors import PayloadError
from ingest.vendors.lstat.parsing import (
    _usage_row,
    feature_rows,
    parse_current_usage,
    parse_lud,
    server_rows,
    usage_rows,
)
from ingest.vendors.lstat.storage import separate_repeated_hours
from ingest.vendors.parsing import records

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("lud", "granularity", "start"),
    [
        ("2026-03-04 13:00", "hour", datetime(2026, 3, 4, 13)),
        ("2026-03-04 13:00:00", "hour", datetime(2026, 3, 4, 13)),
        ("2026-03-04", "day", datetime(2026, 3, 4)),
        ("2026-03-02 - 2026-03-08", "week", datetime(2026, 3, 2)),
        ("2026-03-04 - 2026-03-08", "week", datetime(2026, 3, 4)),  # a week cut by the report's start date
        ("2026-03", "month", datetime(2026, 3, 1)),
        ("2026-Q1", "quarter", datetime(2026, 1, 1)),
        ("2026-Q4", "quarter", datetime(2026, 10, 1)),
    ],
)
def test_it_parses_every_documented_lud_form(lud, granularity, start):
    assert parse_lud(lud, UTC) == (granularity, start.replace(tzinfo=UTC))


def test_it_reads_lud_in_the_given_zone():
    _granularity, start = parse_lud("2026-07-01 10:00", BERLIN)
    assert start.astimezone(UTC) == datetime(2026, 7, 1, 8, tzinfo=UTC)  # summer time: UTC+2


@pytest.mark.parametrize(
    "lud",
    [
        "2026/03/04",
        "04.03.2026",
        "2026-Q5",
        "2026-13",
        "2026-02-30",
        "2026-03-04T13:00",
        "2026-03-02 - 2026-03-20",
        "",
        20260304,
    ],
)
def test_it_rejects_any_other_lud_with_a_clear_error(lud):
    with pytest.raises(ValueError, match="lud"):
        parse_lud(lud, UTC)


ROW = {
    "fid": 11,
    "lud": "2026-03-04",
    "lumin": 1,
    "lua": 2.5,
    "lumax": 4,
    "lbmin": 0,
    "lbmax": 1,
    "ldtc": 0,
    "hu": 60.0,
    "ft": 20,
}


def test_a_usage_row_is_read_under_readable_names():
    (row,) = usage_rows([ROW], "usage history", UTC, "day")

    assert row == {
        "fid": 11, "period_start": datetime(2026, 3, 4, tzinfo=UTC), "period_label": "2026-03-04",
        "used_min": 1, "used_avg": 2.5, "used_max": 4, "borrowed_min": 0, "borrowed_max": 1, "denials": 0,
        "hours_used": 60.0, "total_seats": 20, "feature_name": None, "feature_version": None, "feature_type": None,
    }  # fmt: skip


def test_a_usage_row_of_the_wrong_granularity_is_refused():
    with pytest.raises(PayloadError, match=r"row 0 \(fid 11\): lud '2026-03-04' is a day, but hour rows were asked"):
        usage_rows([ROW], "usage history", UTC, "hour")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lumax": "four"}, "'lumax' is 'four', not a whole number"),
        ({"lua": None}, "'lua' is null"),
        ({"lud": "yesterday"}, "lud 'yesterday' is none of the forms"),
    ],
)
def test_a_malformed_usage_row_names_its_field(change, message):
    with pytest.raises(PayloadError, match=message):
        usage_rows([ROW, {**ROW, **change}], "usage history", UTC, "day")


def test_a_usage_row_without_a_field_names_it():
    row = dict(ROW)
    del row["ldtc"]
    with pytest.raises(PayloadError, match=r"usage history, row 0 \(fid 11\): missing field 'ldtc'"):
        usage_rows([row], "usage history", UTC, "day")


# Values of every kind a field might hold: the plain ones usage_rows reads at once, and every other.
LUDS = st.sampled_from([
    "2026-03-04", "2026-03-04 13:00", "2026-03-05 13:00", "2026-03-04 13:00:00", " 2026-03-04", "1969-12-31",
    "1969-12-31 23:00", "3000-01-01", "2026-03", "2026-02-30", "2026-03-02 - 2026-03-08", "2026-03-29 02:30",
])  # fmt: skip
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63), st.floats(allow_nan=True), st.just(2**53 + 1),
    st.just(2.0), st.just(-0.0), st.text(max_size=5), st.just(" FEATURE "), st.just("a\x00b"), st.just("é"),
    st.just("x" * 301), st.lists(st.integers(), max_size=1), LUDS,
)  # fmt: skip
FIELDS = [*ROW, "fns", "fv", "ftype"]


@settings(max_examples=300, deadline=None)
@given(
    changes=st.lists(
        st.dictionaries(st.sampled_from(FIELDS), ODD | st.just("absent"), max_size=3)
        | st.builds(lambda lud: {"lud": lud}, LUDS),
        max_size=4,
    ),
    granularity=st.sampled_from(["day", "hour"]),
)
def test_usage_rows_reads_every_row_as_its_record_does(changes, granularity):
    """The plain rows' quick reading and the Record's agree: the same rows, or the same error."""
    base = {**ROW, "lud": "2026-03-04 13:00"} if granularity == "hour" else dict(ROW)
    payload = []
    for change in [{}, *changes, {}]:  # unchanged rows around the others: a label read before, and after
        row = {**base, "fns": "MATLAB", **change}
        payload.append({k: v for k, v in row.items() if v != "absent"})
    try:
        want = [_usage_row(r, BERLIN, granularity) for r in records(payload, "usage", what="row", ident="fid")]
    except PayloadError as exc:
        with pytest.raises(PayloadError) as raised:
            usage_rows(payload, "usage", BERLIN, granularity)
        assert str(raised.value) == str(exc)
    else:
        got = usage_rows(payload, "usage", BERLIN, granularity)
        assert got == want
        assert [[type(v) for v in r.values()] for r in got] == [[type(v) for v in r.values()] for r in want]


def test_the_server_list_reads_the_documented_names_and_the_simulators_older_ones():
    documented = {"lsid": 3, "lsn": "flexlm", "lsh": "lic01", "lsp": 27000, "lsmn": "FlexNet", "lss": "UP", "vn": "x"}
    variant = {"lsid": 4, "lsn": "rlm", "host": "lic02", "port": "5053", "manager": "RLM", "status": "DOWN"}

    assert server_rows([documented, variant]) == [
        {"lsid": 3, "name": "flexlm", "host": "lic01", "port": "27000", "manager": "FlexNet", "status": "UP"},
        {"lsid": 4, "name": "rlm", "host": "lic02", "port": "5053", "manager": "RLM", "status": "DOWN"},
    ]


def test_a_server_or_feature_without_descriptive_fields_reads_them_as_blank():
    assert server_rows([{"lsid": 3}]) == [{"lsid": 3, "name": "", "host": "", "port": "", "manager": "", "status": ""}]
    assert feature_rows([{"fid": 5, "lsid": 3}]) == [
        {"fid": 5, "lsid": 3, "name": "", "version": "", "feature_type": ""}
    ]


def test_a_server_or_feature_without_its_id_is_refused():
    with pytest.raises(PayloadError, match=r"license-server list, record 0: missing field 'lsid'"):
        server_rows([{"lsn": "flexlm"}])
    with pytest.raises(PayloadError, match=r"feature list, record 1 \(fid 6\): missing field 'lsid'"):
        feature_rows([{"fid": 5, "lsid": 3}, {"fid": 6}])


def test_current_usage_reads_both_shapes():
    assert parse_current_usage([{"hu": 1, "tu": 7}, {"hu": 0, "tu": 13}]) == (
        "hu_tu",
        {"users_with_licenses": 7, "users_without_licenses": 13},
    )
    assert parse_current_usage({"current": 7, "licenseUsage": 9, "licenseLimit": 50}) == (
        "current",
        {"current": 7, "license_usage": 9, "license_limit": 50},
    )


def test_current_usage_of_neither_shape_is_refused():
    with pytest.raises(PayloadError, match="current usage: data is neither hu/tu rows nor a current"):
        parse_current_usage([{"users": 3}])


def test_the_hour_repeated_when_clocks_go_back_is_stored_as_the_later_one():
    first = datetime(2026, 10, 25, 2, tzinfo=BERLIN)  # 02:00 happens twice in Berlin that night
    values = [(7, "hour", first, "2026-10-25 02:00"), (7, "hour", first, "2026-10-25 02:00")]

    separated = separate_repeated_hours(values, "usage history")

    assert [v[2].astimezone(UTC).hour for v in separated] == [0, 1]


def test_a_period_arriving_twice_otherwise_means_the_pages_overlapped():
    day = datetime(2026, 3, 4, tzinfo=UTC)
    values = [(7, "day", day, "2026-03-04"), (7, "day", day, "2026-03-04")]

    with pytest.raises(PayloadError, match="arrived twice; paging overlapped"):
        separate_repeated_hours(values, "usage history")
