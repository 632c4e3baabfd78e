"""u undoes my last change and U redoes it, unless someone else changed that deal since."""

from __future__ import annotations

from pathlib import Path

import pytest

from board import journey
from board.errors import NotFound
from tests.tui.conftest import (
    NOW,
    P,
    loaded,
    make_app,
    reopen,
    selected_id,
    settled,
    stored,
    type_text,
    until,
)


async def test_u_undoes_a_move_and_shift_u_redoes_it(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        assert board.key_applies("undo", ()) is False
        await pilot.press("L")
        await settled(pilot)
        assert stored(board_store, 1).stage == "interest"
        await pilot.press("u")
        await settled(pilot)
        acme = stored(board_store, 1)
        assert acme.stage == "awareness" and acme.version == 3  # versions only grow
        assert selected_id(app) == 1
        assert board.key_applies("redo", ()) is True
        await pilot.press("U")
        await settled(pilot)
        acme = stored(board_store, 1)
        assert acme.stage == "interest" and acme.version == 4
        assert board.key_applies("redo", ()) is False


async def test_undo_brings_back_a_deleted_deal_and_removes_an_added_one(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("d", "y")
        await settled(pilot)
        with pytest.raises(NotFound):
            stored(board_store, 1)
        await pilot.press("u")
        await settled(pilot)
        assert stored(board_store, 1).title == "Acme renewal"
        await pilot.press("a")
        await type_text(pilot, "Brand new")
        await pilot.press("ctrl+s")
        await settled(pilot)
        new = [deal for deal in reopen(board_store).query() if deal.title == "Brand new"]
        assert len(new) == 1
        await pilot.press("u")
        await settled(pilot)
        with pytest.raises(NotFound):
            stored(board_store, new[0].id)


async def test_undo_refuses_when_someone_else_changed_the_deal_since(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        await pilot.press("L")
        await settled(pilot)
        mine = stored(board_store, 1)
        reopen(board_store).change(
            1,
            lambda d: journey.move(d, "consideration", pipeline=P, by="theo", now=NOW),
            expected_version=mine.version,
        )
        await until(pilot, lambda: board.deals[1].stage == "consideration", timeout=2)
        await pilot.press("u")
        await settled(pilot)
        assert stored(board_store, 1).stage == "consideration"  # untouched
        messages = [n.message for n in app._notifications]
        assert any("theo changed it" in message for message in messages), messages
        assert board.key_applies("undo", ()) is False  # the entry cannot apply any more
