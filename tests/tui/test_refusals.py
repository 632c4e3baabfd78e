"""Every refused key says why, in the words the command line uses for the same refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from board.deal import Status
from screens.app import FunnelApp
from screens.status_line import StatusLine
from tests.cli_runner import Funnel
from tests.tui.conftest import loaded, make_app, reopen, screen_text, settled, stored, until


def cli_error(store: Path, *args: str) -> str:
    """What ``funnel`` says (without ``Error: ``) when it refuses ``args`` on ``store``."""
    env = {"FUNNEL_DB": str(store), "FUNNEL_CONFIG": str(store.parent / "none.toml")}
    result = Funnel(store, env)(*args)
    assert result.exit_code != 0, result.stdout
    return result.stderr.strip().removeprefix("Error: ")


def said(app: FunnelApp) -> list[str]:
    """Every message the board showed, in order."""
    return [str(n.message) for n in app._notifications]


async def refusal(app: FunnelApp, store: Path, *keys: str) -> str:
    """Press keys on the loaded board; the store is untouched, and the board said one thing."""
    before = [deal.version for deal in reopen(store).snapshot().deals]
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press(*keys)
        await until(pilot, lambda: bool(said(app)))
        await settled(pilot)
        messages = said(app)
        assert not app.screen_stack[-1].is_modal  # no dialog opened for a refused action
    assert [deal.version for deal in reopen(store).snapshot().deals] == before
    assert len(messages) == 1, messages
    return messages[0]


@pytest.mark.parametrize(
    ("keys", "cli"),
    [
        (("W",), ("won", "1")),  # a marketing deal cannot be won
        (("4", "G", "A"), ("accept", "6")),  # a sales-sourced deal was never handed off
        (("4", "j", "A"), ("accept", "5")),  # accepted already
        (("5", "X"), ("lost", "7", "--reason", "x")),  # won: reopen it first
        (("5", "H"), ("move", "7", "purchase")),
        (("Q",), ("qualify", "1", "budget")),  # the team has agreed no criteria
    ],
)
async def test_a_refused_action_says_what_the_command_line_says(
    board_store: Path, keys: tuple[str, ...], cli: tuple[str, ...]
) -> None:
    expected = cli_error(board_store, *cli)
    assert await refusal(make_app(board_store), board_store, *keys) == expected


async def test_h_on_the_first_stage_says_there_is_none_before(board_store: Path) -> None:
    message = await refusal(make_app(board_store), board_store, "H")
    assert message == "deal 1 is in Awareness, the first stage; there is no stage before it"


async def test_a_stage_number_past_the_last_says_how_many_there_are(board_store: Path) -> None:
    message = await refusal(make_app(board_store), board_store, "7")
    assert message == "There is no stage 7: this board has 5 stages (1-5)."


@pytest.mark.parametrize(("key", "doing"), [("e", "edit"), ("d", "delete"), ("enter", "show")])
async def test_keys_for_a_deal_on_an_empty_column_say_there_is_none(
    store: Path, key: str, doing: str
) -> None:
    message = await refusal(make_app(store), store, key)
    assert message == f"There is no deal to {doing} here: Awareness shows none."


async def test_a_on_the_customer_column_cannot_add_a_won_deal_worth_nothing(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("5", "a")
        await until(pilot, lambda: "Add a deal" in screen_text(app))
        from textual.widgets import Select

        stage = app.screen.query_one("#stage", Select)
        assert stage.value == "purchase"  # not the customer column: that would win it
        await pilot.press(*"Big one", "ctrl+s")
        await settled(pilot)
        added = stored(board_store, 9)
        assert added.stage == "purchase" and added.status is Status.OPEN
        await pilot.press("5", "a")
        await until(pilot, lambda: "Add a deal" in screen_text(app))
        app.screen.query_one("#stage", Select).value = "customer"
        await pilot.press(*"Signed", "ctrl+s")
        await pilot.pause()
        assert "value is needed: a deal added to Customer is won at once" in screen_text(app)
        assert app.focused is not None and app.focused.id == "value"  # where to fix it
        await pilot.press(*"5000", "ctrl+s")
        await settled(pilot)
    won = stored(board_store, 10)
    assert won.status is Status.WON and won.value == 5000


async def test_a_corrupt_store_says_so_and_offers_no_add(store: Path) -> None:
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("{ this is not a store")
    app = make_app(store)
    async with app.run_test(size=(120, 30)) as pilot:
        board = app.screen
        await until(
            pilot, lambda: any(n.title == "Cannot read the store" for n in app._notifications)
        )
        await pilot.pause()
        text = screen_text(app)
        assert "loading…" not in text
        assert "cannot read the store (r tries again)" in text
        assert board.query_one(StatusLine).problem
        keys = text.splitlines()[-1]
        assert "a Add" not in keys and "r Reload" in keys and "? Help" in keys
        await pilot.press("a")
        await pilot.pause()
        assert any(n.title == "Cannot add" for n in app._notifications)
        assert len(app.screen_stack) == 1  # no form over a store that cannot take the deal
    assert store.read_text() == "{ this is not a store"
