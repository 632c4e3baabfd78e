"""Pictures of the board at fixed sizes: frozen clock, fixed deals, pinned user, no blinking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from screens.metrics_panel import MetricsPanel
from tests.tui.conftest import loaded, make_app, until

SnapCompare = Callable[..., bool]


def after(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the store to load, press keys, let the screen settle."""

    async def run(pilot: Pilot[Any]) -> None:
        board = await loaded(pilot)
        panel = board.query_one(MetricsPanel)
        await until(pilot, lambda: panel.metrics is not None)
        await pilot.press(*keys)
        await pilot.pause(0.2)

    return run


def test_board_at_120_by_40(board_store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(board_store), terminal_size=(120, 40), run_before=after())


def test_board_at_80_by_24(board_store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(board_store), terminal_size=(80, 24), run_before=after("4"))


def test_board_at_100_by_30(board_store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(board_store), terminal_size=(100, 30), run_before=after("4"))


def test_board_at_200_by_60(board_store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(board_store), terminal_size=(200, 60), run_before=after("4"))


def test_board_under_no_color(
    board_store: Path, snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    assert snap_compare(make_app(board_store), terminal_size=(120, 40), run_before=after("4"))


def test_deal_detail(board_store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(
        make_app(board_store), terminal_size=(120, 40), run_before=after("4", "enter")
    )


def test_add_form(board_store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(
        make_app(board_store), terminal_size=(120, 40), run_before=after("a", "ctrl+s")
    )


def test_help(board_store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(
        make_app(board_store), terminal_size=(120, 40), run_before=after("question_mark")
    )


def test_empty_board(store: Path, snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(store), terminal_size=(120, 40), run_before=after())
