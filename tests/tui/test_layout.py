"""The board at every terminal size from 80×24 to 250×70: whole columns, no overlap, keys shown."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from textual.geometry import Region

from screens.board_layout import COMFORT_COLUMN, HANDOFF_WIDTH, board_layout
from screens.board_view import BoardView
from screens.key_bar import KeyBar
from screens.side_panel import SidePanel
from screens.stage_column import StageColumn
from tests.tui.conftest import loaded, make_app, screen_text


def test_the_shares_fill_the_width_and_the_panel_only_shows_with_room() -> None:
    for stages in range(3, 10):
        for width in range(80, 251):
            for wanted in (None, True, False):
                layout = board_layout(width, stages, wanted)
                assert len(layout.columns) == stages
                assert layout.board + layout.panel == width
                assert max(layout.columns) - min(layout.columns) <= 1
                if wanted is False:
                    assert layout.panel == 0
                if wanted is None and layout.panel:
                    assert min(layout.columns) >= COMFORT_COLUMN


def test_five_stages_keep_room_for_totals_and_clocks_from_120_columns() -> None:
    for width in range(120, 251):
        assert min(board_layout(width, 5, None).columns) >= COMFORT_COLUMN


def _region_text(text: str, region: Region) -> str:
    lines = text.splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


async def test_every_width_from_80_to_250_shows_every_column_whole(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        board = await loaded(pilot)
        await pilot.press("4")  # the purchase column: a pending handoff with its SLA clock
        for width in range(80, 251):
            height = 24 + (width * 7) % 47  # heights from 24 to 70 along the way
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            screen = app.screen.region
            view = board.query_one(BoardView)
            columns = [c for c in board.query(StageColumn) if c.display]  # no unknown lane
            panel = board.query_one(SidePanel)
            where = f"at {width}×{height}"
            assert view.scroll_offset.x == 0 and view.max_scroll_x == 0, where
            regions = [c.region for c in columns]
            for column, region in zip(columns, regions, strict=True):
                assert region.width == column.outer_size.width > 2, where
                assert screen.contains_region(region), f"{column.stage.key} cut {where}"
            for left, right in pairwise(regions):
                assert left.right <= right.x, f"columns overlap {where}"
            assert regions[-1].right - regions[0].x == sum(r.width for r in regions) + (
                HANDOFF_WIDTH
            ), where
            if panel.display:
                assert panel.region.x >= regions[-1].right, f"panel over a column {where}"
                assert screen.contains_region(panel.region), where
            bar = board.query_one(KeyBar)
            assert screen.contains_region(bar.region), where
            text = screen_text(app)
            keys = text.splitlines()[-1]
            assert "? Help" in keys and "q Quit" in keys and "s Panel" in keys, where
            if width >= 120:
                purchase = _region_text(text, regions[3])
                assert "3 deals $40k" in purchase, f"total cut {where}:\n{purchase}"
                assert "≈ $20k at 50%" in purchase, where
                assert "accept in 19h" in purchase, f"SLA clock cut {where}:\n{purchase}"
            else:
                purchase = _region_text(text, regions[3])
                assert "$40k" in purchase and "19h" in purchase, where


async def test_s_shows_the_panel_at_120_columns_beside_narrower_columns(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        board = await loaded(pilot)
        panel = board.query_one(SidePanel)
        assert not panel.display  # the columns keep their room for the figures
        await pilot.press("s")
        await pilot.pause()
        assert panel.display
        last = board.query_one("#stage-customer", StageColumn)
        assert last.region.right <= panel.region.x
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert not panel.display  # no room at all: hidden, the columns stay whole
        await pilot.press("s")
        await pilot.pause()
        assert any(n.title == "No room for the panel" for n in app._notifications)
