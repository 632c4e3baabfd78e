"""Team-store fixtures: real stores under tmp_path, the installed ``funnel`` run as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from board.cli.context import os_login
from storage import open_repository
from tests.cli_runner import Funnel
from tests.storage.conftest import maker

FUNNEL = str(Path(sys.executable).with_name("funnel"))
ME = os_login()
STRANGER = 54321
"""A uid and gid no account has, for files that belong to someone else."""

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown to another uid")


def files_of(directory: Path) -> dict[str, bytes]:
    """Every regular file under ``directory`` (lock files aside) with its contents."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.is_symlink() and not path.name.endswith(".lock")
    }


def mode(path: Path) -> int:
    """Permission bits of a path, setgid included, never following a link."""
    return os.lstat(path).st_mode & 0o7777


@dataclass
class Store:
    """A store under tmp_path and the environment that points ``funnel`` at it."""

    db: Path
    env: dict[str, str]

    def run(
        self,
        *args: str,
        input: str | None = None,
        timeout: float = 30,
        preexec: Callable[[], None] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run the installed ``funnel`` as a separate process."""
        return subprocess.run(
            [FUNNEL, *args],
            env={**os.environ, **self.env, **(extra_env or {})},
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=preexec,
            check=False,
        )

    def ok(self, *args: str) -> str:
        """Run ``funnel`` in this process (fast) and return its stdout, asserting success."""
        return Funnel(self.db, self.env).ok(*args).stdout

    def add(self, count: int = 1, *, stage: str = "awareness") -> list[int]:
        """Add deals through the repository; returns their ids."""
        repo = open_repository(self.db)
        return [repo.add(maker(f"deal {n}", stage=stage)).id for n in range(count)]


def store_env(db: Path, config: Path | None = None) -> dict[str, str]:
    """``FUNNEL_DB`` and a config file (none unless given)."""
    return {
        "FUNNEL_DB": str(db),
        "FUNNEL_CONFIG": str(config or db.parent.parent / "none.toml"),
        "FUNNEL_NOW": "2026-11-20T12:00:00Z",
    }


@pytest.fixture
def personal(tmp_path: Path) -> Store:
    """A personal store path (nothing created yet)."""
    db = tmp_path / "mine" / "board.json"
    return Store(db, store_env(db))


@pytest.fixture
def team(tmp_path: Path) -> Store:
    """A team store created with ``funnel init --shared`` in the caller's primary group."""
    db = tmp_path / "team" / "board.json"
    store = Store(db, store_env(db))
    store.ok("init", "--shared", str(db))
    return store


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A store on a filesystem mounted read-only, with no lock file on it."""
    mount = tmp_path / "ro"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a read-only filesystem")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(mount)], check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        db = mount / "board.json"
        open_repository(db, backups=None).add(maker("on a disk gone read-only"))
        Path(f"{db}.lock").unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield db
    finally:
        subprocess.run(["umount", str(mount)], check=False)
