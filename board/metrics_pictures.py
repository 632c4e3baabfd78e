"""Small pictures of metrics drawn with glyphs, so they read the same with or without colour.

Plain strings: the panel colours them (by glyph) from the theme; tests read them as text.
"""

from __future__ import annotations

from board.metrics_result import Guidance

FULL = "█"
_EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
GAUGE_FILL, GAUGE_BAND, GAUGE_REST, GAUGE_OVER = "█", "░", "·", "»"
"""A gauge's spent cells, the guidance range's unspent cells, the rest, and off the scale."""


def bar(fraction: float, width: int) -> str:
    """A bar of up to ``width`` cells for a fraction from 0 to 1, in eighths of a cell.

    Anything above zero shows at least a sliver, so "a few" never looks like "none".
    """
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    if fraction > 0 and eighths == 0:
        eighths = 1
    full, part = divmod(eighths, 8)
    return FULL * full + _EIGHTHS[part]


def gauge(share: float | None, guidance: Guidance, width: int) -> str:
    """Spend as a share of revenue, on a scale from 0 to twice the top of the guidance.

    Spent cells are ``█``; the guidance range's other cells ``░``; the rest ``·``. A share
    past the end of the scale ends in ``»``. An undefined share draws the empty scale.
    """
    top = guidance.high * 2
    cells: list[str] = []
    for i in range(width):
        middle = (i + 0.5) / width * top
        if share is not None and share >= middle:
            cells.append(GAUGE_FILL)
        elif guidance.low <= middle <= guidance.high:
            cells.append(GAUGE_BAND)
        else:
            cells.append(GAUGE_REST)
    if share is not None and share > top and cells:
        cells[-1] = GAUGE_OVER
    return "".join(cells)


TARGET_FILL, TARGET_REST, TARGET_PACE, TARGET_PACE_MET = "█", "·", "│", "▓"
"""A target gauge's achieved cells, the rest, today's pace when not yet reached, and reached."""


def target_gauge(progress: float | None, pace: float | None, width: int) -> str:
    """Progress toward a target on a scale from 0 to the target, with today's pace marked.

    Achieved cells are ``█``, the rest ``·``; the cell of the expected pace is ``│`` when
    the team is short of it and ``▓`` when it has got there. Past the target the last cell
    is ``»``. An undefined progress (a zero target) draws the empty scale.
    """
    filled = 0 if progress is None else min(round(progress * width), width)
    if progress is not None and progress > 0 and filled == 0:
        filled = 1  # a few is not none
    cells = [TARGET_FILL] * filled + [TARGET_REST] * (width - filled)
    if pace is not None and width:
        at = min(max(round(pace * width) - 1, 0), width - 1)
        cells[at] = TARGET_PACE_MET if at < filled else TARGET_PACE
    if progress is not None and progress > 1 and cells:
        cells[-1] = GAUGE_OVER
    return "".join(cells)
