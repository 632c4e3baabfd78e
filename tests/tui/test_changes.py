"""Every change made from the board lands in the store, through the journey's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from board.deal import EventKind, Status
from board.errors import NotFound
from screens.confirm_dialog import ConfirmDialog
from screens.lost_reason_picker import LostReasonPicker
from screens.stage_column import StageColumn
from screens.text_prompt import TextPrompt
from tests.tui.conftest import (
    USER,
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


async def test_l_and_shift_right_move_the_deal_on_and_the_cursor_follows(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        await pilot.press("L")
        await settled(pilot)
        acme = stored(board_store, 1)
        assert acme.stage == "interest" and acme.version == 2
        assert acme.history[-1].by == USER
        assert selected_id(app) == 1
        assert board.query_one("#stage-interest", StageColumn).active
        await pilot.press("shift+right")
        await settled(pilot)
        assert stored(board_store, 1).stage == "consideration"
        await pilot.press("H")
        await settled(pilot)
        assert stored(board_store, 1).stage == "interest"


async def test_crossing_into_sales_is_a_handoff_with_an_optional_note(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "L")
        assert isinstance(app.screen, TextPrompt)
        await type_text(pilot, "ready for a demo")
        await pilot.press("enter")
        await settled(pilot)
        initech = stored(board_store, 3)
        assert initech.stage == "purchase" and initech.awaiting_acceptance
        assert initech.handoff is not None and initech.handoff.note == "ready for a demo"
        assert initech.history[-1].kind is EventKind.HANDOFF


async def test_escape_on_the_handoff_note_changes_nothing(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "L")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TextPrompt)
        assert stored(board_store, 3).version == 1


async def test_moving_a_pending_handoff_back_is_a_rejection_with_a_reason(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        assert selected_id(app) == 4
        await pilot.press("H")
        prompt = app.screen
        assert isinstance(prompt, TextPrompt) and prompt.title_text == "Reject the handoff"
        await pilot.press("enter")  # a reason is required
        assert app.screen is prompt
        assert "A reason is needed." in screen_text(app)
        await type_text(pilot, "too small")
        await pilot.press("enter")
        await settled(pilot)
        hooli = stored(board_store, 4)
        assert hooli.stage == "consideration"
        assert hooli.handoff is not None and hooli.handoff.reason == "too small"
        assert hooli.history[-1].kind is EventKind.REJECTED


async def test_a_accepts_a_handoff_and_hides_when_there_is_none(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(200, 40)) as pilot:
        board = await loaded(pilot)
        await pilot.press("4")
        assert board.key_applies("accept", ()) is True
        assert "Accept" in screen_text(app).splitlines()[-1]
        await pilot.press("A")
        await settled(pilot)
        hooli = stored(board_store, 4)
        assert hooli.handoff is not None and hooli.handoff.accepted_by == USER
        await until(pilot, lambda: board.key_applies("accept", ()) is False)
        assert "Accept" not in screen_text(app).splitlines()[-1]
        await pilot.press("A")  # refused (and said why): nothing is written
        await settled(pilot)
        assert stored(board_store, 4).version == hooli.version


async def test_w_wins_a_sales_deal_and_it_shows_in_the_customer_column(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        assert board.key_applies("win", ()) is False  # marketing deals cannot be won
        await pilot.press("4", "G")
        assert selected_id(app) == 6
        await pilot.press("W")
        await settled(pilot)
        stark = stored(board_store, 6)
        assert stark.status is Status.WON and stark.stage == "customer"
        assert board.query_one("#stage-customer", StageColumn).active
        assert selected_id(app) == 6


async def test_x_loses_a_deal_with_a_common_or_typed_reason(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("X")
        assert isinstance(app.screen, LostReasonPicker)
        await pilot.press("down", "enter")
        await settled(pilot)
        acme = stored(board_store, 1)
        assert acme.status is Status.LOST and acme.lost_reason == "no budget"
        assert "Acme renewal" not in screen_text(app)
        await pilot.press("2", "X", "tab")
        await type_text(pilot, "merged with Acme")
        await pilot.press("enter")
        await settled(pilot)
        assert stored(board_store, 2).lost_reason == "merged with Acme"


async def test_d_deletes_only_after_confirmation(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settled(pilot)
        assert stored(board_store, 1).version == 1
        await pilot.press("d")
        await pilot.press("escape")
        await settled(pilot)
        assert stored(board_store, 1).version == 1
        await pilot.press("d", "y")
        await settled(pilot)
        with pytest.raises(NotFound):
            stored(board_store, 1)
        assert 1 not in board_of(app).deals


async def test_rule_violations_show_as_notifications(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "L", "L")  # Globex to Consideration, then a handoff prompt
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await settled(pilot)
        assert stored(board_store, 2).stage == "consideration"


async def test_quick_moves_are_written_in_order_and_each_shows_at_once(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        await pilot.press("L", "L")  # the second is based on the first, not yet written
        assert board.deals[1].stage == "consideration"
        await settled(pilot)
        acme = stored(board_store, 1)
        assert (acme.stage, acme.version) == ("consideration", 3)
        assert [e.data.get("to") for e in acme.history[1:]] == ["interest", "consideration"]
        assert board.deals[1].version == 3


async def test_the_panels_figures_move_with_the_card(board_store: Path) -> None:
    from screens.metrics_panel import MetricsPanel

    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        panel = board.query_one(MetricsPanel)
        await until(pilot, lambda: panel.metrics is not None)
        assert panel.metrics is not None
        before = panel.metrics.stage_conversion[0].reached_to  # deals that reached Interest
        board._start_read = lambda *, force: None  # type: ignore[method-assign]  # no reads
        await pilot.press("L")  # Acme: Awareness → Interest
        await until(
            pilot,
            lambda: (
                panel.metrics is not None
                and panel.metrics.stage_conversion[0].reached_to == before + 1
            ),
        )
