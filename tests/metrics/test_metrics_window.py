"""Windows: half-open bounds, defaults, weekly buckets and the board's presets."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from board.errors import InvalidInput
from board.metrics import Window, all_time, preset_windows, window_from, window_text
from tests.metrics.dataset import october_deals

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def test_the_window_is_half_open() -> None:
    w = Window(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    assert w.since in w
    assert w.until not in w
    assert w.until - timedelta(seconds=1) in w
    assert "2026-10-05" not in w


def test_since_after_until_is_refused_naming_both() -> None:
    with pytest.raises(InvalidInput, match=r"--since 2026-11-02T00:00:00Z is after --until"):
        Window(datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))


def test_defaults_are_the_last_days_up_to_now() -> None:
    assert window_from(None, None, now=NOW, days=90) == Window(NOW - timedelta(days=90), NOW)
    until = datetime(2026, 10, 1, tzinfo=UTC)
    assert window_from(None, until, now=NOW, days=30) == Window(until - timedelta(days=30), until)
    since = datetime(2026, 11, 1, tzinfo=UTC)
    assert window_from(since, None, now=NOW, days=30) == Window(since, NOW)


def test_weeks_count_back_from_until_and_cover_the_window() -> None:
    w = Window(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    weeks = w.weeks()
    assert [week.since.day for week in weeks] == [1, 4, 11, 18, 25]
    assert weeks[0].since == w.since and weeks[-1].until == w.until
    assert all(a.until == b.since for a, b in itertools.pairwise(weeks))
    assert Window(w.since, w.since).weeks() == ()


def test_presets_start_with_the_configured_default_and_do_not_repeat() -> None:
    presets = preset_windows(NOW, 90)
    assert [p.label for p in presets] == [
        "last 90 days",
        "last 7 days",
        "last 30 days",
        "quarter to date",
        "year to date",
    ]
    assert all(p.window.until == NOW for p in presets)
    assert presets[3].window.since == datetime(2026, 10, 1, tzinfo=UTC)
    assert presets[4].window.since == datetime(2026, 1, 1, tzinfo=UTC)
    assert [p.label for p in preset_windows(NOW, 14)][:2] == ["last 14 days", "last 7 days"]


def test_window_text_shows_times_only_when_needed() -> None:
    midnights = Window(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    assert window_text(midnights) == "2026-10-01 → 2026-11-01"
    assert window_text(Window(midnights.since, NOW)) == "2026-10-01 → 2026-11-22 09:30"


def test_all_time_starts_on_the_first_deals_day() -> None:
    assert all_time(october_deals(), NOW) == Window(datetime(2026, 8, 1, tzinfo=UTC), NOW)
    assert all_time([], NOW) == Window(datetime(2026, 11, 22, tzinfo=UTC), NOW)
