"""The lock file and `init --shared` against what a colleague (or a typo) leaves in the way."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import open_repository
from tests.cli_runner import Funnel, assert_one_line_error
from tests.storage.conftest import maker
from tests.team.conftest import STRANGER, Store, files_of, root_only, store_env


@pytest.mark.parametrize("args", [("list",), ("show", "1"), ("add", "x"), ("log",)])
def test_a_fifo_at_the_lock_is_refused_not_waited_on(
    personal: Store, args: tuple[str, ...]
) -> None:
    open_repository(personal.db).add(maker())
    lock = Path(f"{personal.db}.lock")
    lock.unlink()
    os.mkfifo(lock)
    before = files_of(personal.db.parent)
    result = personal.run(*args, timeout=10)  # it used to block in open() for ever
    assert result.returncode == 4, result.stderr
    assert result.stderr.count("\n") == 1 and "is a FIFO, not a lock file" in result.stderr
    assert f"rm {lock}" in result.stderr
    assert files_of(personal.db.parent) == before


def test_doctor_names_a_fifo_at_the_lock_and_does_not_hang(personal: Store) -> None:
    open_repository(personal.db).add(maker())
    lock = Path(f"{personal.db}.lock")
    lock.unlink()
    os.mkfifo(lock)
    result = personal.run("doctor", timeout=10)
    assert result.returncode == 1, result.stderr
    assert "not a regular file" in result.stdout and f"fix: rm {lock}" in result.stdout


def test_a_store_on_a_read_only_filesystem_can_still_be_read(read_only: Path) -> None:
    funnel = Funnel(read_only, {"FUNNEL_DB": str(read_only), "FUNNEL_CONFIG": "/nonexistent"})
    assert "on a disk gone read-only" in funnel.ok("list").stdout
    assert "on a disk gone read-only" in funnel.ok("show", "1").stdout
    result = funnel("add", "x")
    assert_one_line_error(result, 5, "Read-only file system")


@root_only
def test_init_shared_refuses_a_full_directory_of_someone_else(
    tmp_path: Path, personal: Store
) -> None:
    home = tmp_path / "alice"
    home.mkdir(mode=0o700)
    (home / "private.txt").write_text("mine")
    os.chown(home, STRANGER, STRANGER)
    home.chmod(0o700)  # exactly: a setgid parent would have passed its bit on to mkdir
    result = Funnel(personal.db, personal.env)("init", "--shared", str(home / "board.json"))
    assert_one_line_error(result, 1, f"{home} belongs to uid {STRANGER} and is not empty")
    assert os.stat(home).st_mode & 0o7777 == 0o700  # not handed to the group
    assert sorted(os.listdir(home)) == ["private.txt"]


@root_only
def test_init_shared_takes_an_empty_directory_of_someone_else(tmp_path: Path) -> None:
    # An admin may prepare an empty directory for the team: that is what it is for.
    shared = tmp_path / "srv"
    shared.mkdir()
    os.chown(shared, STRANGER, STRANGER)
    db = shared / "board.json"
    Funnel(db, {"FUNNEL_DB": str(db), "FUNNEL_CONFIG": "/nonexistent"}).ok(
        "init", "--shared", str(db)
    )
    assert db.exists()


def test_init_shared_in_my_own_full_directory_is_fine(personal: Store) -> None:
    directory = personal.db.parent
    directory.mkdir()
    (directory / "notes.txt").write_text("mine")
    Funnel(personal.db, personal.env).ok("init", "--shared", str(personal.db))
    assert personal.db.exists()


def _as_stranger(args: list[str], env: dict[str, str | None]) -> tuple[int, str]:
    """Run ``funnel`` in a forked child whose uid and gid are in no group of the store."""
    from click.testing import CliRunner

    import board.cli.deals  # noqa: F401  (the child can no longer read the source tree)
    from board.cli import cli

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 99
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(STRANGER)
            os.setuid(STRANGER)
            result = CliRunner().invoke(cli, args, env=env)
            code = result.exit_code
            os.write(write, result.stderr.encode())
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        stderr = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stderr


@pytest.fixture
def reachable_team() -> Iterator[Store]:
    """A team store whose parent directories anyone may pass through (pytest's are 0700)."""
    parent = Path(tempfile.mkdtemp(prefix="funnel-team-"))
    parent.chmod(0o755)
    db = parent / "team" / "board.json"
    store = Store(db, store_env(db))
    store.ok("init", "--shared", str(db))
    yield store
    shutil.rmtree(parent)


@root_only
def test_someone_outside_the_team_is_told_the_truth(reachable_team: Store) -> None:
    team = reachable_team
    team.ok("add", "Acme")
    assert not (team.db.parent / "funnel.toml").exists()
    code, stderr = _as_stranger(["list"], {"FUNNEL_DB": str(team.db), "FUNNEL_CONFIG": None})
    assert code == 5, stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert "funnel.toml" not in stderr  # it was: Permission denied (.../funnel.toml)
    assert f"{team.db.parent}: permission denied: the store there is for group" in stderr
    assert "usermod -aG" in stderr
