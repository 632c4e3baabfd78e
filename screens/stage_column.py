"""One stage of the journey: a header with the buyer's question and totals, then its deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from board.money import money_display
from board.stages import Stage, Team
from board.text import counted, printable
from screens.column_data import ColumnData
from screens.deal_list import DealList


def _longest(forms: list[str], width: int) -> str:
    """The first form that fits ``width`` cells; the last one (the bare figure) otherwise."""
    return next((form for form in forms if cell_len(form) <= width), forms[-1])


def header_content(
    data: ColumnData, number: int, currency: str, active: bool, width: int = 40
) -> Content:
    """The header text: label, question, count and value, weighted value.

    The figures lose words, never digits, to fit ``width`` cells: ``18 deals $202.5k``
    becomes ``18 · $202.5k``, then ``$202.5k``.
    """
    stage = data.stage
    marker = "▶" if active else ("◇" if stage.team is Team.MARKETING else "◆")
    label = Content.styled(f"{marker} {number} {printable(stage.label)}", "bold")
    question = Content.styled(printable(stage.question) or " ", "italic $text-muted")
    total = money_display(data.total, currency, compact=True)
    weighted = money_display(data.weighted, currency, compact=True)
    percent = f"{stage.probability * 100:.0f}%"
    figures = [f"{counted(data.count, 'deal')} {total}", f"{data.count:,} · {total}", total]
    chances = [f"≈ {weighted} at {percent}", f"≈ {weighted}"]
    return Content("\n").join(
        [
            label,
            question,
            Content(_longest(figures, width)),
            Content.styled(_longest(chances, width), "$text-muted"),
        ]
    )


class StageColumn(Vertical):
    """A column of the board; the board view feeds it data and tells it when it is active."""

    @dataclass
    class Picked(Message):
        """The header was clicked: the board makes this column active."""

        column: StageColumn

    def __init__(self, stage: Stage, number: int, currency: str) -> None:
        super().__init__(id=f"stage-{stage.key}", classes=f"stage-column -{stage.team.value}")
        self.stage = stage
        self.number = number
        self.currency = currency
        self.data = ColumnData(stage, ())
        self.active = False

    def compose(self) -> ComposeResult:
        yield Static(classes="stage-header", markup=False)
        yield DealList(self.stage)

    @property
    def deal_list(self) -> DealList:
        """The list of cards under the header."""
        return self.query_one(DealList)

    def show(self, data: ColumnData, now: datetime, sla_hours: int, keep: int | None) -> None:
        """Show new data, keeping the cursor on deal ``keep`` when it is still here."""
        self.data = data
        self.deal_list.show(data.deals, now, sla_hours, keep)
        self._refresh_header()

    def set_active(self, active: bool) -> None:
        """Mark the column holding the board's cursor with the accent colour on its border.

        Set inline rather than with a CSS class: a class change restyles the column and
        everything in it, and only the colour changes, so no layout pass is needed.
        """
        self.active = active
        variables = self.app.theme_variables
        name = (
            "accent"
            if active
            else ("primary" if self.stage.team is Team.MARKETING else "secondary")
        )
        color = Color.parse(variables.get(name, "white"))
        if not active:
            color = color.with_alpha(0.5)
        marketing = self.stage.team is Team.MARKETING
        self.styles.border = ("round", color) if marketing else ("heavy", color)
        self.deal_list.set_active(active)
        self._refresh_header()

    def _refresh_header(self) -> None:
        # Fixed height: no layout pass, so a move repaints only the columns it touched.
        # Before the first layout the width is the one the board screen set.
        width = self.size.width or int(self.styles.width.value if self.styles.width else 16)
        self.query_one(".stage-header", Static).update(
            header_content(self.data, self.number, self.currency, self.active, width - 3),
            layout=False,
        )

    def on_resize(self) -> None:
        """The figures choose their words for the new width."""
        self._refresh_header()

    def on_click(self, event: events.Click) -> None:
        """A click on the header (cards post their own message) activates the column."""
        if not isinstance(event.widget, DealList):
            self.post_message(self.Picked(self))
