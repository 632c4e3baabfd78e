"""Won and lost deals can be found from the board and reopened onto it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from board.deal import Status
from storage.repository import Changes, Cursor
from tests.tui.conftest import (
    board_of,
    loaded,
    make_app,
    screen_text,
    selected_id,
    settled,
    stored,
    type_text,
    until,
)


async def test_c_finds_a_lost_deal_and_enter_reopens_it(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert "Soylent" not in screen_text(app)  # lost: not on the board
        await pilot.press("c")
        await until(pilot, lambda: "Closed deals: 1 won, 1 lost" in screen_text(app))
        text = screen_text(app)
        assert "Wayne annual contract" in text and "Soylent migration" in text
        assert "no budget" in text
        await type_text(pilot, "soyl")
        await until(pilot, lambda: "Wayne annual contract" not in screen_text(app))
        assert "1 deal" in screen_text(app)
        await pilot.press("enter")
        await settled(pilot)
        deal = stored(board_store, 8)
        assert deal.status is Status.OPEN and deal.stage == "purchase"
        assert selected_id(app) == 8  # the cursor is on it, back on the board
        assert any("Reopened deal 8 in Purchase" in str(n.message) for n in app._notifications)
        await pilot.press("u")
        await settled(pilot)
    assert stored(board_store, 8).status is Status.LOST


async def test_a_search_that_finds_nothing_says_so_and_enter_does_nothing(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("c")
        await until(pilot, lambda: "Closed deals" in screen_text(app))
        await type_text(pilot, "nothing like this")
        await until(pilot, lambda: "No closed deal matches." in screen_text(app))
        await pilot.press("enter")
        await pilot.pause()
        assert "Closed deals" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert stored(board_store, 7).status is Status.WON


async def test_c_lists_the_closed_deals_before_the_board_has_read_them(
    board_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The board reads the open deals first and the closed ones next, for its metrics: hold
    # that second read. c reads the closed deals itself, so it need not wait for it.
    app = make_app(board_store)
    repository = app.repository
    read = repository.changes
    closed_read = threading.Event()

    def held(since: Cursor | None, *, include_closed: bool = True, **more: Any) -> Changes:
        if include_closed:
            closed_read.wait(10)
        return read(since, include_closed=include_closed, **more)

    monkeypatch.setattr(repository, "changes", held)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: board_of(app).loaded)
        assert not board_of(app).complete
        await pilot.press("c")
        await until(pilot, lambda: "Closed deals: 1 won, 1 lost" in screen_text(app))
        assert not board_of(app).complete
        closed_read.set()
        await pilot.press("escape")
        await loaded(pilot)


async def test_the_board_holds_no_closed_deal_it_does_not_need(board_store: Path) -> None:
    """Closed deals of years past are read for the metrics, then held as figures only; the
    list on c reads them again and lets them go when it closes."""
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        board = await loaded(pilot)
        closed = [deal for deal in board.deals.values() if not deal.is_open]
        horizon = board.session.live.horizon
        assert horizon is not None
        assert all(deal.closed_at is not None and deal.closed_at >= horizon for deal in closed)
        assert len(board.session.live) >= len(board.deals)
