"""Timestamps on the wire: epoch seconds as calendar.timegm counts them."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from aws_ses._encoders import epoch_seconds

offsets = st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(
    min_value=datetime(1, 1, 3), max_value=datetime(9999, 12, 29), timezones=st.none() | offsets
)


@given(moments)
def test_epoch_seconds_match_timegm(value: datetime) -> None:
    whole = calendar.timegm(value.utctimetuple())  # naive values are UTC, as the SDKs take them
    expected = (whole * 10**6 + value.microsecond) / 10**6 if value.microsecond else whole
    assert epoch_seconds(value) == expected
    assert type(epoch_seconds(value)) is type(expected)


def test_the_epoch_itself() -> None:
    assert epoch_seconds(datetime(1970, 1, 1, tzinfo=UTC)) == 0
    assert epoch_seconds(datetime(1970, 1, 1, 0, 0, 1, 500_000)) == 1.5
