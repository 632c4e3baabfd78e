"""Every text on the selected card readable (WCAG ≥ 4.5:1) in truecolor, 256 and 16 colours.

In every built-in theme: the team's settings may name any of them.

The ratio is computed from the styles the board renders: each segment's foreground and
background, brought down to the colour system the terminal has, as a terminal shows them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color, ColorSystem, ColorType
from rich.segment import Segment
from rich.terminal_theme import DEFAULT_TERMINAL_THEME
from textual.theme import BUILTIN_THEMES

from screens.board_view import BoardView
from screens.deal_card import CARD_HEIGHT
from tests.tui.conftest import loaded, make_app

SYSTEMS = {
    "truecolor": ColorSystem.TRUECOLOR,
    "256": ColorSystem.EIGHT_BIT,
    "16": ColorSystem.STANDARD,
}


def _shown(color: Color | None, system: ColorSystem, *, foreground: bool) -> tuple[int, ...]:
    """The colour a terminal of ``system`` shows for ``color``."""
    if color is None or color.type is ColorType.DEFAULT:
        theme = DEFAULT_TERMINAL_THEME
        triplet = theme.foreground_color if foreground else theme.background_color
        return tuple(triplet)
    down = color.downgrade(system) if system is not ColorSystem.TRUECOLOR else color
    return tuple(down.get_truecolor(DEFAULT_TERMINAL_THEME, foreground=foreground))


def _luminance(rgb: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[int, ...], bg: tuple[int, ...]) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def segment_contrast(segment: Segment, system: ColorSystem) -> float:
    """How readable one rendered segment is on a terminal of ``system``."""
    style = segment.style
    assert style is not None
    fg = _shown(style.color, system, foreground=True)
    bg = _shown(style.bgcolor, system, foreground=False)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:  # terminals draw dim text about halfway to the background
        fg = tuple((f + b) // 2 for f, b in zip(fg, bg, strict=True))
    return contrast(fg, bg)


async def _selected_card_segments(app: object, deal_id: int) -> list[list[Segment]]:
    from textual.app import App

    assert isinstance(app, App)
    view = app.screen.query_one(BoardView)
    assert view.select(deal_id)
    deal_list = view.columns[view.active].deal_list
    region = deal_list.content_region
    top = region.y + deal_list.cursor * CARD_HEIGHT - deal_list.scroll_offset.y
    strips = app.screen._compositor.render_strips()
    lines = []
    for y in range(top, top + CARD_HEIGHT - 1):
        strip = strips[y].crop(region.x, region.right)
        lines.append([s for s in strip if s.text.strip() and s.style is not None])
    return lines


@pytest.mark.parametrize("theme", sorted(BUILTIN_THEMES))
async def test_every_text_on_the_selected_card_reads_in_every_colour_system(
    board_store: Path, theme: str
) -> None:
    app = make_app(board_store)
    app.theme = theme
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        for deal_id in range(1, 8):  # every kind of card: rotting, pending, accepted, won…
            await pilot.pause()
            lines = await _selected_card_segments(app, deal_id)
            await pilot.pause()
            lines = await _selected_card_segments(app, deal_id)
            texts = [s.text for line in lines for s in line]
            assert any("@" in text for text in texts), texts  # the owner is there
            for name, system in SYSTEMS.items():
                for line in lines:
                    for segment in line:
                        ratio = segment_contrast(segment, system)
                        assert ratio >= 4.5, (
                            f"{segment.text!r} on deal {deal_id} in {name} colours ({theme}):"
                            f" {ratio:.2f}:1"
                        )


async def test_the_selected_card_stands_out_and_reads_under_no_color(
    board_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(board_store)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        await pilot.pause()
        lines = await _selected_card_segments(app, 5)
        await pilot.pause()
        lines = await _selected_card_segments(app, 5)
        view = app.screen.query_one(BoardView)
        deal_list = view.columns[view.active].deal_list
        assert deal_list.cursor == 1  # Umbrella, below Hooli's pending handoff
        for line in lines:
            assert line[0].text.startswith("▌")  # the cursor's bar, readable without colour
            for segment in line:
                ratio = segment_contrast(segment, ColorSystem.TRUECOLOR)
                assert ratio >= 4.5, f"{segment.text!r} under NO_COLOR: {ratio:.2f}:1"
        # Its background differs from the other cards' too.
        strips = app.screen._compositor.render_strips()
        region = deal_list.content_region
        other = strips[region.y + 1].crop(region.x, region.right)  # Hooli's card
        mine = strips[region.y + CARD_HEIGHT + 1].crop(region.x, region.right)
        other_bg = _shown(
            next(iter(other)).style.bgcolor,  # type: ignore[union-attr]
            ColorSystem.TRUECOLOR,
            foreground=False,
        )
        mine_bg = _shown(
            next(iter(mine)).style.bgcolor,  # type: ignore[union-attr]
            ColorSystem.TRUECOLOR,
            foreground=False,
        )
        assert contrast(other_bg, mine_bg) > 1.5
