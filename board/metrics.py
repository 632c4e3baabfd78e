"""Live metrics for both teams, computed in one pass over deal histories and the spend ledger.

Pure: the deals, the spend, the window and ``now`` come in; a `Metrics` goes out. Every
figure is defined in docs/metrics.md. Histories, not current fields, drive the counts, so
rejected, re-handed-off and reopened deals count right; wins and losses use the deal's
current state (a deal won, reopened and won again counts once, at its latest ``won_at``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from board.deal import Deal
from board.metrics_result import (
    MARKETING_GUIDANCE,
    SALES_GUIDANCE,
    Guidance,
    Metrics,
    SourcedRevenue,
    StageStep,
    cents,
)
from board.metrics_tally import tally
from board.metrics_window import (
    NamedWindow,
    Window,
    all_time,
    preset_windows,
    window_from,
    window_text,
)
from board.settings import Settings
from board.spend import Spend
from board.stages import Team

__all__ = [
    "MARKETING_GUIDANCE",
    "SALES_GUIDANCE",
    "Guidance",
    "Metrics",
    "NamedWindow",
    "SourcedRevenue",
    "StageStep",
    "Window",
    "all_time",
    "compute_metrics",
    "customer_key",
    "preset_windows",
    "window_from",
    "window_text",
]

_MARKETING = Team.MARKETING
_ZERO = Decimal(0)


def customer_key(name: str) -> str:
    """A customer's name folded for counting distinct customers (case and spacing ignored)."""
    return " ".join(name.split()).casefold()


def compute_metrics(
    deals: Iterable[Deal],
    spend: Iterable[Spend],
    *,
    settings: Settings,
    window: Window,
    now: datetime,
    owner: str | None = None,
) -> Metrics:
    """Every metric of docs/metrics.md for ``window``; ``owner`` keeps only that login's deals.

    With an owner, spend (which belongs to teams, not people) and all that derives from it
    is undefined.
    """
    chosen = deals if owner is None else (d for d in deals if d.owner == owner)
    state, flow = tally(chosen, settings, window, now)
    marketing_spend = sales_spend = _ZERO
    for entry in spend:
        if window.since <= entry.on < window.until:
            if entry.team is _MARKETING:
                marketing_spend += entry.amount
            else:
                sales_spend += entry.amount
    return Metrics(
        window=window,
        now=now,
        owner=owner,
        sla_hours=settings.handoff_sla_hours,
        currency=settings.currency,
        leads=flow.leads,
        mqls=flow.mqls,
        mqls_accepted=flow.mqls_accepted,
        stage_conversion=_steps(settings.pipeline.keys, flow.tops),
        handoffs=flow.handoffs,
        sqls=flow.accepts,
        rejections=flow.rejects,
        handoff_overrides=flow.overrides,
        median_hours_to_handoff=_median(flow.to_handoff),
        median_hours_to_accept=_median(flow.to_accept),
        sla_breaches=flow.breaches,
        won=state.won,
        lost=state.lost,
        revenue=state.revenue,
        won_cycle_seconds=state.cycle_seconds,
        revenue_by_week=tuple(zip(window.weeks(), state.week_revenue, strict=True)),
        sourced_revenue=SourcedRevenue(
            marketing=state.revenue - state.by_sales, sales=state.by_sales
        ),
        open_deals=state.open_deals,
        open_sales_deals=state.open_sales,
        pipeline_value=state.pipeline_value,
        weighted_pipeline=cents(state.weighted),
        marketing_spend=marketing_spend if owner is None else None,
        sales_spend=sales_spend if owner is None else None,
        won_revenue_to_date=state.won_to_date,
        customers_to_date=len({customer_key(name) for name in state.customers}),
    )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _steps(keys: tuple[str, ...], tops: list[int]) -> tuple[StageStep, ...]:
    # reached(k) counts deals whose furthest stage is k or later: a running sum from the end.
    reached = [0] * len(tops)
    running = 0
    for i in range(len(tops) - 1, -1, -1):
        running += tops[i]
        reached[i] = running
    return tuple(
        StageStep(keys[i], keys[i + 1], reached[i], reached[i + 1]) for i in range(len(keys) - 1)
    )
