"""Won and lost deals, which leave the board's columns: find one by typing, reopen it with enter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from board.deal import Deal, Status
from board.money import money_display
from board.stages import Pipeline
from board.text import counted, printable
from board.timestamps import age_text
from screens.deal_filter import DealFilter
from screens.key_bar import KeyBar

SHOWN = 200
"""Rows the list holds at most; typing narrows the rest down."""


def closed_deals(deals: Iterable[Deal]) -> list[Deal]:
    """Won and lost deals, most recently closed first."""
    closed = [deal for deal in deals if deal.status is not Status.OPEN]
    return sorted(closed, key=lambda d: d.won_at or d.lost_at or d.updated_at, reverse=True)


def closed_row(deal: Deal, pipeline: Pipeline, now: datetime) -> Content:
    """``#8  Soylent migration · Soylent · $9,000  lost 1d ago in Purchase: no budget``."""
    when = deal.won_at or deal.lost_at or deal.updated_at
    ago = age_text((now - when).total_seconds())
    stage = pipeline.get(deal.stage).label if deal.stage in pipeline else deal.stage
    status = (
        Content.styled(f"won {ago} ago", "$text-success")
        if deal.status is Status.WON
        else Content.styled(f"lost {ago} ago in {printable(stage)}", "$text-error")
    )
    parts = [
        Content.styled(f"#{deal.id}  ", "$text-muted"),
        Content.styled(printable(deal.title), "bold"),
        Content(
            f" · {printable(deal.company) or '—'} · {money_display(deal.value, deal.currency)}  "
        ),
        status,
    ]
    if deal.status is Status.LOST and deal.lost_reason:
        parts.append(Content(f": {printable(deal.lost_reason)}"))
    return Content.assemble(*parts)


class ClosedDeals(ModalScreen[int | None]):
    """Returns the id of the deal to reopen, or None on escape."""

    CSS_PATH = "dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Close")]

    def __init__(
        self, deals: Sequence[Deal], pipeline: Pipeline, now: datetime, *, blink: bool = True
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.deals = closed_deals(deals)
        self.pipeline = pipeline
        self.now = now
        self.blink = blink

    def compose(self) -> ComposeResult:
        won = sum(1 for deal in self.deals if deal.status is Status.WON)
        with Vertical(classes="dialog", id="closed-dialog"):
            yield Static(
                f"Closed deals: {won:,} won, {len(self.deals) - won:,} lost",
                classes="dialog-title",
            )
            search = Input(
                placeholder="type to find: title, company, owner, source, tags", id="find"
            )
            search.cursor_blink = self.blink
            yield search
            yield OptionList(id="closed")
            yield Static("", id="closed-count", markup=False)
        yield KeyBar(
            pinned=("escape",),
            hints=[("type", "Find"), ("↑↓", "Choose"), ("enter", "Reopen")],
        )

    def on_mount(self) -> None:
        self._show("")

    def _show(self, text: str) -> None:
        matches = DealFilter(text=text).matches if text else None
        found = [deal for deal in self.deals if matches is None or matches(deal)]
        options = self.query_one("#closed", OptionList)
        options.clear_options()
        options.add_options(
            Option(closed_row(deal, self.pipeline, self.now), id=str(deal.id))
            for deal in found[:SHOWN]
        )
        if found:
            options.highlighted = 0
        more = f" (the first {SHOWN} shown: type to narrow)" if len(found) > SHOWN else ""
        self.query_one("#closed-count", Static).update(
            f"{counted(len(found), 'deal')}{more}" if found else "No closed deal matches."
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing narrows the list."""
        event.stop()
        self._show(event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search field reopens the highlighted deal."""
        event.stop()
        self._reopen()

    def on_key(self, event: events.Key) -> None:
        """Up and down move in the list while the search field has the focus."""
        if event.key in {"up", "down"}:
            options = self.query_one("#closed", OptionList)
            if event.key == "down":
                options.action_cursor_down()
            else:
                options.action_cursor_up()
            event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a row reopens that deal."""
        event.stop()
        self.dismiss(int(event.option.id or 0) or None)

    def _reopen(self) -> None:
        options = self.query_one("#closed", OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        self.dismiss(int(option.id or 0) or None)

    def action_cancel(self) -> None:
        """Escape: back to the board."""
        self.dismiss(None)
