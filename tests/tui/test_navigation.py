"""Moving the cursor: arrows, h/j/k/l, g/G, 1-9 and the mouse."""

from __future__ import annotations

from pathlib import Path

from screens.board_view import BoardView
from tests.tui.conftest import loaded, make_app, selected_id

# Board order (see board_deals): awareness [1 Acme], interest [2 Globex],
# consideration [3 Initech], purchase [4 Hooli (pending), 5 Umbrella, 6 Stark],
# customer [7 Wayne].


async def test_h_j_k_l_and_arrows_move_between_cards_and_stages(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        assert selected_id(app) == 1
        await pilot.press("l")
        assert selected_id(app) == 2
        await pilot.press("right", "right")
        assert selected_id(app) == 4
        await pilot.press("j")
        assert selected_id(app) == 5
        await pilot.press("down")
        assert selected_id(app) == 6
        await pilot.press("down")  # past the last card: stays
        assert selected_id(app) == 6
        await pilot.press("k")
        assert selected_id(app) == 5
        await pilot.press("up")
        assert selected_id(app) == 4
        await pilot.press("h")
        assert selected_id(app) == 3
        await pilot.press("left", "left", "left")  # past the first stage: stays
        assert selected_id(app) == 1


async def test_g_and_shift_g_jump_to_first_and_last_card(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("4", "G")
        assert selected_id(app) == 6
        await pilot.press("g")
        assert selected_id(app) == 4


async def test_number_keys_jump_to_a_stage_and_remember_its_cursor(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        view = board.query_one(BoardView)
        await pilot.press("5")
        assert view.active_stage == "customer" and selected_id(app) == 7
        await pilot.press("4", "j")
        assert selected_id(app) == 5
        await pilot.press("1")
        assert view.active_stage == "awareness" and selected_id(app) == 1
        await pilot.press("4")
        assert selected_id(app) == 5  # each column keeps its own cursor
        await pilot.press("9")  # no ninth stage: nothing happens
        assert view.active_stage == "purchase"


async def test_a_click_selects_the_card_and_its_column(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        # second card of Purchase: card lines 5-9 of the list
        await pilot.click("#stage-purchase DealList", offset=(4, 6))
        assert selected_id(app) == 5
        assert board.query_one(BoardView).active_stage == "purchase"
        await pilot.click("#stage-interest .stage-header")
        assert selected_id(app) == 2
