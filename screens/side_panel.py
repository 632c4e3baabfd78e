"""The panel right of the board: the pipeline per side, the handoffs waiting, then metrics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from board.deal import Deal
from board.money import money_display
from board.stages import Pipeline, Team
from board.text import printable
from board.timestamps import age_text
from screens.deal_card import fit

WAITING_SHOWN = 8
"""How many waiting handoffs the panel lists before it says how many more there are."""


def summary_content(
    deals: Sequence[Deal], pipeline: Pipeline, now: datetime, sla_hours: int, currency: str,
    width: int = 30,
) -> Content:
    """Count and value per side, and the deals awaiting acceptance, most urgent first."""
    lines: list[Content] = []
    open_deals = [deal for deal in deals if deal.is_open and deal.stage in pipeline]
    for team, title in ((Team.MARKETING, "◇ Marketing"), (Team.SALES, "◆ Sales")):
        mine = [deal for deal in open_deals if pipeline.get(deal.stage).team is team]
        total = sum((deal.value for deal in mine), Decimal(0))
        lines.append(Content.styled(title, "bold"))
        lines.append(Content(f"  {len(mine)} open · {money_display(total, currency)}"))
    waiting = sorted((deal for deal in open_deals if deal.awaiting_acceptance),
                     key=lambda deal: deal.handoff.at if deal.handoff else now)
    lines.append(Content(""))
    lines.append(Content.styled(f"⇢ Awaiting acceptance ({len(waiting)})", "bold"))
    if not waiting:
        lines.append(Content.styled("  none", "$text-muted"))
    for deal in waiting[:WAITING_SHOWN]:
        assert deal.handoff is not None
        left = (deal.handoff.at + timedelta(hours=sla_hours) - now).total_seconds()
        when = f"{age_text(left)} left" if left >= 0 else f"late {age_text(-left)}"
        style = "$text-warning" if left >= 0 else "bold $text-error"
        title = fit(printable(deal.title), max(width - len(when) - 3, 4))
        lines.append(Content.assemble("  ", title, " ", (when, style)))
    if len(waiting) > WAITING_SHOWN:
        lines.append(Content.styled(f"  … and {len(waiting) - WAITING_SHOWN} more", "$text-muted"))
    return Content("\n").join(lines)


class PipelineSummary(Static):
    """What is open on each side and which handoffs wait for sales."""


class SidePanel(VerticalScroll, can_focus=False):
    """The summary, and below it the metrics panel when the build has one."""

    def compose(self) -> ComposeResult:
        yield Static("Pipeline", classes="panel-title")
        yield PipelineSummary(id="summary")
        yield Static("", id="window-label", classes="panel-title")

    def show(self, deals: Sequence[Deal], pipeline: Pipeline, now: datetime, sla_hours: int,
             currency: str, window_label: str) -> None:
        """Fill the panel from the board's deals."""
        width = max(self.size.width - 4, 20)
        self.query_one(PipelineSummary).update(
            summary_content(deals, pipeline, now, sla_hours, currency, width)
        )
        self.query_one("#window-label", Static).update(Content(f"Metrics · {window_label}"))
