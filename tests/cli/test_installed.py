"""The installed ``funnel`` as a real process: exit codes, locks, pipes, concurrent writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

FUNNEL = str(Path(sys.executable).with_name("funnel"))


def run(
    db: Path, *args: str, timeout: float = 30, **kw: object
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FUNNEL_DB": str(db), "FUNNEL_CONFIG": str(db.parent / "funnel.toml")}
    return subprocess.run(
        [FUNNEL, *args], capture_output=True, text=True, env=env, check=False, timeout=timeout, **kw
    )  # type: ignore[call-overload]


@contextmanager
def lock_held(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store's write lock (mid-change of deal 1) until exit."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from storage import open_repository\n"
            "repo = open_repository(Path(sys.argv[1]))\n"
            "def hold(deal):\n"
            "    print('holding', flush=True); time.sleep(30); return deal\n"
            "repo.change(1, hold)\n",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "board.json"


def test_exit_codes_of_the_real_binary(db: Path) -> None:
    assert run(db, "add", "Acme").stdout.strip() == "1"
    assert run(db, "show", "42").returncode == 1
    assert run(db, "accept", "1").returncode == 1
    bad = run(db, "add", "x", "--value", "-1")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    assert run(db, "--version").returncode == 0


def test_python_dash_m_board_is_the_same_command(db: Path) -> None:
    env = {**os.environ, "FUNNEL_DB": str(db)}
    out = subprocess.run(
        [sys.executable, "-m", "board", "add", "via module", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert orjson.loads(out.stdout)["title"] == "via module"


def test_locked_store_is_exit_3_with_the_holder(db: Path) -> None:
    assert run(db, "add", "x").returncode == 0
    (db.parent / "funnel.toml").write_text("lock_timeout = 0.3\n")
    with lock_held(db) as holder:
        result = run(db, "add", "y")
        assert result.returncode == 3, result.stderr
        assert "locked" in result.stderr and str(holder.pid) in result.stderr
        assert result.stderr.count("\n") == 1
    assert run(db, "add", "y").returncode == 0  # a killed holder's lock is released


def test_a_closed_pipe_is_not_an_error(db: Path) -> None:
    assert run(db, "demo", "--count", "300").returncode == 0
    listing = subprocess.Popen(
        [FUNNEL, "list", "--status", "all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "FUNNEL_DB": str(db)},
    )
    assert listing.stdout is not None
    listing.stdout.readline()
    listing.stdout.close()
    _, err = listing.communicate(timeout=30)
    assert b"Traceback" not in err and listing.returncode in (0, -signal.SIGPIPE)


def test_concurrent_cli_writers_lose_nothing(db: Path) -> None:
    run(db, "stages")
    script = "\n".join(f"{FUNNEL} add 'w{{w}}-{i}' >/dev/null || exit 1" for i in range(25))
    writers = [
        subprocess.Popen(
            ["sh", "-c", script.replace("{w}", str(w))], env={**os.environ, "FUNNEL_DB": str(db)}
        )
        for w in range(4)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    deals = orjson.loads(run(db, "list", "--json").stdout)
    assert len(deals) == 100
    assert sorted(d["id"] for d in deals) == list(range(1, 101))
    assert len({d["title"] for d in deals}) == 100


def test_sigterm_while_waiting_for_the_lock_leaves_the_store_intact(db: Path) -> None:
    assert run(db, "add", "x").returncode == 0
    before = db.read_bytes()
    with lock_held(db):
        waiter = subprocess.Popen(
            [FUNNEL, "add", "y"],
            env={**os.environ, "FUNNEL_DB": str(db)},
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)
        waiter.send_signal(signal.SIGTERM)
        waiter.wait(timeout=10)
    assert db.read_bytes() == before
    assert run(db, "add", "z").stdout.strip() == "2"


@pytest.mark.parametrize("no_terminal", ["stdin", "stdout"])
def test_the_board_without_a_terminal_exits_2_with_one_line(db: Path, no_terminal: str) -> None:
    # Before, Textual ran headless for ever at 99 % of a core (cron, CI, `funnel > out.txt`).
    # Under pytest neither stream is a terminal; a pty gives the other one a real terminal.
    import pty

    leader, follower = pty.openpty()
    try:
        streams = {"stdin": follower, "stdout": follower}
        streams[no_terminal] = subprocess.DEVNULL
        env = {**os.environ, "FUNNEL_DB": str(db), "FUNNEL_CONFIG": str(db.parent / "x.toml")}
        result = subprocess.run(
            [FUNNEL],
            stdin=streams["stdin"],
            stdout=streams["stdout"],
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "needs a terminal" in result.stderr and "funnel list" in result.stderr
    assert not db.exists()  # nothing written
