"""Day bounds of TIMEX3 values, which the date-range filter compares."""

import pytest

from services.store.dates import day_bounds


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2022-03-30", ("2022-03-30", "2022-03-30")),
        ("2022-02", ("2022-02-01", "2022-02-28")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2022", ("2022-01-01", "2022-12-31")),
        ("2022-W13", ("2022-03-28", "2022-04-03")),
        ("2022-Q2", ("2022-04-01", "2022-06-30")),
        ("2022-03-30/2022-03-31", ("2022-03-30", "2022-03-31")),
        ("PRESENT_REF", (None, None)),
        (None, (None, None)),
        ("2022-13", (None, None)),
    ],
)
def test_values_map_to_first_and_last_day(value, bounds):
    assert day_bounds(value) == bounds


def test_explicit_range_bounds_win():
    assert day_bounds("2022-03", "2022-03-05", "2022-03-07") == ("2022-03-05", "2022-03-07")


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("-", False, "-"),
        ("1700000000000-5", False, "1700000000000-5"),
        ("1700000000000", True, "1700000000000"),
        ("2022-03-31", False, "1648684800000-0"),
        ("2022-03-31T00:00:00+00:00", True, "1648684800000-18446744073709551615"),
    ],
)
def test_replay_bounds_accept_stream_ids_and_iso_times(value, end, expected):
    from services.operations.replay import stream_bound

    assert stream_bound(value, end=end) == expected


@pytest.mark.parametrize("value", ["1960-01-01", "١-١", "99999999999999999999-0", "1-99999999999999999999", "1-0\n"])
def test_replay_bounds_redis_would_refuse_are_refused_first(value):
    from services.operations.replay import stream_bound

    with pytest.raises(ValueError):
        stream_bound(value)
