"""Monthly targets: the settings, and pro-rating by the share of each month a window covers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from board.errors import ConfigError
from board.metrics_window import Window
from board.settings import load_settings, settings_from_mapping
from board.targets import month_of, next_month, prorated


def day(month: int, d: int, year: int = 2026) -> datetime:
    return datetime(year, month, d, tzinfo=UTC)


def test_a_calendar_month_is_the_target_itself() -> None:
    assert prorated(Decimal(40), Window(day(2, 1), day(3, 1))) == 40
    assert prorated(Decimal(40), month_of(day(12, 31, 2026))) == 40
    assert next_month(day(12, 5)) == day(1, 1, 2027)


def test_each_month_counts_its_own_days() -> None:
    # 7 of October's 31 days, all of November, 1 of December's 31.
    window = Window(day(10, 25), day(12, 2))
    assert prorated(Decimal(31), window) == Decimal(7) + 31 + 1
    half_a_day = Window(day(11, 1), datetime(2026, 11, 1, 12, tzinfo=UTC))
    assert prorated(Decimal(60), half_a_day) == 1


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
)
def test_prorating_adds_up_over_adjacent_windows(a: datetime, b: datetime, c: datetime) -> None:
    first, middle, last = sorted(m.replace(tzinfo=UTC, microsecond=0) for m in (a, b, c))
    whole = prorated(Decimal(100), Window(first, last))
    parts = prorated(Decimal(100), Window(first, middle)) + prorated(
        Decimal(100), Window(middle, last)
    )
    assert abs(whole - parts) < Decimal("1e-20")


def test_targets_load_in_a_fixed_order() -> None:
    targets = settings_from_mapping({"targets": {"revenue": 2.5e5, "mqls": 40}}).targets
    assert targets == {"revenue": Decimal("250000.00"), "mqls": Decimal(40)}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("targets = 3", "targets: must be a table"),
        ("[targets]\nmql = 3", r"targets.mql: unknown target \(known: leads, mqls"),
        ("[targets]\nmqls = 2.5", "targets.mqls: must be a whole number"),
        ("[targets]\nmqls = -1", "targets.mqls: must be a whole number"),
        ("[targets]\nrevenue = 'lots'", "targets.revenue: must be an amount"),
        ("[targets]\nsqls = true", "targets.sqls: must be a whole number"),
    ],
)
def test_bad_targets_name_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "funnel.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("progress", "pace", "drawn"),
    [
        (0.0, 0.5, "····│·····"),  # nothing yet, half the month gone
        (0.3, 0.5, "███·│·····"),  # behind: the pace mark is ahead of the bar
        (0.7, 0.5, "████▓██···"),  # ahead: the mark is inside the bar
        (0.01, None, "█·········"),  # a few is not none
        (1.5, 1.0, "█████████»"),  # past the target
        (None, 0.5, "····│·····"),  # a zero target: the empty scale
    ],
)
def test_a_target_gauge_reads_without_colour(
    progress: float | None, pace: float | None, drawn: str
) -> None:
    from board.metrics_pictures import target_gauge

    assert target_gauge(progress, pace, 10) == drawn
