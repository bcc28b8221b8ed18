"""The 24-hour count is a running total: exact, restart-proof, and no log scan per send."""

from __future__ import annotations

from pathlib import Path

import pytest

from aws_ses.local import create_app, quota
from aws_ses.local.state import ServerState

START = 1_700_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def make_state(clock: Clock, data_dir: Path | None = None) -> ServerState:
    options: dict[str, object] = {"data_dir": data_dir} if data_dir else {}
    state: ServerState = create_app(auth=False, max_send_rate=100_000, **options).state.ses
    state.clock = clock
    return state


def test_running_total_matches_a_recount_over_a_rolling_day() -> None:
    clock = Clock()
    state = make_state(clock)
    expected: list[tuple[float, int]] = []
    for i in range(300):
        clock.now = START + i * 600  # one send every 10 minutes for 50 hours
        daily = i % 3
        quota.record(state, 3, daily=daily)
        expected.append((clock.now, daily))
        in_window = sum(d for t, d in expected if clock.now - 86_400 < t <= clock.now)
        assert quota.sent_last_24_hours(state) == in_window
    # Entries that left the window were pruned from the log.
    assert len(state.store.list(quota.SEND_LOG)) == 86_400 // 600


def test_a_send_does_not_rescan_the_log(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    state = make_state(clock)
    quota.record(state, 1)
    assert quota.sent_last_24_hours(state) == 1  # the total is built here, once

    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the send log was read in full")

    monkeypatch.setattr(state.store, "list", no_scan)
    for _ in range(50):
        quota.admit(state, 2)
    assert quota.sent_last_24_hours(state) == 101


def test_a_clock_moved_back_does_not_count_later_sends() -> None:
    clock = Clock()
    state = make_state(clock)
    quota.record(state, 4)
    clock.now = START + 100
    quota.record(state, 5)
    clock.now = START + 50
    assert quota.sent_last_24_hours(state) == 4
    clock.now = START + 100
    assert quota.sent_last_24_hours(state) == 9


def test_the_total_survives_a_restart_and_a_reset(tmp_path: Path) -> None:
    clock = Clock()
    state = make_state(clock, tmp_path)
    for _ in range(3):
        quota.record(state, 2)
    assert quota.sent_last_24_hours(state) == 6
    again = make_state(clock, tmp_path)
    assert quota.sent_last_24_hours(again) == 6
    quota.record(again, 1)
    assert quota.sent_last_24_hours(again) == 7
    quota.reset(again)
    assert quota.sent_last_24_hours(again) == 0
    quota.record(again, 1)
    assert quota.sent_last_24_hours(again) == 1
