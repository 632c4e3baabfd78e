"""The metrics per deal source or per owner: sales' feedback to marketing, channel by channel.

Each row is `compute_metrics` over the deals of one source (or owner), so every figure means
exactly what the overall one means (docs/metrics.md), restricted to those deals. A source's
spend is the marketing spend whose channel equals the source; owners have no spend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from board.deal import Deal, EventKind, Status
from board.metrics import compute_metrics
from board.metrics_result import Metrics, money_ratio
from board.metrics_window import Window
from board.settings import Settings
from board.spend import Spend
from board.stages import Team

Dimension = Literal["source", "owner"]
DIMENSIONS: tuple[Dimension, ...] = ("source", "owner")


@dataclass(frozen=True, slots=True)
class GroupRow:
    """One source's (or owner's) figures for the window, with why its deals were turned away."""

    key: str
    """The source ("" for deals without one) or the owner's login."""
    metrics: Metrics
    spend: Decimal | None
    """Marketing spend on the channel of this name; ``None`` for an owner."""
    reject_reasons: Mapping[str, int]
    """Rejections in the window by reason, most frequent first."""
    lost_reasons: Mapping[str, int]
    """Deals lost in the window by reason, most frequent first."""

    @property
    def cpl(self) -> Decimal | None:
        """spend / leads."""
        return None if self.spend is None else money_ratio(self.spend, self.metrics.leads)

    @property
    def cac(self) -> Decimal | None:
        """spend / won (the channel's marketing spend: sales spend has no channel)."""
        return None if self.spend is None else money_ratio(self.spend, self.metrics.won)

    @property
    def empty(self) -> bool:
        """Nothing of this row happened in the window."""
        m = self.metrics
        return not (
            m.leads
            or m.mqls
            or m.handoffs
            or m.sqls
            or m.rejections
            or m.won
            or m.lost
            or self.spend
        )


def metrics_by(
    dimension: Dimension,
    deals: Iterable[Deal],
    spend: Iterable[Spend],
    *,
    settings: Settings,
    window: Window,
    now: datetime,
) -> tuple[GroupRow, ...]:
    """One row per source (or owner) with anything in the window; the unnamed source last."""
    groups: dict[str, list[Deal]] = {}
    for deal in deals:
        groups.setdefault(deal.source if dimension == "source" else deal.owner, []).append(deal)
    channels: dict[str, list[Spend]] = {}
    if dimension == "source":
        for entry in spend:
            if entry.team is Team.MARKETING and entry.on in window:
                channels.setdefault(entry.channel, []).append(entry)
    rows = []
    for key in sorted(groups.keys() | channels.keys(), key=lambda k: (k == "", k)):
        members = groups.get(key, [])
        result = compute_metrics(
            members, channels.get(key, []), settings=settings, window=window, now=now
        )
        row = GroupRow(
            key,
            result,
            result.marketing_spend if dimension == "source" else None,
            _rejections(members, window),
            _losses(members, window),
        )
        if not row.empty:
            rows.append(row)
    return tuple(rows)


def _rejections(deals: list[Deal], window: Window) -> Mapping[str, int]:
    reasons = _Reasons()
    for deal in deals:
        for event in deal.history:
            if event.kind is EventKind.REJECTED and event.at in window:
                reasons.add(str(event.data.get("reason", "")))
    return reasons.counted()


def _losses(deals: list[Deal], window: Window) -> Mapping[str, int]:
    reasons = _Reasons()
    for deal in deals:
        if deal.status is Status.LOST and deal.lost_at in window:
            reasons.add(deal.lost_reason or "")
    return reasons.counted()


class _Reasons:
    """Reasons counted with case and spacing ignored, shown as first written."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._shown: dict[str, str] = {}

    def add(self, reason: str) -> None:
        text = " ".join(reason.split()) or "(no reason)"
        key = text.casefold()
        self._shown.setdefault(key, text)
        self._counts[key] = self._counts.get(key, 0) + 1

    def counted(self) -> dict[str, int]:
        order = sorted(self._counts, key=lambda k: (-self._counts[k], k))
        return {self._shown[key]: self._counts[key] for key in order}
