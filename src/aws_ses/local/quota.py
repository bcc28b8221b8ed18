"""The account's sending quota: maximum send rate and 24-hour volume.

SES weighs every send by its recipients (To, Cc and Bcc each count once) and
answers a send over either limit with a throttling error whose message is
``Maximum sending rate exceeded.`` or ``Daily message quota exceeded.`` (SES
Developer Guide, "Errors related to the sending quotas for your Amazon SES
account"; in SES v2 the error shape is ``TooManyRequestsException``, 429).

How the limits are counted here:

- **Rate** is the client's own GCRA token bucket
  (:func:`aws_ses.resilience.ratelimit.gcra`) holding ``MaxSendRate``
  recipients, refilled at ``MaxSendRate`` per second. A send is admitted while
  at least one recipient of headroom is left (``need=1``) and is then charged
  all of its recipients, so a 50-recipient message goes through at a rate of
  14 and the bucket stays in debt until it has refilled. That is what the AWS
  Messaging blog ("What Happens When You Reach Your Sending Limits?")
  describes: with any quota left a multi-recipient call succeeds, and the
  calls that follow fail until the quota has built up again. A burst of
  single-recipient sends at one instant therefore gets exactly
  ``MaxSendRate`` through and the excess refused.
- **24 hours** is a rolling window over the ``send_log`` documents, one per
  accepted send, keyed by time. A running total is kept beside them: each
  send adds to it and the entries that leave the window are subtracted as
  they are pruned, so a send costs the same after a million sends as after
  one. The same blog says a call succeeds while any of the daily
  quota remains. Mailbox simulator recipients count toward the rate but not
  toward the daily quota (SES Developer Guide, mailbox simulator page), which
  is why each log entry records both numbers.

A refused send counts nothing. Time comes from ``state.clock`` so tests can
freeze or advance it.
"""

from __future__ import annotations

import uuid
from typing import Any

from aws_ses.local.state import ApiError, ServerState
from aws_ses.resilience.ratelimit import gcra, rescale_tat

__all__ = [
    "DAILY_QUOTA_MESSAGE",
    "RATE_MESSAGE",
    "SEND_LOG",
    "admit",
    "check",
    "limits",
    "record",
    "reset",
    "sent_last_24_hours",
]

SEND_LOG = "send_log"
_TOTAL_KIND = "send_total"
_TOTAL_KEY = "day"
_BUCKET_KIND = "send_rate"
_BUCKET_KEY = "bucket"
_DAY = 86_400.0
# Sums of 1/rate steps on an epoch clock are not exact: a send due within a
# microsecond of now is due now.
_EPSILON = 1e-6

RATE_MESSAGE = "Maximum sending rate exceeded."
DAILY_QUOTA_MESSAGE = "Daily message quota exceeded."


def limits(state: ServerState) -> tuple[float, float]:
    """``(MaxSendRate, Max24HourSend)``: the account document's, else the options'."""
    account = state.store.get("account", "account") or {}
    quota: dict[str, Any] = account.get("SendQuota") or {}
    rate = quota.get("MaxSendRate", state.options.max_send_rate)
    daily = quota.get("Max24HourSend", state.options.max_24_hour_send)
    return float(rate), float(daily)


def _stamp(t: float) -> str:
    """A log key prefix that sorts as time does ('~' sorts after '-' and digits)."""
    return f"{t:020.6f}"


def _tat(state: ServerState, rate: float, now: float) -> float:
    """The bucket's theoretical arrival time at ``rate`` (``now`` or earlier: full)."""
    bucket = state.store.get(_BUCKET_KIND, _BUCKET_KEY)
    if bucket is None or "tat" not in bucket:
        return now
    return rescale_tat(float(bucket["tat"]), now, float(bucket["interval"]), 1.0 / rate)


def _admission(
    state: ServerState, rate: float, now: float, recipients: float
) -> tuple[bool, float]:
    """(room for one more recipient now, the bucket's tat once ``recipients`` are charged)."""
    interval = 1.0 / rate
    allow_at, new_tat = gcra(
        _tat(state, rate, now), now, recipients, interval=interval, tolerance=1.0, need=1
    )
    return allow_at - now <= _EPSILON, new_tat


def _daily_used(state: ServerState, now: float) -> int:
    """Daily-quota recipients sent in the 24 hours up to ``now`` (caller holds a transaction)."""
    store = state.store
    cutoff = _stamp(now - _DAY) + "~"  # every entry at or before now - 1 day
    found = store.get(_TOTAL_KIND, _TOTAL_KEY)
    if found is None:  # first use, or a store emptied in place: count the log once
        total = sum(int(doc.get("daily", 0)) for _, doc in store.list(SEND_LOG))
    else:
        total = int(found["total"])
    expired = store.key_range(SEND_LOG, below=cutoff)
    for key, doc in expired:
        total -= int(doc.get("daily", 0))
        store.delete(SEND_LOG, key)
    if found is None or expired:
        store.put(_TOTAL_KIND, _TOTAL_KEY, {"total": total})
    # A clock moved back (tests do) leaves entries "in the future": not counted.
    ahead = store.key_range(SEND_LOG, above=_stamp(now) + "~")
    return total - sum(int(doc.get("daily", 0)) for _, doc in ahead)


def check(state: ServerState) -> None:
    """Raise the 429 SES would return if a send were attempted now."""
    now = state.clock()
    rate, daily = limits(state)
    if not _admission(state, rate, now, 1)[0]:
        raise ApiError("TooManyRequestsException", RATE_MESSAGE, 429)
    if _daily_used(state, now) >= daily:
        raise ApiError("TooManyRequestsException", DAILY_QUOTA_MESSAGE, 429)


def record(state: ServerState, recipients: int, *, daily: int | None = None) -> None:
    """Charge an accepted send: ``recipients`` to the rate, ``daily`` (default all) to the day."""
    now = state.clock()
    rate, _ = limits(state)
    with state.store.transaction():
        _, tat = _admission(state, rate, now, recipients)
        state.store.put(_BUCKET_KIND, _BUCKET_KEY, {"tat": tat, "interval": 1.0 / rate})
        counted = recipients if daily is None else daily
        key = f"{_stamp(now)}-{uuid.uuid4().hex}"
        state.store.put(SEND_LOG, key, {"t": now, "recipients": recipients, "daily": counted})
        found = state.store.get(_TOTAL_KIND, _TOTAL_KEY)
        if found is not None:  # otherwise the next count builds it from the log
            state.store.put(_TOTAL_KIND, _TOTAL_KEY, {"total": int(found["total"]) + counted})


def admit(state: ServerState, recipients: int, *, daily: int | None = None) -> None:
    """Admit a send of ``recipients`` or raise ``TooManyRequestsException``.

    On success the send is charged at once (see :func:`record`); ``daily``
    says how many of the recipients count toward the 24-hour quota (all of
    them unless given; mailbox simulator recipients do not count).
    """
    with state.store.transaction():
        check(state)
        record(state, recipients, daily=daily)


def sent_last_24_hours(state: ServerState) -> int:
    """Recipients counted toward the daily quota in the last 24 hours (``SentLast24Hours``)."""
    with state.store.transaction():
        return _daily_used(state, state.clock())


def reset(state: ServerState) -> None:
    """Forget every send: the rate bucket and the 24-hour log."""
    with state.store.transaction():
        state.store.clear(SEND_LOG)
        state.store.clear(_TOTAL_KIND)
        state.store.clear(_BUCKET_KIND)
