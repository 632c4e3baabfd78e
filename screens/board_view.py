"""The board itself: marketing columns, the handoff line, sales columns, and the cursor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from board.deal import Deal
from board.stages import Pipeline, Team
from screens.board_layout import HANDOFF_WIDTH
from screens.column_data import UNKNOWN_STAGE, ColumnData
from screens.deal_list import DealList
from screens.stage_column import StageColumn

_JUMP = Binding.Group("Stage")


class HandoffLine(Static):
    """The marketing→sales boundary, drawn so it reads without colour."""

    def on_mount(self) -> None:
        self.update(Content("\n".join("⇢ HANDOFF ⇢")))


class BoardView(Horizontal, can_focus=True):
    """All columns with one cursor; arrows and h/j/k/l move it, 1-9 jump to a stage.

    It never scrolls sideways: the board screen gives every column its width (see
    `screens.board_layout`), so all stages are always in view.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "column(-1)", "Prev stage", show=False),
        Binding("right,l", "column(1)", "Next stage", show=False),
        Binding("up,k", "card(-1)", "Up", show=False),
        Binding("down,j", "card(1)", "Down", show=False),
        Binding("pageup", "card(-5)", "Page up", show=False),
        Binding("pagedown", "card(5)", "Page down", show=False),
        Binding("g,home", "first", "First card", show=False),
        Binding("G,end", "last", "Last card", show=False),
        *(
            Binding(
                str(n),
                f"jump({n - 1})",
                "Stage",
                show=n == 1,
                key_display="1-9",
                group=_JUMP,
                tooltip=f"Go to stage {n}",
            )
            for n in range(1, 10)
        ),
    ]

    @dataclass
    class Selected(Message):
        """The cursor moved to another deal (or to an empty column)."""

        deal: Deal | None

    def __init__(self, pipeline: Pipeline, currency: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pipeline = pipeline
        self.currency = currency
        self.active = 0
        """Index of the column with the cursor."""
        self._columns: list[StageColumn] = []
        self._fitted: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        number = 0
        for team, title in ((Team.MARKETING, "◇ MARKETING"), (Team.SALES, "◆ SALES")):
            stages = [s for s in self.pipeline.stages if s.team is team]
            with Vertical(classes=f"band -{team.value}"):
                yield Static(title, classes="band-label", markup=False)
                with Horizontal(classes="band-columns"):
                    for stage in stages:
                        number += 1
                        column = StageColumn(stage, number, self.currency)
                        self._columns.append(column)
                        yield column
            if team is Team.MARKETING:
                yield HandoffLine(classes="handoff-line")
        # Deals whose stage left the settings: a lane of their own, shown only when some are.
        self._lane = StageColumn(UNKNOWN_STAGE, number + 1, self.currency)
        self._lane.display = False
        self._columns.append(self._lane)
        yield self._lane

    def on_mount(self) -> None:
        for column in self._columns:
            column.set_active(column is self._columns[self.active])
        # Borders carry theme colours set inline: follow a change of theme.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        for column in self._columns:
            column.set_active(column.active)

    def fit_columns(self, widths: tuple[int, ...]) -> None:
        """Give each column its width, borders included, in journey order."""
        if widths == self._fitted:
            return
        self._fitted = widths
        shown = self._columns if self._lane.display else self._columns[:-1]
        totals = dict.fromkeys(Team, 0)
        for column, width in zip(shown, widths, strict=True):
            column.styles.width = width
            if column is not self._lane:  # the lane stands after the sales band
                totals[column.stage.team] += width
        for team, total in totals.items():
            self.query_one(f".band.-{team.value}").styles.width = total
        self.styles.width = sum(widths) + HANDOFF_WIDTH

    @property
    def lane_shown(self) -> bool:
        """Whether the unknown-stage lane is on screen (it takes a column's width then)."""
        return bool(self._lane.display)

    def _shown_count(self) -> int:
        """How many columns are on screen: the stages, and the unknown-stage lane if shown."""
        return len(self._columns) - (0 if self._lane.display else 1)

    @property
    def columns(self) -> list[StageColumn]:
        """The columns in journey order."""
        return self._columns

    @property
    def selected(self) -> Deal | None:
        """The deal under the cursor, if the active column has any."""
        return self._columns[self.active].deal_list.selected

    @property
    def active_stage(self) -> str:
        """Key of the stage with the cursor."""
        return self._columns[self.active].stage.key

    def show(
        self,
        columns: tuple[ColumnData, ...],
        now: datetime,
        sla_hours: int,
        keep: int | None,
        changed: set[str] | None = None,
        lane: ColumnData | None = None,
    ) -> None:
        """New data for the columns (only the ``changed`` stages, if given).

        ``lane`` holds the deals of stages the settings no longer have (unchanged if None).
        The cursor follows deal ``keep`` wherever it went; every other column keeps its own
        cursor on the deal it was on.
        """
        if lane is not None:
            columns = (*columns, lane)
            # Shown or hidden, the lane changes how many columns share the width: the
            # board screen, which owns the layout, fits them again (see `lane_shown`).
            self._lane.display = bool(lane.deals)
        else:
            columns = (*columns, self._lane.data)
        if keep is not None:
            for index, data in enumerate(columns):
                if any(deal.id == keep for deal in data.deals):
                    self._activate(index, announce=False)
                    break
        if self.active >= self._shown_count():
            self._activate(self._shown_count() - 1, announce=False)
        for column, data in zip(self._columns, columns, strict=True):
            if column is self._lane:
                if lane is None:
                    continue
            elif changed is not None and column.stage.key not in changed:
                continue
            here = column.deal_list.selected
            column.show(
                data, now, sla_hours, keep if column.active else (here.id if here else None)
            )
        self.post_message(self.Selected(self.selected))

    def select(self, deal_id: int) -> bool:
        """Put the cursor on a deal by id; False when no column shows it."""
        for index, column in enumerate(self._columns):
            for row, deal in enumerate(column.data.deals):
                if deal.id == deal_id:
                    self._activate(index, announce=False)
                    column.deal_list.move_cursor(row)
                    self.post_message(self.Selected(self.selected))
                    return True
        return False

    def _activate(self, index: int, *, announce: bool = True) -> None:
        index = max(0, min(index, self._shown_count() - 1))
        if index != self.active:
            self._columns[self.active].set_active(False)
            self.active = index
            self._columns[index].set_active(True)
        if announce:
            self.post_message(self.Selected(self.selected))

    def action_column(self, step: int) -> None:
        """Move the cursor to the previous or next stage."""
        self._activate(self.active + step)

    def action_jump(self, index: int) -> None:
        """Move the cursor to stage number ``index + 1``."""
        count = self._shown_count()
        if index < count:
            self._activate(index)
        else:
            self.notify(
                f"There is no stage {index + 1}: this board has {count} stages (1-{count}).",
                title="No such stage",
                severity="warning",
            )

    def action_card(self, step: int) -> None:
        """Move the cursor up or down within the column."""
        deal_list = self._columns[self.active].deal_list
        deal_list.move_cursor(deal_list.cursor + step)
        self.post_message(self.Selected(self.selected))

    def action_first(self) -> None:
        """Jump to the first card of the column."""
        self.action_card(-len(self._columns[self.active].data.deals))

    def action_last(self) -> None:
        """Jump to the last card of the column."""
        self.action_card(len(self._columns[self.active].data.deals))

    def on_deal_list_clicked(self, message: DealList.Clicked) -> None:
        """A click selects the card and its column."""
        for index, column in enumerate(self._columns):
            if column.deal_list is message.deal_list:
                self._activate(index, announce=False)
                column.deal_list.move_cursor(message.index)
                self.post_message(self.Selected(self.selected))
        self.focus()

    def on_stage_column_picked(self, message: StageColumn.Picked) -> None:
        """A click on a header activates that column."""
        self._activate(self._columns.index(message.column))
        self.focus()
