"""The store's lock, with real processes holding it."""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from board.errors import StoreLocked
from storage.tinydb_store import TinyDBRepository
from tests.storage.conftest import maker

WRITER_HOLDS = """
import sys, time
from pathlib import Path
from storage import open_repository

def hold(deal):
    print("holding", flush=True)
    time.sleep(30)
    raise SystemExit(0)

open_repository(Path(sys.argv[1])).change(1, hold)
"""

READER_HOLDS = """
import sys, time
from pathlib import Path
from storage.store_lock import store_lock

with store_lock(Path(sys.argv[1] + ".lock"), exclusive=False, timeout=5):
    print("holding", flush=True)
    time.sleep(30)
"""


def _hold(script: str, store: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(store)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "holding\n"
    return holder


@pytest.fixture
def store(store_path: Path) -> Iterator[Path]:
    """A store with one deal; any holder started by the test is gone afterwards."""
    TinyDBRepository(store_path).add(maker())
    yield store_path


def _stop(holder: subprocess.Popen[str]) -> None:
    holder.kill()
    holder.wait()


def test_a_writer_gives_up_after_the_timeout_naming_the_holder(store: Path) -> None:
    holder = _hold(WRITER_HOLDS, store)
    try:
        repo = TinyDBRepository(store, lock_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(StoreLocked) as caught:
            repo.add(maker())
        waited = time.monotonic() - started
        message = str(caught.value)
        assert f"pid {holder.pid} on {os.uname().nodename}" in message
        assert pwd.getpwuid(os.getuid()).pw_name in message
        assert " since 20" in message and str(store) in message and "\n" not in message
        assert caught.value.exit_code == 3
        assert waited >= 0.3  # it waited the timeout, then gave up
        with pytest.raises(StoreLocked):
            repo.snapshot()  # a reader waits for a writer too
    finally:
        _stop(holder)
    assert TinyDBRepository(store, lock_timeout=0.3).add(maker()).id == 2


def test_readers_share_the_lock_and_keep_writers_out(store: Path) -> None:
    holder = _hold(READER_HOLDS, store)
    try:
        repo = TinyDBRepository(store, lock_timeout=0.3)
        assert [d.id for d in repo.snapshot().deals] == [1]
        with pytest.raises(StoreLocked, match="probably one reading it"):
            repo.add(maker())
    finally:
        _stop(holder)


def test_a_killed_writer_releases_the_lock_and_its_note_is_not_believed(store: Path) -> None:
    writer = _hold(WRITER_HOLDS, store)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    reader = _hold(READER_HOLDS, store)
    try:
        with pytest.raises(StoreLocked) as caught:
            TinyDBRepository(store, lock_timeout=0.2).add(maker())
        assert f"pid {writer.pid}" not in str(caught.value)
    finally:
        _stop(reader)
    assert TinyDBRepository(store).add(maker()).id == 2


def test_a_symlink_planted_at_the_lock_path_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    victim.chmod(0o644)
    store = tmp_path / "board.json"
    store.with_name("board.json.lock").symlink_to(victim)
    repo = TinyDBRepository(store, lock_timeout=0.3)
    for operation in (lambda: repo.add(maker()), repo.snapshot):
        with pytest.raises(StoreLocked, match="symbolic link"):
            operation()
    assert victim.read_text() == "precious"
    assert victim.stat().st_mode & 0o777 == 0o644
    assert not store.exists()
