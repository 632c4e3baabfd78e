"""Atomic replacement, private permissions whatever the umask, and leftovers of dead writers."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from board import journey
from storage.atomic import prepare_replace, remove_stale_temps, write_atomic
from storage.tinydb_store import TinyDBRepository
from tests.storage.conftest import T0, P, block_file, maker


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def umask() -> Iterator[None]:
    """Run the test with umask 000, the most permissive one."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.mark.usefixtures("umask")
def test_a_new_store_is_private_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "team" / "funnel" / "board.json"
    repo = TinyDBRepository(path)
    repo.add(maker(stage="customer"))
    repo.add(maker())
    blocks_dir = path.with_name("board.blocks")
    assert _mode(tmp_path / "team") == 0o700 and _mode(path.parent) == 0o700
    assert _mode(blocks_dir) == 0o700
    blocks = sorted(blocks_dir.iterdir())
    assert [b.name[:12] for b in blocks] == ["closed-00000", "open-00000.g"]
    for file in (path, path.with_name("board.json.lock"), *blocks):
        assert _mode(file) == 0o600, file


@pytest.mark.usefixtures("umask")
def test_an_existing_store_keeps_its_mode(store_path: Path) -> None:
    repo = TinyDBRepository(store_path)
    repo.add(maker())
    store_path.chmod(0o640)
    repo.add(maker(stage="purchase"))
    repo.change(2, lambda d: journey.win(d, pipeline=P, by="sam", now=T0))
    assert _mode(store_path) == 0o640
    closed = block_file(store_path, "closed")
    assert _mode(closed) == 0o640  # a block file follows the manifest
    store_path.chmod(0o600)
    repo.change(2, lambda d: journey.reopen(d, pipeline=P, by="sam", now=T0))
    assert _mode(store_path) == 0o600
    assert {_mode(b) for b in store_path.with_name("board.blocks").iterdir()} == {0o600}


def test_a_mode_can_be_asked_for(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "shared.json", b"{}", mode=0o660)
    finally:
        os.umask(old)
    assert _mode(tmp_path / "shared.json") == 0o660


def test_a_replace_that_is_not_committed_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "board.json"
    write_atomic(target, b"old")
    pending = prepare_replace(target, b"new")
    assert target.read_bytes() == b"old" and pending.temp.read_bytes() == b"new"
    assert pending.stamp[1] == 3
    pending.abandon()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.json"]
    pending = prepare_replace(target, b"newer")
    pending.commit()
    assert target.read_bytes() == b"newer"
    assert pending.stamp == (target.stat().st_ino, 5, target.stat().st_mtime_ns)


def test_a_symlink_planted_at_the_temp_path_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    victim.chmod(0o644)
    store = tmp_path / "store"
    store.mkdir()
    path = store / "board.json"
    planted = store / f".board.json.{os.getpid()}.tmp"
    planted.symlink_to(victim)
    TinyDBRepository(path).add(maker())
    assert victim.read_text() == "precious" and _mode(victim) == 0o644
    assert planted.is_symlink()
    assert TinyDBRepository(path).get(1).title == "Acme renewal"


def test_temp_files_of_dead_or_stale_writers_are_removed_by_the_next_write(
    store_path: Path,
) -> None:
    repo = TinyDBRepository(store_path)
    repo.add(maker(stage="customer"))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    try:
        blocks_dir = store_path.with_name("board.blocks")
        leftovers = [
            store_path.with_name(f".board.json.{dead_pid}.tmp"),
            store_path.with_name(f".board.json.{dead_pid}.0a1b2c3d.tmp"),
            blocks_dir / "open-00000.g000099.json",  # a block no manifest names
            blocks_dir / "closed-00007.g000001.json",
            store_path.with_name(f".board.json.schema0.bak.{dead_pid}.tmp"),
        ]
        old = store_path.with_name(f".board.json.{sleeper.pid}.ffff0000.tmp")
        busy = store_path.with_name(f".board.json.{sleeper.pid}.tmp")
        unrelated = store_path.with_name(f".notes.txt.{dead_pid}.tmp")
        other_store = store_path.with_name(f".board.json2.{dead_pid}.tmp")
        for file in (*leftovers, old, busy, unrelated, other_store):
            file.write_bytes(b"half a file")
        os.utime(old, (time.time() - 60, time.time() - 60))
        repo.add(maker())
        for file in (*leftovers, old):
            assert not file.exists(), file
        assert busy.exists() and unrelated.exists() and other_store.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_stale_temp_cleanup_removes_a_planted_symlink_not_its_target(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / ".board.json.999999999.tmp"
    link.symlink_to(victim)
    assert remove_stale_temps(tmp_path, prefix="board.json") == [link]
    assert victim.read_text() == "precious" and not link.is_symlink()
