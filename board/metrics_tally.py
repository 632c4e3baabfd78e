"""The one pass behind `compute_metrics`: every deal and every event read once, counted.

This is the hot loop of the metrics (the board runs it on every change, over every deal), so
it is written for speed: locals rather than attributes, enum members bound to module names,
durations from ``days`` and ``seconds``; the definitions it counts are in docs/metrics.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from board.deal import Deal, EventKind, Status
from board.metrics_window import Window
from board.settings import Settings
from board.stages import Team

# Enum members and names bound once: looking them up on the class costs more than the loop body.
_CREATED, _MOVED, _HANDOFF = EventKind.CREATED, EventKind.MOVED, EventKind.HANDOFF
_ACCEPTED, _REJECTED, _LOST = EventKind.ACCEPTED, EventKind.REJECTED, EventKind.LOST
_OPEN, _WON = Status.OPEN, Status.WON
_WEEK = 7 * 86400  # seconds; timedelta.total_seconds() is slow enough to matter here
_ZERO = Decimal(0)


@dataclass(slots=True)
class States:
    """What the deals are now: the open pipeline, and wins and losses by their current dates."""

    open_deals: int = 0
    open_sales: int = 0
    pipeline_value: Decimal = _ZERO
    weighted: Decimal = _ZERO
    won: int = 0
    lost: int = 0
    revenue: Decimal = _ZERO
    by_sales: Decimal = _ZERO
    cycle_seconds: int = 0
    week_revenue: list[Decimal] = field(default_factory=list)
    won_to_date: Decimal = _ZERO
    customers: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Flow:
    """What happened in the window, read from the histories."""

    tops: list[int]
    """Deals created in the window, by the furthest stage index they reached."""
    leads: int = 0
    mqls: int = 0
    mqls_accepted: int = 0
    handoffs: int = 0
    accepts: int = 0
    rejects: int = 0
    overrides: int = 0
    """Handoffs of the window made past the qualification gate."""
    breaches: int = 0
    to_handoff: list[float] = field(default_factory=list)
    to_accept: list[float] = field(default_factory=list)


def tally(  # noqa: PLR0915 -- the one loop over every deal and event, kept flat
    deals: Iterable[Deal], settings: Settings, window: Window, now: datetime
) -> tuple[States, Flow]:
    """Count, in one pass, what the deals are now and what their histories did in the window."""
    # Locals rather than attributes, and each deal touched once: at 100k deals the time goes
    # into fetching objects from memory, so the loop reads as few of them as it can.
    since, until = window.since, window.until
    sla = timedelta(hours=settings.handoff_sla_hours)
    horizon = min(until, now)  # a pending handoff's wait is judged here
    pipeline = settings.pipeline
    mql = pipeline.mql.key
    index = {key: i for i, key in enumerate(pipeline.keys)}
    open_by_stage: dict[str, list[Decimal]] = {key: [] for key in pipeline.keys}
    open_elsewhere: list[Decimal] = []  # in a stage the config no longer has: weight 0
    weeks = len(window.weeks())
    state = States(week_revenue=[_ZERO] * weeks)
    flow = Flow(tops=[0] * len(index))
    week_revenue, customers = state.week_revenue, state.customers
    to_handoff, to_accept, tops = flow.to_handoff, flow.to_accept, flow.tops
    won_values: list[Decimal] = []
    by_sales = won_to_date = _ZERO
    lost = cycle_seconds = 0
    leads = mqls = mqls_accepted = handoffs = accepts = rejects = breaches = overrides = 0
    for deal in deals:
        # What the deal is now: the open pipeline, or a win or loss at its current date.
        status = deal.status
        closed_at: datetime | None = None
        if status is _OPEN:
            open_by_stage.get(deal.stage, open_elsewhere).append(deal.value)
        elif status is _WON:
            won_at = closed_at = deal.won_at
            if won_at is not None and won_at < until:
                won_to_date += deal.value
                customers.add(deal.company or deal.title)
                if won_at >= since:
                    won_values.append(deal.value)
                    if deal.history and deal.history[0].data.get("sales_sourced"):
                        by_sales += deal.value
                    age = won_at - deal.created_at
                    cycle_seconds += age.days * 86400 + age.seconds
                    # Weeks count back from until: won_at is ceil(wait / week) buckets back.
                    wait = until - won_at
                    ago = -(-(wait.days * 86400 + wait.seconds + (wait.microseconds > 0)) // _WEEK)
                    week_revenue[weeks - ago] += deal.value
        else:
            closed_at = deal.lost_at
            if closed_at is not None and since <= closed_at < until:
                lost += 1

        # What happened in the window, from the history, skipped when it all came before:
        # after a win or loss only edits can follow (a reopening makes the deal open again),
        # so a closed deal's history need not even be read to know that.
        if deal.created_at >= until:
            continue
        if closed_at is not None:
            if closed_at < since:
                continue
        elif not deal.history or deal.history[-1].at < since:
            continue
        cohort = deal.created_at >= since
        leads += cohort
        top = -1
        first_mql: datetime | None = None
        last_mql: datetime | None = None
        handoff_at: datetime | None = None  # the latest handoff, answered or not
        pending_at: datetime | None = None  # the latest handoff while it awaits an answer
        handoff_counts = accepted = False
        for event in deal.history:
            kind = event.kind
            if kind is _MOVED or kind is _CREATED or kind is _REJECTED:
                to = event.data.get("to", "")
                if cohort and index.get(to, -1) > top:
                    top = index[to]
                if to == mql:  # entered the MQL stage, or was sent back to it
                    at = event.at
                    first_mql = first_mql or at
                    last_mql = at
                if kind is not _REJECTED:
                    continue
                at = event.at
                rejects += since <= at < until
            elif kind is _HANDOFF:
                handoff_at = pending_at = at = event.at
                handoff_counts = since <= at < until
                if handoff_counts:
                    handoffs += 1
                    overrides += "override" in event.data
                    if last_mql is not None:
                        took = at - last_mql
                        to_handoff.append(took.days * 24 + took.seconds / 3600)
                if cohort and index.get(event.data.get("to", ""), -1) > top:
                    top = index[event.data["to"]]
                continue
            elif kind is _ACCEPTED:
                at = event.at
                if at < until:
                    accepted = True
                    if at >= since:
                        accepts += 1
                        if handoff_at is not None:
                            took = at - handoff_at
                            to_accept.append(took.days * 24 + took.seconds / 3600)
            elif kind is _LOST:
                at = event.at
            else:  # won or reopened: only the stage reached matters; edits change no stage
                if cohort and index.get(event.data.get("to", ""), -1) > top:
                    top = index[event.data["to"]]
                continue
            # An accept, a rejection or a loss answers a pending handoff and stops its clock.
            if pending_at is not None:
                breaches += handoff_counts and at - pending_at > sla
                pending_at = None
        if pending_at is not None and handoff_counts and horizon - pending_at > sla:
            breaches += 1
        if first_mql is not None and since <= first_mql < until:
            mqls += 1
            mqls_accepted += accepted
        if top >= 0:
            tops[top] += 1

    for stage in pipeline.stages:
        values = open_by_stage[stage.key]
        total = sum(values, _ZERO)
        state.open_deals += len(values)
        state.pipeline_value += total
        state.weighted += total * stage.probability
        if stage.team is Team.SALES:
            state.open_sales += len(values)
    state.open_deals += len(open_elsewhere)
    state.pipeline_value += sum(open_elsewhere, _ZERO)
    state.won, state.revenue = len(won_values), sum(won_values, _ZERO)
    state.lost, state.by_sales, state.cycle_seconds = lost, by_sales, cycle_seconds
    state.won_to_date = won_to_date
    flow.leads, flow.mqls, flow.mqls_accepted = leads, mqls, mqls_accepted
    flow.handoffs, flow.accepts, flow.rejects, flow.breaches = handoffs, accepts, rejects, breaches
    flow.overrides = overrides
    return state, flow
