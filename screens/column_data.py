"""What one column shows: its stage, its deals in board order, and their totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import takewhile

from board.deal import Deal, Status
from board.stages import Pipeline, Stage, Team
from screens.deal_filter import DealFilter


@dataclass(frozen=True, slots=True)
class ColumnData:
    """A stage with the deals shown in it and the totals of its header."""

    stage: Stage
    deals: tuple[Deal, ...]

    @property
    def count(self) -> int:
        """How many deals the column shows."""
        return len(self.deals)

    @property
    def total(self) -> Decimal:
        """Sum of the shown deals' values."""
        return sum([deal.value for deal in self.deals], Decimal(0))

    @property
    def waiting(self) -> list[Deal]:
        """The shown deals awaiting acceptance (the board puts them first)."""
        return list(takewhile(lambda deal: _board_order(deal)[0] == 0, self.deals))

    @property
    def weighted(self) -> Decimal:
        """Total value times the stage's probability of winning."""
        return (self.total * self.stage.probability).quantize(Decimal("0.01"))


_OPEN, _WON, _LOST = Status.OPEN, Status.WON, Status.LOST  # enum lookups are slow in loops


def _board_order(deal: Deal) -> tuple[int, datetime]:
    # Pending handoffs first (their SLA clock is ticking), then the longest in the stage,
    # so rotting deals surface at the top where nobody can miss them.
    handoff = deal.handoff
    if handoff is not None and handoff.accepted_at is None and handoff.rejected_at is None:
        return (0, handoff.at)
    return (1, deal.stage_entered_at)


def _customer_order(deal: Deal) -> datetime:
    return deal.won_at or deal.stage_entered_at


def build_columns(
    deals: Iterable[Deal], pipeline: Pipeline, deal_filter: DealFilter | None = None
) -> tuple[ColumnData, ...]:
    """Group deals by stage: open deals everywhere, won deals in the customer column, no lost."""
    by_stage: dict[str, list[Deal]] = {key: [] for key in pipeline.keys}
    customer = pipeline.customer.key
    matches = deal_filter.matches if deal_filter is not None and deal_filter.active else None
    for deal in deals:
        status = deal.status
        if status is _LOST or (status is _WON and deal.stage != customer):
            continue
        shown = by_stage.get(deal.stage)
        if shown is not None and (matches is None or matches(deal)):
            shown.append(deal)
    columns = []
    for stage in pipeline.stages:
        shown = by_stage[stage.key]
        if stage.key == customer:
            shown.sort(key=_customer_order, reverse=True)  # newest customers first
        else:
            shown.sort(key=_board_order)
        columns.append(ColumnData(stage, tuple(shown)))
    return tuple(columns)


UNKNOWN_STAGE = Stage(
    "-unknown",  # a configured key starts with a letter: this one can never clash
    "Unknown stage",
    Team.SALES,
    "stages the settings no longer have: move them on",
    "",
    Decimal(0),
    3650,
)
"""The lane of open deals whose stage was removed from the settings, so none disappears."""


def unknown_lane(
    deals: Iterable[Deal], pipeline: Pipeline, deal_filter: DealFilter | None = None
) -> ColumnData:
    """The open deals in stages the pipeline does not have, oldest in their stage first."""
    matches = deal_filter.matches if deal_filter is not None and deal_filter.active else None
    stray = [
        deal
        for deal in deals
        if deal.status is _OPEN
        and deal.stage not in pipeline
        and (matches is None or matches(deal))
    ]
    stray.sort(key=_board_order)
    return ColumnData(UNKNOWN_STAGE, tuple(stray))
