"""The board is shared: others' changes appear by themselves, stale writes are refused,
and a locked store never freezes the screen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from board import journey
from board.deal import DealChanges
from screens.deal_form import DealForm
from screens.stage_column import StageColumn
from storage.layout import StoreLayout
from storage.store_lock import store_lock
from tests.tui.conftest import (
    NOW,
    board_of,
    create,
    loaded,
    make_app,
    reopen,
    screen_text,
    selected_id,
    settled,
    stored,
    until,
)

MOVE_IN_ANOTHER_PROCESS = """
import sys
from datetime import datetime, UTC
from pathlib import Path
from board import journey
from board.stages import DEFAULT_PIPELINE
from storage import open_repository

repository = open_repository(Path(sys.argv[1]))
now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
repository.change(1, lambda d: journey.move(d, "interest", pipeline=DEFAULT_PIPELINE,
                                             by="theo", now=now))
"""


async def test_a_move_by_another_process_shows_by_itself_and_the_cursor_follows(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        assert selected_id(app) == 1
        subprocess.run(
            [sys.executable, "-c", MOVE_IN_ANOTHER_PROCESS, str(board_store)],
            check=True,
            timeout=30,
        )
        await until(pilot, lambda: board.deals[1].stage == "interest", timeout=10)
        assert selected_id(app) == 1  # same deal, now in another column
        assert board.query_one("#stage-interest", StageColumn).active


async def test_a_new_deal_above_the_cursor_keeps_the_cursor_on_its_deal(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        awareness = board.query_one("#stage-awareness")
        reopen(board_store).add(
            lambda deal_id: create(deal_id, "Older lead", "awareness", age_days=30)
        )
        await until(pilot, lambda: len(board.deals) == 9, timeout=10)
        titles = [deal.title for deal in awareness.data.deals]  # type: ignore[attr-defined]
        assert titles == ["Older lead", "Acme renewal"]  # longest in the stage first
        assert selected_id(app) == 1  # by id, not by row


async def test_a_stale_edit_is_refused_naming_who_and_the_board_shows_the_fresh_deal(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, DealForm)
        reopen(board_store).change(
            1,
            lambda d: journey.edit(d, DealChanges(title="Acme renewal (theo)"), by="theo", now=NOW),
        )
        form.query_one("#title").value = "Acme renewal (sam)"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settled(pilot)
        await until(pilot, lambda: board.deals[1].title == "Acme renewal (theo)")
        assert stored(board_store, 1).title == "Acme renewal (theo)"
        messages = [n.message for n in app._notifications]
        assert any("changed by theo" in message for message in messages), messages
        assert selected_id(app) == 1


async def test_a_locked_store_shows_a_notice_keeps_the_board_alive_and_retries(
    board_store: Path,
) -> None:
    app = make_app(board_store)  # lock_timeout 1 s
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        with store_lock(StoreLayout(board_store).lock, exclusive=True, timeout=1):
            await pilot.press("L")
            assert board.deals[1].stage == "interest"  # shown at once
            await until(
                pilot, lambda: any("Store busy" in n.title for n in app._notifications), timeout=3
            )
            await pilot.press("4", "j")  # the board still answers
            assert selected_id(app) == 5
        await settled(pilot)
        assert stored(board_store, 1).stage == "interest"  # the retry landed


async def test_a_write_that_stays_locked_is_reported_and_the_board_shows_the_store(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        board.writer.attempts = 1
        with store_lock(StoreLayout(board_store).lock, exclusive=True, timeout=1):
            await pilot.press("L")
            await until(
                pilot, lambda: any("not saved" in n.title for n in app._notifications), timeout=4
            )
        await until(pilot, lambda: board.deals[1].stage == "awareness", timeout=2)
        assert stored(board_store, 1).version == 1


async def test_r_reloads_now(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        board._stamp = reopen(board_store).stamp()  # polling sees nothing new…
        board.deals.clear()
        await pilot.pause(0.5)
        assert not board.deals
        await pilot.press("r")  # …but r reads anyway
        await until(pilot, lambda: len(board.deals) == 8, timeout=10)
        assert board_of(app).loaded


async def test_an_unreadable_store_is_reported_once_and_the_board_keeps_its_deals(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        board_store.write_text("{ this is not a store")

        def problems() -> int:
            return sum(1 for n in app._notifications if n.title == "Cannot read the store")

        await until(pilot, lambda: problems() == 1, timeout=2)
        await pilot.pause(1.0)  # more polls, the same broken file: no more notices
        assert problems() == 1
        assert len(board.deals) == 8
        assert app.is_running


async def test_the_status_line_catches_up_when_a_dialog_closes(board_store: Path) -> None:
    # A redraw of the status line and the panel asked for while a dialog is on top runs after
    # that dialog's next frame; when the dialog closes first (a read landing just as the add
    # form is saved), the request went with it and the counts stayed as they were.
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        before = sum(column.count for column in board._columns[:-1])
        await pilot.press("question_mark")
        await pilot.pause()
        board._side_due = True  # the request the closing dialog took with it
        reopen(board_store).add(lambda deal_id: create(deal_id, "Colleague's lead", "awareness"))
        await until(pilot, lambda: "Colleague's lead" in str(board.deals.values()), timeout=10)
        await pilot.press("escape")
        await until(pilot, lambda: f"{before + 1} open" in screen_text(app), timeout=5)


async def test_a_colleague_change_keeps_the_figures_until_the_new_ones_come(
    board_store: Path,
) -> None:
    """The panel never blinks to "computing…" for a colleague's change: it keeps the figures
    it has (and lays nothing out again) until the new ones are computed."""
    from board.metrics import Metrics
    from screens.metrics_panel import MetricsPanel
    from screens.side_panel import SidePanel

    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        panel = board.query_one(MetricsPanel)
        await until(pilot, lambda: panel.metrics is not None)
        before = panel.metrics
        assert before is not None
        side = board.query_one(SidePanel)
        shown: list[Metrics | None] = []
        show = side.show_metrics

        def watched(metrics: Metrics | None, label: str) -> None:
            shown.append(metrics)
            show(metrics, label)

        side.show_metrics = watched  # type: ignore[method-assign]
        reopen(board_store).add(lambda i: create(i, "Colleague lead", "awareness", age_days=0.1))
        await until(
            pilot,
            lambda: panel.metrics is not None and panel.metrics.leads == before.leads + 1,
            timeout=10,
        )
        assert shown and None not in shown
