"""How the terminal's width is shared: every stage column whole, the side panel beside them.

Pure arithmetic, no Textual: the board screen applies the answer to its widgets, and the
layout test checks every width from 80 to 250 against it and against the widgets' regions.
"""

from __future__ import annotations

from dataclasses import dataclass

HANDOFF_WIDTH = 3
"""The handoff line between the marketing and the sales columns."""
COMFORT_COLUMN = 20
"""Narrowest column, borders included, that shows money totals and SLA clocks whole; below
it the side panel makes way for the columns unless the person asked for it."""
NARROW_COLUMN = 15
"""Narrowest column the side panel may squeeze the board to when the person asked for it."""
PANEL_MIN = 30
PANEL_MAX = 40
"""The side panel's width: a fifth of the terminal, within these bounds."""


@dataclass(frozen=True, slots=True)
class BoardLayout:
    """Widths for one terminal width: each column, and the side panel (0 when hidden)."""

    columns: tuple[int, ...]
    panel: int
    panel_fits: bool
    """Whether the panel could be shown at this width at all (``s`` says so when not)."""

    @property
    def board(self) -> int:
        """Cells the columns and the handoff line take together."""
        return sum(self.columns) + HANDOFF_WIDTH


def panel_width(width: int) -> int:
    """The side panel's width on a terminal ``width`` cells wide."""
    return max(PANEL_MIN, min(PANEL_MAX, width // 5))


def _share(room: int, count: int) -> tuple[int, ...]:
    width, extra = divmod(max(room, 0), count)
    return tuple(width + (1 if index < extra else 0) for index in range(count))


def board_layout(width: int, stages: int, panel_wanted: bool | None) -> BoardLayout:
    """Share ``width`` cells between ``stages`` columns, the handoff line and the side panel.

    ``panel_wanted`` is the person's choice: None lets the panel show only when the columns
    keep `COMFORT_COLUMN` beside it, True shows it while they keep `NARROW_COLUMN`, False
    hides it. The columns always fill what the panel leaves, so none is ever cut or
    scrolled out of sight.
    """
    panel = panel_width(width)
    room = width - panel - HANDOFF_WIDTH
    fits = room // stages >= NARROW_COLUMN
    comfortable = room // stages >= COMFORT_COLUMN
    shown = comfortable if panel_wanted is None else panel_wanted and fits
    if not shown:
        panel, room = 0, width - HANDOFF_WIDTH
    return BoardLayout(_share(room, stages), panel, fits)
