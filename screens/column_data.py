"""What one column shows: its stage, its deals in board order, and their totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from board.deal import Deal, Status
from board.stages import Pipeline, Stage
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
        return sum((deal.value for deal in self.deals), Decimal(0))

    @property
    def weighted(self) -> Decimal:
        """Total value times the stage's probability of winning."""
        return (self.total * self.stage.probability).quantize(Decimal("0.01"))


def _board_order(deal: Deal) -> tuple[int, float]:
    # Pending handoffs first (their SLA clock is ticking), then the longest in the stage,
    # so rotting deals surface at the top where nobody can miss them.
    if deal.awaiting_acceptance:
        assert deal.handoff is not None
        return (0, deal.handoff.at.timestamp())
    return (1, deal.stage_entered_at.timestamp())


def _customer_order(deal: Deal) -> float:
    # Newest customers first.
    return -(deal.won_at or deal.stage_entered_at).timestamp()


def build_columns(
    deals: Iterable[Deal], pipeline: Pipeline, deal_filter: DealFilter | None = None
) -> tuple[ColumnData, ...]:
    """Group deals by stage: open deals everywhere, won deals in the customer column, no lost."""
    by_stage: dict[str, list[Deal]] = {key: [] for key in pipeline.keys}
    customer = pipeline.customer.key
    for deal in deals:
        if deal.status is Status.LOST or deal.stage not in by_stage:
            continue
        if deal.status is Status.WON and deal.stage != customer:
            continue
        if deal_filter is None or deal_filter.matches(deal):
            by_stage[deal.stage].append(deal)
    columns = []
    for stage in pipeline.stages:
        shown = by_stage[stage.key]
        if stage.key == customer:
            shown.sort(key=_customer_order)
        else:
            shown.sort(key=_board_order)
        columns.append(ColumnData(stage, tuple(shown)))
    return tuple(columns)
