"""User text is never markup and control characters never reach the terminal."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from screens.deal_detail import DealDetail
from tests.tui.conftest import create, loaded, make_app, screen_text, seed, selected_id

HOSTILE = ("[bold]x", "[/", "[@click=app.quit]x[/]")


def hostile_board(first: int) -> list:  # type: ignore[type-arg]
    deals = [
        create(first + i, title, "awareness", age_days=3 - i, company=title)
        for i, title in enumerate(HOSTILE)
    ]
    # A store written by hand may hold what the rules refuse: an escape sequence.
    raw = create(first + 3, "plain", "interest")
    deals.append(dataclasses.replace(raw, title="evil\x1b[2Jred", owner="x\x07y"))
    return deals


async def test_markup_in_titles_renders_literally(store: Path) -> None:
    seed(store, hostile_board)
    app = make_app(store)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        for title in HOSTILE:
            assert title in text
        await pilot.press("enter")
        assert isinstance(app.screen, DealDetail)
        assert "Deal 1 · [bold]x" in screen_text(app)


async def test_clicking_a_hostile_card_only_selects_it(store: Path) -> None:
    seed(store, hostile_board)
    app = make_app(store)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        # third card of Awareness: "[@click=app.quit]x[/]", first line of the card
        await pilot.click("#stage-awareness DealList", offset=(3, 10))
        await pilot.click("#stage-awareness DealList", offset=(5, 10))
        await pilot.pause()
        assert app.is_running
        assert selected_id(app) == 3


async def test_control_characters_are_shown_as_visible_escapes(store: Path) -> None:
    seed(store, hostile_board)
    app = make_app(store)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert "evil\\x1b[2Jred" in text
        assert "@x\\x07y" in text
        assert "\x1b" not in text and "\x07" not in text
        await pilot.press("2", "enter")
        detail = screen_text(app)
        assert "evil\\x1b[2Jred" in detail and "\x1b" not in detail
