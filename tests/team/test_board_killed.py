"""The real board in a terminal, killed like a dropped SSH session: the store stays committed."""

from __future__ import annotations

import fcntl
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storage import open_repository
from tests.e2e.tmux import Tmux, have_tmux
from tests.storage.conftest import maker
from tests.team.conftest import FUNNEL, Store

pytestmark = [pytest.mark.tmux, pytest.mark.skipif(not have_tmux(), reason="tmux is not installed")]


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Tmux]:
    tmux = Tmux(tmp_path, width=160, height=45)
    yield tmux
    tmux.close()


def _until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _start_board(team: Store, term: Tmux, tmp_path: Path) -> int:
    """Start the real board in tmux on the team store; its pid, once it shows the deal."""
    pidfile = tmp_path / "board.pid"
    term.start(f"sh -c 'echo $$ > {pidfile}; exec {FUNNEL}'", team.env)
    term.wait_for("Acme renewal")
    return int(pidfile.read_text())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_the_board_killed_mid_edit_leaves_the_last_committed_state(
    team: Store, term: Tmux, tmp_path: Path, sig: signal.Signals
) -> None:
    team.ok("add", "Acme renewal")
    pid = _start_board(team, term, tmp_path)
    term.keys("L")  # a write: Awareness -> Interest
    _until(lambda: open_repository(team.db).get(1).stage == "interest")
    committed = team.db.read_bytes()
    term.keys("e")
    term.wait_for("Edit deal 1")
    term.type(" NEVER SAVED")
    term.wait_for("NEVER SAVED")
    os.kill(pid, sig)
    _until(lambda: _gone(pid))

    assert team.db.read_bytes() == committed
    deal = open_repository(team.db).get(1)
    assert (deal.title, deal.stage, deal.version) == ("Acme renewal", "interest", 2)
    with open(team.db.with_name("board.json.lock"), "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: raises if still held
        fcntl.flock(lock, fcntl.LOCK_UN)
    repo = open_repository(team.db, lock_timeout=0.5)
    assert repo.add(maker("after the board died")).id == 2
    assert not [p for p in team.db.parent.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_the_board_killed_as_it_writes_leaves_one_state_or_the_other(
    team: Store, term: Tmux, tmp_path: Path, sig: signal.Signals
) -> None:
    team.ok("add", "Acme renewal")
    pid = _start_board(team, term, tmp_path)
    term.keys("L", "L")  # two moves queued for the board's writer, killed straight away
    os.kill(pid, sig)
    _until(lambda: _gone(pid))

    deal = open_repository(team.db, lock_timeout=0.5).get(1)
    assert (deal.stage, deal.version) in {("awareness", 1), ("interest", 2), ("consideration", 3)}
    assert open_repository(team.db, lock_timeout=0.5).add(maker("next")).id == 2
    assert not [p for p in team.db.parent.rglob("*") if p.name.endswith(".tmp")]
