"""Dates as files write them; the d/m or m/d order is decided for the whole file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from board.errors import InvalidInput
from board.transfer.dates import DateOrder, decide_order, parse_date


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-11-20", None, datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20 14:30", None, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026-11-20 14:30:00", None, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026-11-20T14:30:00Z", None, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026-11-20T15:30:00+01:00", None, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026-11-20T14:30:00.123Z", None, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("11/20/2026", None, datetime(2026, 11, 20, tzinfo=UTC)),
        ("20/11/2026", None, datetime(2026, 11, 20, tzinfo=UTC)),
        ("03/04/2026", DateOrder.DMY, datetime(2026, 4, 3, tzinfo=UTC)),
        ("03/04/2026", DateOrder.MDY, datetime(2026, 3, 4, tzinfo=UTC)),
        ("11/20/26 2:30 PM", None, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("11/20/2026 12:05 am", None, datetime(2026, 11, 20, 0, 5, tzinfo=UTC)),
        ("20.11.2026", None, datetime(2026, 11, 20, tzinfo=UTC)),
        ("20.11.2026 14:30", None, datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026/11/20", None, datetime(2026, 11, 20, tzinfo=UTC)),
        ("Nov 20, 2026", None, datetime(2026, 11, 20, tzinfo=UTC)),
        ("20 November 2026", None, datetime(2026, 11, 20, tzinfo=UTC)),
        ("  2026-11-20  ", None, datetime(2026, 11, 20, tzinfo=UTC)),
    ],
)
def test_formats(text: str, order: DateOrder | None, expected: datetime) -> None:
    assert parse_date(text, order, "created_at") == expected


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2026-13-01",
        "31/31/2026",
        "13:00 PM 1/2/2026",
        "11/20/2026 13:00 PM",
        "2026-11-20 25:00",
    ],
)
def test_what_is_not_a_date_names_the_field(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"close_date .* is not a date"):
        parse_date(text, DateOrder.MDY, "close_date")


def test_an_ambiguous_date_without_an_order_is_refused() -> None:
    with pytest.raises(InvalidInput, match="--date-order"):
        parse_date("03/04/2026", None, "created_at")


def test_one_provable_value_decides_every_column() -> None:
    assert (
        decide_order({"Created": ["03/04/2026", "2026-01-01", ""], "Closed": ["25/12/2026"]})
        is DateOrder.DMY
    )
    assert decide_order({"Created": ["03/04/2026", "12/25/2026 10:00"]}) is DateOrder.MDY


def test_no_slashed_dates_or_only_unambiguous_ones_decide_nothing() -> None:
    assert decide_order({"Created": ["2026-01-01", "20.11.2026", "05/05/2026"]}) is None
    assert decide_order({}) is None


def test_ambiguous_or_contradictory_files_are_refused_naming_column_and_value() -> None:
    with pytest.raises(InvalidInput, match=r"'03/04/2026' in 'Created'.*--date-order"):
        decide_order({"Created": ["03/04/2026", "05/06/2026"]})
    with pytest.raises(
        InvalidInput,
        match=r"both day-first .*'Created'.* and month-first "
        r".*'Closed'",
    ):
        decide_order({"Created": ["25/12/2026"], "Closed": ["12/25/2026"]})
