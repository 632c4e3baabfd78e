"""A throwaway PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` in a temp dir.

The server listens on a unix socket in that directory only (no TCP port), trusts local
connections, and is stopped and removed when the session ends. PostgreSQL refuses to run as
root, so as root it runs as the ``postgres`` user (Debian's package makes it). Where the
binaries or psycopg are missing, the tests that need the server are skipped, saying why.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SKIP_REASON = (
    "PostgreSQL tests need initdb and pg_ctl (Debian: apt-get install postgresql)"
    " and psycopg (pip install 'funnel-board[postgres]')"
)


def postgres_binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return debian[-1].parent if debian else None


@dataclass
class Server:
    """A running server: its socket directory, and a URL maker for one database in it."""

    root: Path
    bin: Path
    as_user: list[str]
    counter: Iterator[int]

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str) -> str:
        return f"postgresql:///{database}?host={self.root}&user=postgres"

    def create_database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg

        name = f"funnel_test_{os.getpid()}_{next(self.counter)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def as_login(self, url: str, login: str) -> str:
        """The URL of a database for another login (made, with every right, if new)."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
            if exists.fetchone() is None:
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN SUPERUSER").format(sql.Identifier(login))
                )
        return re.sub(r"user=[^&]*", f"user={login}", url)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, check=False, timeout=120
        )


def start_server() -> Server | str:
    """Start a server in a new temp dir; where that cannot be, why (the tests are skipped)."""
    binaries = postgres_binaries()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return SKIP_REASON
    if binaries is None:
        return SKIP_REASON
    user = runuser = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            return "PostgreSQL tests run the server as user postgres, and there is none"
        runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
        if runuser is None:
            return "PostgreSQL tests run the server as user postgres with runuser, not found"
    root = Path(tempfile.mkdtemp(prefix="funnel-pg-"))
    as_user: list[str] = []
    if user is not None and runuser is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = [str(runuser), "-u", "postgres", "--"]
    server = Server(root, binaries, as_user, itertools.count(1))
    data = root / "data"
    done = server.run(
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--no-sync",
    )
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr}")
    options = f"-c listen_addresses='' -k {root} -c fsync=off -c full_page_writes=off"
    done = server.run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    if done.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {done.stderr}{log}")
    return server


def stop_server(server: Server) -> None:
    server.run(
        str(server.bin / "pg_ctl"), "-D", str(server.root / "data"), "-m", "immediate", "stop"
    )
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """The session's PostgreSQL server (the test is skipped where there can be none)."""
    server = start_server()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def pg_database(pg_server: Server) -> Callable[[], str]:
    """Makes a fresh database on the session's server and gives its URL."""
    return pg_server.create_database
