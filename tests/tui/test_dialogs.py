"""Dialogs at 80×24: whole questions, their own keys, help read to its end, the card kept in view."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from board import journey
from screens.board_view import BoardView
from screens.deal_card import CARD_HEIGHT
from tests.tui.conftest import (
    NOW,
    P,
    create,
    loaded,
    make_app,
    screen_text,
    seed,
    selected_id,
    settled,
    until,
)


def last_line(app: object) -> str:
    from textual.app import App

    assert isinstance(app, App)
    return screen_text(app).splitlines()[-1]


async def test_help_scrolls_to_its_last_key_at_80_by_24(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Quit funnel" not in screen_text(app)
        assert "↑↓ Scroll" in last_line(app) and "esc Close" in last_line(app)
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert "Quit funnel" in screen_text(app)


async def test_handoff_and_reject_prompts_show_their_whole_question(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "L")
        await until(pilot, lambda: "Hand off to sales" in screen_text(app))
        flat = " ".join(screen_text(app).split())
        assert "A note for █ █ sales (optional):" in flat or "(optional):" in flat
        assert "enter OK" in last_line(app) and "esc Cancel" in last_line(app)
        await pilot.press("escape", "4", "H")
        await until(pilot, lambda: "Reject the handoff" in screen_text(app))
        assert "(required)" in screen_text(app)


async def test_each_dialog_shows_its_own_keys(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: "Add a deal" in screen_text(app))
        assert "^s Save" in last_line(app) and "esc Cancel" in last_line(app)
        await pilot.press("escape", "4", "X")
        await until(pilot, lambda: "lost?" in screen_text(app))
        assert "enter Pick" in last_line(app) and "esc Cancel" in last_line(app)
        await pilot.press("escape", "d")
        await until(pilot, lambda: "Delete deal" in screen_text(app))
        assert "y Yes" in last_line(app) and "n No" in last_line(app)


async def test_the_criteria_picker_shows_its_own_keys(board_store: Path) -> None:
    from screens.app import FunnelApp
    from tests.tui.test_qualification import team_app

    app: FunnelApp = team_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "Q")
        await until(pilot, lambda: "Which criteria" in screen_text(app))
        keys = last_line(app)
        assert "space Tick" in keys and "enter Save" in keys and "esc Cancel" in keys, keys


async def test_e_in_the_detail_view_opens_the_edit_form(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: "History" in screen_text(app))
        assert "e Edit" in last_line(app) and "esc Close" in last_line(app)
        await pilot.press("e")
        await until(pilot, lambda: "Edit deal 1" in screen_text(app))


async def test_the_accepted_card_stays_in_view(store: Path) -> None:
    def deals(first: int) -> list[journey.Deal]:
        older = [create(first + i, f"Older {i}", "purchase", age_days=10 + i) for i in range(12)]
        fresh = create(first + 12, "Fresh handoff", "consideration", age_days=3)
        fresh = journey.handoff(fresh, pipeline=P, by="maya", now=NOW - timedelta(hours=1))
        return [*older, fresh]

    seed(store, deals)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        board = await loaded(pilot)
        await pilot.press("4")
        assert selected_id(app) == 13  # pending handoffs come first
        await pilot.press("A")
        await settled(pilot)
        assert selected_id(app) == 13  # now last: the newest in the stage
        view = board.query_one(BoardView)
        deal_list = view.columns[view.active].deal_list
        top = deal_list.cursor * CARD_HEIGHT - deal_list.scroll_offset.y
        assert top >= 0 and top + CARD_HEIGHT - 1 <= deal_list.scrollable_content_region.height
        assert "Fresh" in screen_text(app)
