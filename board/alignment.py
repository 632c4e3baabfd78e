"""The weekly alignment page: both teams' numbers, gathered once for Markdown and HTML.

Pure: the deals, the spend, the settings, the window and ``now`` come in; an
`AlignmentReport` goes out, which `board.report_markdown` and `board.report_html` write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from board.deal import Deal, EventKind
from board.metrics import Metrics, Window, compute_metrics
from board.metrics_groups import GroupRow, metrics_by
from board.settings import Settings
from board.spend import Spend
from board.targets import TargetProgress, target_progress


@dataclass(frozen=True, slots=True)
class Override:
    """A handoff in the window made past the qualification gate."""

    deal_id: int
    title: str
    source: str
    by: str
    at: datetime
    reason: str
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Waiting:
    """A deal handed off to sales and still unanswered past the SLA, now."""

    deal_id: int
    title: str
    owner: str
    source: str
    hours: float


@dataclass(frozen=True, slots=True)
class Rotting:
    """An open deal longer in its stage than the stage allows, now."""

    deal_id: int
    title: str
    owner: str
    stage: str
    days: float


@dataclass(frozen=True, slots=True)
class AlignmentReport:
    """Everything the weekly page shows."""

    metrics: Metrics
    targets: tuple[TargetProgress, ...]
    sources: tuple[GroupRow, ...]
    overrides: tuple[Override, ...]
    waiting: tuple[Waiting, ...]
    rotting: tuple[Rotting, ...]
    """Ordered by owner, then by days in the stage, longest first."""


def alignment_report(
    deals: Sequence[Deal],
    spend: Sequence[Spend],
    *,
    settings: Settings,
    window: Window,
    now: datetime,
) -> AlignmentReport:
    """Gather the page for ``window``; waits and rotting are judged at ``now``."""
    metrics = compute_metrics(deals, spend, settings=settings, window=window, now=now)
    sources = metrics_by("source", deals, spend, settings=settings, window=window, now=now)
    return AlignmentReport(
        metrics,
        target_progress(metrics, settings.targets),
        sources,
        _overrides(deals, window),
        _waiting(deals, settings, now),
        _rotting(deals, settings, now),
    )


def _overrides(deals: Sequence[Deal], window: Window) -> tuple[Override, ...]:
    found = [
        Override(
            deal.id,
            deal.title,
            deal.source,
            event.by,
            event.at,
            str(event.data.get("reason", "")),
            tuple(str(c) for c in event.data.get("missing", ())),
        )
        for deal in deals
        for event in deal.history
        if event.kind is EventKind.HANDOFF and event.data.get("override") and event.at in window
    ]
    return tuple(sorted(found, key=lambda o: (o.at, o.deal_id)))


def _waiting(deals: Sequence[Deal], settings: Settings, now: datetime) -> tuple[Waiting, ...]:
    sla = timedelta(hours=settings.handoff_sla_hours)
    found = [
        Waiting(
            deal.id,
            deal.title,
            deal.owner,
            deal.source,
            (now - deal.handoff.at).total_seconds() / 3600,
        )
        for deal in deals
        if deal.awaiting_acceptance and deal.handoff is not None and now - deal.handoff.at > sla
    ]
    return tuple(sorted(found, key=lambda w: (-w.hours, w.deal_id)))


def _rotting(deals: Sequence[Deal], settings: Settings, now: datetime) -> tuple[Rotting, ...]:
    pipeline = settings.pipeline
    found = []
    for deal in deals:
        if not deal.is_open or deal.stage not in pipeline:
            continue
        days = (now - deal.stage_entered_at).total_seconds() / 86400
        if days > pipeline.get(deal.stage).rot_days:
            found.append(Rotting(deal.id, deal.title, deal.owner, deal.stage, days))
    return tuple(sorted(found, key=lambda r: (r.owner, -r.days, r.deal_id)))
