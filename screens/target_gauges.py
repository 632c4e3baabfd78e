"""The team's targets for this calendar month in the side panel: one gauge each, with the pace.

The board computes month-to-date figures in a worker and hands the progress over; this widget
only draws. Each gauge is glyphs (``█`` achieved, ``│`` where today's pace is, ``·`` to go)
and words (``✓ on pace`` / ``↓ behind``), so it reads without colour.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from board.metrics_pictures import (
    GAUGE_OVER,
    TARGET_FILL,
    TARGET_PACE,
    TARGET_PACE_MET,
    target_gauge,
)
from board.metrics_report import rate_text, target_value
from board.targets import TARGET_LABELS, TargetProgress


def targets_content(
    progress: tuple[TargetProgress, ...], month: str, currency: str, width: int
) -> Content:
    """A title, then per target a line of figures and a line of gauge."""
    lines = [Content.styled(f"◎ Targets · {month}", "bold $text-primary")]
    styles = {
        TARGET_FILL: "$success",
        TARGET_PACE_MET: "$success",
        TARGET_PACE: "bold $warning",
        GAUGE_OVER: "bold $success",
    }
    for p in progress:
        figures = (
            f"{target_value(p.name, p.actual, currency)} / "
            f"{target_value(p.name, p.target, currency)}"
        )
        name = TARGET_LABELS[p.name]
        gap = max(width - len(name) - len(figures), 1)
        lines.append(Content(f"{name}{' ' * gap}{figures}"))
        verdict = "✓ on pace" if p.on_pace else "↓ behind"
        words = f" {rate_text(p.progress)} {verdict}"
        pace = float(p.expected / p.target) if p.target else None
        cells = target_gauge(p.progress, pace, max(width - len(words), 4))
        lines.append(
            Content.assemble(
                *((cell, styles.get(cell, "$text-muted")) for cell in cells),
                (words, "$text-success" if p.on_pace else "$text-warning"),
            ).simplify()
        )
    return Content("\n").join(lines)


class TargetGauges(Static):
    """This month's targets; hidden when the team has none."""

    DEFAULT_CSS = """
    TargetGauges {
        height: auto;
        margin-bottom: 1;
        display: none;
    }
    """

    shown: tuple[tuple[TargetProgress, ...], str, str] = ((), "", "")
    """The progress, month and currency drawn, kept to draw again at a new width."""

    def show(self, progress: tuple[TargetProgress, ...], month: str, currency: str) -> None:
        """Draw the gauges for the width the panel has."""
        self.shown = (progress, month, currency)
        self.display = bool(progress)
        self._draw()

    def on_resize(self) -> None:
        """A new width: draw the gauges to fit it."""
        self._draw()

    def _draw(self) -> None:
        progress, month, currency = self.shown
        if progress:
            # Not laid out yet (hidden until now): the panel's usual width.
            width = max(self.content_size.width or 26, 20)
            self.update(targets_content(progress, month, currency, width))
