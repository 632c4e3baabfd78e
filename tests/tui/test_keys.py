"""Keys are discoverable: the footer, the help screen, the command palette; q quits."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from board.metrics import compute_metrics
from screens.board_screen import BoardScreen
from screens.deal_detail import DealDetail
from screens.help_screen import HelpScreen
from screens.metrics_panel import MetricsPanel
from storage import open_repository
from tests.tui.conftest import (
    USER,
    board_of,
    loaded,
    make_app,
    screen_text,
    settled,
    stored,
    type_text,
    until,
)

BOARD_KEYS = (
    "a",
    "e",
    "H",
    "L",
    "A",
    "W",
    "X",
    "d",
    "/",
    "m",
    "o",
    "esc",
    "u",
    "U",
    "r",
    "s",
    "w",
    "?",
    "q",
    "g",
    "G",
    "1 … 9",
    "shift+←",
    "shift+→",
    "enter",
)


async def test_question_mark_shows_every_key(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 70)) as pilot:  # smaller terminals scroll the help
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key in BOARD_KEYS:
            assert f"  {key} " in text or f" {key} /" in text or f"/ {key} " in text, key
        assert "Accept the handoff" in text and "ctrl+p" in text
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_footer_shows_only_keys_that_apply(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(250, 40)) as pilot:
        await loaded(pilot)
        footer = screen_text(app).splitlines()[-1]
        for label in (
            "Add",
            "Edit",
            "Lost",
            "Delete",
            "Filter",
            "Mine",
            "Owner",
            "Help",
            "Quit",
            "L Move",
            "Stage",
        ):
            assert label in footer, label
        for label in ("Accept", "Won", "Undo", "Redo", "Clear"):
            assert label not in footer, label  # Acme: marketing, nothing done, no filter
        await pilot.press("4")
        await until(pilot, lambda: "Accept" in screen_text(app).splitlines()[-1])
        assert "Won" in screen_text(app).splitlines()[-1]


async def test_every_action_is_in_the_command_palette(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        titles = {command.title for command in app.get_system_commands(board_of(app))}
        for title in (
            "Detail",
            "Add",
            "Edit",
            "Accept",
            "Won",
            "Lost",
            "Delete",
            "Filter",
            "Mine",
            "Owner",
            "Reload",
            "Panel",
            "Window",
            "Help",
            "Move the deal one stage on (into sales: the handoff)",
            "Go to stage 3",
            "Closed",
        ):
            assert title in titles, title
        assert not {"Focus Next", "Focus Previous", "Copy selected text"} & titles
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Accept")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settled(pilot)
        hooli = stored(board_store, 4)
        assert hooli.handoff is not None and hooli.handoff.accepted_by == USER


async def test_enter_shows_the_detail_with_its_timeline(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("4", "enter")
        assert isinstance(app.screen, DealDetail)
        text = screen_text(app)
        assert "Deal 4 · Hooli expansion" in text
        assert "Company        Hooli" in text
        assert "$20,000" in text
        assert "maya  created in Consideration" in text
        assert 'handed off Consideration → Purchase (note: "budget approved")' in text
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_w_cycles_the_metrics_window_and_the_panel_computes_it(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(140, 60)) as pilot:
        board = await loaded(pilot)
        panel = board.query_one(MetricsPanel)
        await until(pilot, lambda: panel.metrics is not None)
        assert panel.window_label == "last 90 days"
        assert panel.metrics is not None and panel.metrics.owner is None
        seen = []
        store = open_repository(board_store).snapshot()
        for _ in range(4):
            await pilot.press("w")
            await until(pilot, lambda: panel.metrics is not None)
            seen.append(panel.window_label)
            # Whatever the board holds whole or as figures, the panel counts every deal.
            shown = panel.metrics
            assert shown is not None
            assert shown == compute_metrics(
                store.deals,
                store.spend,
                settings=board.settings,
                window=shown.window,
                now=shown.now,
            )
        assert seen == ["last year", "all time", "last 30 days", "last 90 days"]
        assert "Metrics · last 90 days" in screen_text(app)
        await pilot.press("m")  # the metrics follow the owner filter
        await until(pilot, lambda: panel.metrics is not None and panel.metrics.owner == USER)


async def test_q_quits(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_a_click_on_a_key_in_the_key_bar_runs_it(board_store: Path) -> None:
    from screens.help_screen import HelpScreen
    from screens.key_bar import KeyBar

    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        keys = screen_text(app).splitlines()[-1]
        await pilot.click(KeyBar, offset=(keys.index("? Help") + 2, 0))
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await pilot.pause()
        keys = screen_text(app).splitlines()[-1]
        await pilot.click(KeyBar, offset=(keys.index("a Add") + 1, 0))
        await until(pilot, lambda: "Add a deal" in screen_text(app))


def test_the_help_lists_every_key_about_a_deal_under_deals() -> None:
    from textual.binding import Binding

    from screens.board_keys import BOARD_BINDINGS
    from screens.board_view import BoardView
    from screens.help_screen import board_help

    sections = dict(
        board_help(
            [b for b in BoardView.BINDINGS if isinstance(b, Binding)],
            [b for b in BOARD_BINDINGS if isinstance(b, Binding)],
        )
    )
    deals = [keys for keys, _ in sections["Deals"]]
    assert {"Q", "A", "W", "X", "c"} <= set(deals)
    assert deals.index("L / shift+→") < deals.index("Q") < deals.index("A")
