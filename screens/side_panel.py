"""The panel right of the board: open deals per side, the handoffs waiting, then metrics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from board.deal import Deal
from board.metrics import Metrics
from board.metrics_window import Window
from board.money import money_display
from board.stages import Pipeline, Team
from board.text import printable
from board.timestamps import age_text
from screens.column_data import ColumnData
from screens.deal_card import fit
from screens.metrics_panel import MetricsPanel
from screens.target_gauges import TargetGauges

SEARCH_NOTE = "The figures above follow the filter; the metrics below count every deal."
WAITING_SHOWN = 8
"""How many waiting handoffs the panel lists before it says how many more there are."""


def summary_content(
    columns: Sequence[ColumnData],
    now: datetime,
    sla_hours: int,
    currency: str,
    width: int = 30,
) -> Content:
    """Count and value per side, and the deals awaiting acceptance, most urgent first."""
    lines: list[Content] = []
    for team, title in ((Team.MARKETING, "◇ Marketing"), (Team.SALES, "◆ Sales")):
        mine = [c for c in columns if c.stage.team is team and c is not columns[-1]]
        count = sum(column.count for column in mine)
        total = sum((column.total for column in mine), Decimal(0))
        lines.append(Content.styled(title, "bold"))
        lines.append(Content(f"  {count:,} open · {money_display(total, currency)}"))
    waiting = sorted(
        (deal for column in columns for deal in column.waiting),
        key=lambda deal: deal.handoff.at if deal.handoff else now,
    )
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


def metrics_window(days: int | None, now: datetime, deals: Sequence[Deal]) -> Window:
    """The last ``days`` days up to now; None means all time, from the oldest deal."""
    if days is not None:
        return Window(now - timedelta(days=days), now)
    first = min((deal.created_at for deal in deals), default=now)
    return Window(min(first, now - timedelta(days=1)), now)


class PipelineSummary(Static):
    """What is open on each side and which handoffs wait for sales."""

    lines = -1
    """How many lines the summary had, to skip the layout pass when that did not change."""
    shown = Content()
    """What the summary shows now."""

    def show(self, content: Content) -> None:
        """Show new figures; lay out again only when the number of lines changed."""
        lines = content.plain.count("\n")
        if content.plain == self.shown.plain and content.spans == self.shown.spans:
            return  # unchanged: spare the panel a repaint
        self.update(content, layout=lines != self.lines)
        self.lines = lines
        self.shown = content


class SidePanel(VerticalScroll, can_focus=False):
    """The pipeline summary, and below it the metrics of the chosen window."""

    def __init__(self, pipeline: Pipeline, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pipeline = pipeline

    def compose(self) -> ComposeResult:
        yield Static("Pipeline", classes="panel-title")
        yield PipelineSummary(id="summary")
        yield Static(SEARCH_NOTE, id="search-note", markup=False)
        yield TargetGauges(id="targets")
        yield MetricsPanel(self.pipeline, id="metrics")

    def show(
        self,
        columns: Sequence[ColumnData],
        now: datetime,
        sla_hours: int,
        currency: str,
        *,
        searched: bool = False,
    ) -> None:
        """Fill the summary from what the board's columns show (so a filter narrows it too).

        The metrics follow an owner but not the words typed after ``/`` (a cost per lead of
        the deals matching "acme" means nothing): ``searched`` says so between the two.
        """
        self.query_one("#search-note").display = searched
        width = max(self.size.width - 4, 20)
        self.query_one(PipelineSummary).show(
            summary_content(columns, now, sla_hours, currency, width)
        )

    @property
    def metrics(self) -> tuple[Metrics, str] | None:
        """The metrics shown and their window's label (None: being computed)."""
        panel = self.query_one(MetricsPanel)
        return None if panel.metrics is None else (panel.metrics, panel.window_label)

    def show_metrics(self, metrics: Metrics | None, window_label: str) -> None:
        """Hand the metrics of a window to the metrics panel (None: being computed)."""
        panel = self.query_one(MetricsPanel)
        panel.window_label = window_label
        panel.metrics = metrics
