"""Shared monthly targets (``[targets]``), pro-rated to any window, and the progress toward them.

A target is per calendar month. Over another window each month contributes its target times
the share of that month the window covers (to the second, so a window ending at noon counts
half of its last day). The pace is the same pro-rating up to ``now``: what the team should
have by today to be on track.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from board.errors import ConfigError
from board.metrics_window import Window
from board.money import CENTS
from board.text import printable

if TYPE_CHECKING:  # every command reads the settings; only metrics need the Metrics class
    from board.metrics_result import Metrics

TARGET_NAMES = ("leads", "mqls", "sqls", "won", "revenue")
"""What a team can set a target for, in the order they are shown."""
TARGET_LABELS = {
    "leads": "Leads",
    "mqls": "MQLs",
    "sqls": "SQLs",
    "won": "Deals won",
    "revenue": "Revenue",
}
MONEY_TARGETS = frozenset({"revenue"})
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """One target over a window: what was aimed for, what happened, what today's pace is."""

    name: str
    target: Decimal
    """The monthly target pro-rated to the window."""
    actual: Decimal
    expected: Decimal
    """The target pro-rated to the part of the window up to now (equal to it for a past window)."""

    @property
    def progress(self) -> float | None:
        """actual / target; ``None`` when the target is zero."""
        return float(self.actual / self.target) if self.target else None

    @property
    def on_pace(self) -> bool:
        """At or above the expected pace."""
        return self.actual >= self.expected


def month_start(moment: datetime) -> datetime:
    """00:00 UTC on the first day of the moment's month."""
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_month(moment: datetime) -> datetime:
    """00:00 UTC on the first day of the month after the moment's."""
    year, month = divmod(moment.year * 12 + moment.month, 12)  # month is 0-based here
    return datetime(year, month + 1, 1, tzinfo=UTC)


def month_of(moment: datetime) -> Window:
    """The calendar month holding the moment."""
    return Window(month_start(moment), next_month(moment))


def prorated(monthly: Decimal, window: Window) -> Decimal:
    """A monthly target over ``window``: each month's target times the share of it covered."""
    total = _ZERO
    start = month_start(window.since)
    while start < window.until:
        end = next_month(start)
        covered = min(end, window.until) - max(start, window.since)
        seconds = covered.days * 86400 + covered.seconds
        if seconds > 0:
            month_seconds = (end - start).days * 86400
            total += monthly * seconds / month_seconds
        start = end
    return total


def _actual(metrics: Metrics, name: str) -> Decimal:
    if name == "revenue":
        return metrics.revenue
    return Decimal(int(getattr(metrics, name)))


def target_progress(metrics: Metrics, targets: Mapping[str, Decimal]) -> tuple[TargetProgress, ...]:
    """Each configured target over the metrics' window, with its actual and today's pace."""
    window = metrics.window
    elapsed = Window(window.since, max(window.since, min(window.until, metrics.now)))

    def share(name: str, part: Window) -> Decimal:
        amount = prorated(targets[name], part)
        return amount.quantize(CENTS, ROUND_HALF_UP) if name in MONEY_TARGETS else amount

    return tuple(
        TargetProgress(name, share(name, window), _actual(metrics, name), share(name, elapsed))
        for name in TARGET_NAMES
        if name in targets
    )


def targets_from_config(data: Any, where: str) -> Mapping[str, Decimal]:
    """Validate the ``[targets]`` table: whole numbers, and an amount for revenue."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}targets: must be a table")
    found: dict[str, Decimal] = {}
    for name, value in data.items():
        at = f"{where}targets.{printable(str(name))}"
        if name not in TARGET_NAMES:
            raise ConfigError(f"{at}: unknown target (known: {', '.join(TARGET_NAMES)})")
        money = name in MONEY_TARGETS
        good = not isinstance(value, bool) and (
            isinstance(value, int) or (money and isinstance(value, float))
        )
        if not good or not 0 <= value <= 10**12:
            kind = "an amount" if money else "a whole number"
            raise ConfigError(f"{at}: must be {kind} from 0 to 10^12 per month, got {value!r}")
        found[name] = Decimal(str(value)).quantize(Decimal("0.01")) if money else Decimal(value)
    return found
