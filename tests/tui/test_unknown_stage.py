"""A deal whose stage left the settings stays on the board, in a lane of its own."""

from __future__ import annotations

import dataclasses
from itertools import pairwise
from pathlib import Path

from screens.board_view import BoardView
from screens.column_data import UNKNOWN_STAGE
from tests.tui.conftest import create, loaded, make_app, screen_text, seed, settled, stored


def _stray_store(store: Path) -> Path:
    seed(
        store,
        lambda first: [
            create(first, "Acme renewal", "awareness"),
            dataclasses.replace(create(first + 1, "Orphan deal", "interest"), stage="webinar"),
        ],
    )
    return store


async def test_a_deal_in_a_removed_stage_is_shown_in_the_unknown_lane(store: Path) -> None:
    app = make_app(_stray_store(store))
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        board = app.screen.query_one(BoardView)
        lane = board.columns[-1]
        assert lane.stage is UNKNOWN_STAGE and lane.display
        assert [deal.title for deal in lane.data.deals] == ["Orphan deal"]
        text = screen_text(app)
        assert "Unknown stage" in text and "Orphan deal" in text


async def test_a_deal_is_moved_out_of_the_unknown_lane(store: Path) -> None:
    app = make_app(_stray_store(store))
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        board = app.screen.query_one(BoardView)
        await pilot.press("6")  # the lane comes after the five stages
        assert board.selected is not None and board.selected.title == "Orphan deal"
        await pilot.press("H")  # back into the last open stage
        await settled(pilot)
        assert stored(store, 2).stage == "purchase"
        assert not board.columns[-1].display
        assert app.is_running


async def test_no_lane_without_stray_deals(store: Path) -> None:
    seed(store, lambda first: [create(first, "Acme renewal", "awareness")])
    app = make_app(store)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        assert not app.screen.query_one(BoardView).columns[-1].display
        await pilot.press("9")  # no column there: the cursor stays in the stages
        assert app.screen.query_one(BoardView).active < 5


async def test_a_board_of_only_stray_deals_is_not_called_empty(store: Path) -> None:
    seed(
        store,
        lambda first: [dataclasses.replace(create(first, "Orphan deal", "interest"), stage="gone")],
    )
    app = make_app(store)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        assert not app.screen.query_one("#empty").display
        assert "Orphan deal" in screen_text(app)


async def test_the_unknown_lane_takes_a_whole_column_of_the_width(store: Path) -> None:
    app = make_app(_stray_store(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        board = app.screen.query_one(BoardView)
        # The lane shows with the first read, after the layout: no resize asks for room.
        for width in (80, 100, 120, 160, 200, 250):
            if width != 80:
                await pilot.resize_terminal(width, 30)
            await pilot.pause()
            screen = app.screen.region
            regions = [column.region for column in board.columns]
            assert len(regions) == 6 and all(r.width > 2 for r in regions), width
            for left, right in pairwise(regions):
                assert left.right <= right.x, f"columns overlap at {width}"
            assert all(screen.contains_region(r) for r in regions), f"a column cut at {width}"
            panel = app.screen.query_one("#side-panel")
            if panel.display:
                assert panel.region.x >= regions[-1].right, f"panel over the lane at {width}"
        assert "Orphan deal" in screen_text(app)
        await pilot.press("6", "H")  # the lane empties and goes: the stages share its room
        await settled(pilot)
        regions = [column.region for column in board.columns[:-1]]
        assert not board.columns[-1].display
        assert regions[-1].right == board.region.right
        assert board.region.right + app.screen.query_one("#side-panel").region.width == 250


async def test_a_step_on_from_the_unknown_lane_says_there_is_none(store: Path) -> None:
    app = make_app(_stray_store(store))
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("6", "L")
        await pilot.pause()
        said = [n.message for n in app._notifications if n.title == "Cannot move"]
        assert said and "there is no stage after it" in said[0], said
        assert stored(store, 2).stage == "webinar"
