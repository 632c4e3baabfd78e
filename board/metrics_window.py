"""The stretch of time metrics look at: ``[since, until)`` in UTC, and the board's presets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from board.deal import Deal
from board.errors import InvalidInput
from board.timestamps import iso, utc

WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open interval ``[since, until)``: an event at ``until`` is outside."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        if self.since > self.until:
            raise InvalidInput(f"--since {iso(self.since)} is after --until {iso(self.until)}")

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.since <= moment < self.until

    @property
    def days(self) -> float:
        """Length in days (fractional when the bounds are not midnights)."""
        return (self.until - self.since).total_seconds() / 86400

    def weeks(self) -> tuple[Window, ...]:
        """Seven-day buckets counted back from ``until``, oldest first; the first may be short."""
        buckets: list[Window] = []
        end = self.until
        while end > self.since:
            start = max(end - WEEK, self.since)
            buckets.append(Window(start, end))
            end = start
        return tuple(reversed(buckets))


def window_from(
    since: datetime | None, until: datetime | None, *, now: datetime, days: int
) -> Window:
    """The window a command asked for: ``until`` defaults to now, ``since`` to ``days`` before."""
    end = utc(until) if until is not None else utc(now)
    start = utc(since) if since is not None else end - timedelta(days=days)
    return Window(start, end)


def all_time(deals: Iterable[Deal], now: datetime) -> Window:
    """From 00:00 UTC of the day the first deal was created (or now, with none) up to now."""
    end = utc(now)
    first = min((deal.created_at for deal in deals), default=end)
    return Window(min(datetime(first.year, first.month, first.day, tzinfo=UTC), end), end)


@dataclass(frozen=True, slots=True)
class NamedWindow:
    """A window with the words the board shows for it."""

    label: str
    window: Window


def preset_windows(now: datetime, default_days: int) -> tuple[NamedWindow, ...]:
    """The windows the board's ``w`` key cycles through, the configured default first."""
    end = utc(now)
    year_start = datetime(end.year, 1, 1, tzinfo=UTC)
    quarter_start = datetime(end.year, 3 * ((end.month - 1) // 3) + 1, 1, tzinfo=UTC)
    found: list[NamedWindow] = []
    for days in dict.fromkeys((default_days, 7, 30, 90)):
        found.append(NamedWindow(f"last {days} days", Window(end - timedelta(days=days), end)))
    found.append(NamedWindow("quarter to date", Window(quarter_start, end)))
    found.append(NamedWindow("year to date", Window(year_start, end)))
    return tuple(found)


def window_text(window: Window) -> str:
    """``2026-08-24 → 2026-11-22``, with times only where a bound is not a midnight."""
    return f"{_bound(window.since)} → {_bound(window.until)}"


def _bound(moment: datetime) -> str:
    text = iso(moment)
    return text[:10] if text.endswith("T00:00:00Z") else text[:16].replace("T", " ")
