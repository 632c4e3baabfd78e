"""A full disk and a damaged store: a clear error, and the store exactly as it was."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storage import open_repository
from tests.cli_runner import Funnel
from tests.storage.conftest import maker
from tests.team.conftest import Store, files_of


def _file_limit(size: int) -> Callable[[], None]:
    """In the child: files may not grow past ``size`` bytes, and that is an error, not a kill."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.fixture
def full(team: Store) -> Store:
    """A team store whose main file is about 20 kB: a write past 8 kB is 'disk full'."""
    open_repository(team.db).add_many(
        lambda first: [maker(f"deal {n}")(first + n) for n in range(20)]
    )
    team.ok("add", "Won already", "--stage", "customer")
    return team


@pytest.mark.parametrize(
    "args",
    [
        ("add", "Acme"),
        ("edit", "1", "--note", "x" * 900),
        ("reopen", "21"),
        ("restore", "--yes"),
        ("backup",),
    ],
)
def test_a_full_disk_fails_cleanly_and_keeps_the_store(full: Store, args: tuple[str, ...]) -> None:
    full.ok("backup")  # something to restore from
    before = files_of(full.db.parent)
    result = full.run(*args, preexec=_file_limit(8192))
    assert result.returncode == 5, result.stderr
    assert "File too large" in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert files_of(full.db.parent) == before
    assert not [p for p in full.db.parent.rglob("*") if p.name.endswith(".tmp")]
    assert len(open_repository(full.db).snapshot().deals) == 21


RAISES_FROM_THE_BOARDS_WRITER = """
import resource, signal, sys
from pathlib import Path
from board import journey
from board.deal import DealChanges
from board.errors import FunnelError
from storage import open_repository
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
repo = open_repository(Path(sys.argv[1]))
deal = repo.get(1)
try:
    repo.change(1, lambda d: journey.edit(d, DealChanges(notes="x"), by="sam", now=d.updated_at),
                expected_version=deal.version)
except FunnelError as exc:
    print(type(exc).__name__, exc.exit_code)
"""


def test_the_board_gets_a_store_error_not_a_crash(full: Store) -> None:
    # The board's writer reports any `FunnelError` as a notice; an OSError would end the app.
    done = subprocess.run(
        [sys.executable, "-c", RAISES_FROM_THE_BOARDS_WRITER, str(full.db)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout.strip() == "StoreUnavailable 5", done.stderr


def _truncated(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": _truncated,
    "garbage appended": lambda raw: raw + b"\x00garbage{{",
    "zero length": lambda raw: b"",
    "an array": lambda raw: b"[]",
    "null": lambda raw: b"null",
    "invalid UTF-8": lambda raw: raw.replace(b'"USD"', b'"US\xff\xfe"'),
    "a byte-order mark": lambda raw: b"\xef\xbb\xbf" + raw,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_store_exits_4_naming_it_and_the_restore(team: Store, damage: str) -> None:
    team.ok("add", "deal 1")
    team.ok("add", "deal 2", "--stage", "customer")
    team.db.write_bytes(DAMAGE[damage](team.db.read_bytes()))
    before = files_of(team.db.parent)
    stamp = os.stat(team.db).st_mtime_ns
    in_process = Funnel(team.db, team.env)
    for args in (
        ("list",),
        ("add", "Acme"),
        ("show", "1"),
        ("edit", "1", "--note", "x"),
        ("log",),
        ("export",),
        ("backup",),
    ):
        result = in_process(*args)
        assert result.exit_code == 4, (args, result.stderr)
        assert str(team.db) in result.stderr and "funnel restore" in result.stderr
        assert result.stderr.count("\n") == 1
    installed = team.run("list")
    assert installed.returncode == 4 and "Traceback" not in installed.stderr
    assert files_of(team.db.parent) == before and os.stat(team.db).st_mtime_ns == stamp
    doctor = in_process("doctor")
    assert doctor.exit_code == 1 and "funnel restore" in doctor.stdout


def test_a_symlink_planted_at_the_lock_leaves_its_target_alone(team: Store, tmp_path: Path) -> None:
    team.ok("add", "Acme")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    lock = team.db.with_name("board.json.lock")
    lock.unlink()
    lock.symlink_to(victim)
    for args in (("add", "Globex"), ("list",), ("backup",), ("restore", "--yes")):
        result = team.run(*args)
        assert result.returncode == 3 and "symbolic link" in result.stderr, result.stderr
    assert victim.read_text() == "precious" and oct(victim.stat().st_mode & 0o777) == oct(0o644)
    assert "rm " + str(lock) in team.run("doctor").stdout


def test_symlinks_planted_at_temp_paths_leave_their_targets_alone(
    team: Store, tmp_path: Path
) -> None:
    # A write's temp names start with its pid; here the writer is this process.
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    team.ok("add", "Acme")
    archive = team.db.with_name("board.archive")
    archive.mkdir(mode=0o2770)
    planted = [
        team.db.with_name(f".board.json.{os.getpid()}.tmp"),
        archive / f".closed-00000.json.{os.getpid()}.tmp",
    ]
    for link in planted:
        link.symlink_to(victim)
    repo = open_repository(team.db)
    deal = repo.add(maker("Globex", stage="customer"))
    assert victim.read_text() == "precious"
    assert repo.get(deal.id).title == "Globex"
