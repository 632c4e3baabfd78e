"""The board on a PostgreSQL store: it loads, writes through the rules, follows colleagues."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from board import journey
from screens.stage_column import StageColumn
from tests.pg import SKIP_REASON, Server
from tests.tui.conftest import (
    NOW,
    USER,
    board_deals,
    create,
    loaded,
    make_app,
    reopen,
    seed,
    selected_id,
    settled,
    stored,
    until,
)
from tests.tui.conftest import P as PIPELINE

psycopg = pytest.importorskip("psycopg", reason=SKIP_REASON)


@pytest.fixture
def pg_board(pg_database: Callable[[], str]) -> str:
    """A PostgreSQL store holding `board_deals`: its URL."""
    url = pg_database()
    seed(url, board_deals)  # type: ignore[arg-type]
    return url


async def test_the_board_reads_and_writes_a_database_store(pg_board: str) -> None:
    app = make_app(pg_board)  # type: ignore[arg-type]
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        assert len(board.deals) == 8  # `board_deals`, open and closed
        await pilot.press("L")
        await settled(pilot)
        acme = stored(pg_board, 1)  # type: ignore[arg-type]
        assert acme.stage == "interest" and acme.version == 2
        assert acme.history[-1].by == USER
        assert board.query_one("#stage-interest", StageColumn).active


async def test_a_colleague_s_change_shows_by_itself(pg_board: str) -> None:
    app = make_app(pg_board)  # type: ignore[arg-type]
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        colleague = reopen(pg_board)  # type: ignore[arg-type]
        colleague.change(
            1, lambda d: journey.move(d, "interest", pipeline=PIPELINE, by="theo", now=NOW)
        )
        await until(pilot, lambda: board.deals[1].stage == "interest", timeout=10)
        assert selected_id(app) == 1
        colleague.add(lambda deal_id: create(deal_id, "Older lead", "awareness", age_days=30))
        await until(pilot, lambda: len(board.deals) == 9, timeout=10)


async def test_after_the_server_drops_its_connections_the_board_catches_up(
    pg_board: str, pg_server: Server
) -> None:
    app = make_app(pg_board)  # type: ignore[arg-type]
    async with app.run_test(size=(160, 40)) as pilot:
        board = await loaded(pilot)
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = 'funnel'"
            )
        reopen(pg_board).change(  # type: ignore[arg-type]
            1, lambda d: journey.move(d, "interest", pipeline=PIPELINE, by="theo", now=NOW)
        )
        assert len(board.deals) == 8  # what the rep sees stays meanwhile
        await until(pilot, lambda: board.deals[1].stage == "interest", timeout=10)
        await pilot.press("L")  # and writing works again
        await settled(pilot)
        assert stored(pg_board, 1).stage == "consideration"  # type: ignore[arg-type]
