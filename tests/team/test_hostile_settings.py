"""Settings and lock notes are written by the whole group: what they say never reaches a
terminal raw.

Every member can edit funnel.toml (its labels and questions are printed by `stages`, `show`,
`log`...) and the lock file (its note names the holder in the exit-3 message). Each command is
run with each hostile file; nothing it prints may hold ESC, BEL, a C1 control or a bidi control.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.cli_runner import Funnel
from tests.team.conftest import Store

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What must never be written to a terminal: C0/C1 controls (but tab and newline), DEL, bidi."""

OSC52 = r"\u001b]52;c;ZXZpbA==\u0007"
"""Writes 'evil' to the clipboard of a terminal that honours OSC 52 (as TOML escapes)."""

STAGES = """
[[stages]]
key = "lead"
team = "marketing"
{marketing}
[[stages]]
key = "won"
team = "sales"
{sales}
"""

HOSTILE_SETTINGS = {
    "label": STAGES.format(marketing=f'label = "Lead{OSC52}"', sales=""),
    "question": STAGES.format(marketing=r'question = "a \u202egnp.exe"', sales=""),
    "lifecycle": STAGES.format(marketing="", sales=r'lifecycle = "SQL\u009b31m"'),
    "theme": r'theme = "dark\u001b[2J"',
    "currency": r'currency = "U\u0007D"',
    "key": r'"evil\u001b[31m" = 1',
    "table key": "[backups]\n" + r'"keep\u202e" = 3',
    "newline in a label": STAGES.format(marketing=r'label = "two\nlines"', sales=""),
}


def _every_command(tmp_path: Path) -> list[tuple[str, ...]]:
    source = tmp_path / "in.csv"
    source.write_text("title,stage\nImported,lead\n")
    return [
        ("stages",),
        ("stages", "--json"),
        ("config", "path"),
        ("config", "show"),
        ("config", "show", "--json"),
        ("list",),
        ("list", "--json"),
        ("list", "--stage", "lead"),
        ("show", "1"),
        ("show", "1", "--json"),
        ("log",),
        ("log", "1"),
        ("add", "New deal"),
        ("add", "New deal", "--stage", "nowhere"),
        ("move", "1", "won"),
        ("handoff", "1"),
        ("accept", "1"),
        ("reject", "1", "--reason", "no"),
        ("won", "1"),
        ("lost", "1", "--reason", "gone"),
        ("reopen", "1"),
        ("edit", "1", "--title", "Renamed"),
        ("rm", "1", "--yes"),
        ("export",),
        ("export", "--format", "json"),
        ("import", str(source), "--dry-run"),
        ("import", str(source)),
        ("metrics",),
        ("metrics", "--json"),
        ("spend", "add", "10", "--team", "marketing", "--channel", "ads"),
        ("spend", "list"),
        ("spend", "rm", "1", "--yes"),
        ("backup",),
        ("backup", "--list"),
        ("restore", "--yes"),
        ("doctor",),
        ("doctor", "--json"),
        ("demo", "--count", "2"),
        ("init", str(tmp_path / "other" / "board.json")),
    ]


def _assert_clean(args: tuple[str, ...], out: str, err: str) -> None:
    found = RAW.search(out + err)
    assert found is None, f"raw U+{ord(found.group()):04X} from {args}: {out + err!r}"
    assert "Traceback" not in err, (args, err)


@pytest.mark.parametrize("name", list(HOSTILE_SETTINGS))
def test_hostile_settings_are_refused_naming_the_key_and_nothing_raw_is_printed(
    team: Store, tmp_path: Path, name: str
) -> None:
    team.ok("add", "Acme")
    config = tmp_path / "funnel.toml"
    config.write_text(HOSTILE_SETTINGS[name])
    funnel = Funnel(team.db, {**team.env, "FUNNEL_CONFIG": str(config)})
    for args in _every_command(tmp_path):
        result = funnel(*args)
        _assert_clean(args, result.stdout, result.stderr)
        if args in {("config", "path"), ("backup", "--list")}:  # they read no settings
            assert result.exit_code == 0
        elif args[0] == "doctor":
            assert result.exit_code == 1 and "control character" in result.stdout, args
        else:
            assert result.exit_code == 2, (args, result.stderr)
            assert "control character" in result.stderr and str(config) in result.stderr


HOLDER = """
import fcntl, os, sys, time
import orjson
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o660)
fcntl.flock(fd, fcntl.LOCK_EX)
note = {"user": sys.argv[2], "pid": os.getpid(), "host": os.uname().nodename, "since": sys.argv[3]}
os.pwrite(fd, orjson.dumps(note), 0)
print("holding", flush=True)
time.sleep(60)
"""


@pytest.fixture
def hostile_holder(team: Store) -> Iterator[subprocess.Popen[str]]:
    """A process holding the write lock, its note naming the holder with escape sequences."""
    team.ok("add", "Acme")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLDER,
            f"{team.db}.lock",
            "mallory\x1b]52;c;ZXZpbA==\x07\x1b[2J",
            "\u202e2026-11-20\x9b31m",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    yield holder
    holder.kill()
    holder.wait()


def test_a_hostile_lock_note_is_quoted_not_obeyed(
    team: Store, tmp_path: Path, hostile_holder: subprocess.Popen[str]
) -> None:
    config = tmp_path / "fast.toml"
    config.write_text("lock_timeout = 0.1\n")
    funnel = Funnel(team.db, {**team.env, "FUNNEL_CONFIG": str(config)})
    named = 0
    for args in _every_command(tmp_path):
        result = funnel(*args)
        _assert_clean(args, result.stdout, result.stderr)
        assert result.exit_code in {0, 1, 2, 3}, (args, result.exit_code, result.stderr)
        if result.exit_code == 3:
            named += 1
            assert "by mallory\\x1b]52;c;ZXZpbA==\\x07" in result.stderr, result.stderr
            assert f"(pid {hostile_holder.pid} on" in result.stderr
            assert result.stderr.count("\n") == 1, result.stderr
    assert named >= 20  # every command that reads or writes the store waited and named it


def test_the_installed_funnel_quotes_the_note_too(
    team: Store, tmp_path: Path, hostile_holder: subprocess.Popen[str]
) -> None:
    config = tmp_path / "fast.toml"
    config.write_text("lock_timeout = 0.1\n")
    result = team.run("add", "Globex", extra_env={"FUNNEL_CONFIG": str(config)})
    assert result.returncode == 3, result.stderr
    _assert_clean(("add",), result.stdout, result.stderr)
    assert "mallory\\x1b" in result.stderr


def test_a_lock_note_with_an_absurd_pid_is_not_sent_a_signal(team: Store, tmp_path: Path) -> None:
    team.ok("add", "Acme")
    lock = Path(f"{team.db}.lock")
    code = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "os.ftruncate(fd, 0)\n"
        "os.pwrite(fd, sys.argv[2].encode(), 0)\n"
        "print('holding', flush=True)\n"
        "time.sleep(60)\n"
    )
    note = orjson.dumps({"user": "x", "pid": 2**62, "host": os.uname().nodename, "since": "s"})
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(lock), note.decode()], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        config = tmp_path / "fast.toml"
        config.write_text("lock_timeout = 0.1\n")
        result = Funnel(team.db, {**team.env, "FUNNEL_CONFIG": str(config)})("add", "x")
        assert result.exit_code == 3, result.stderr
        assert "lock note is not Funnel's" in result.stderr
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("pid", [2**62, -1, 0])
def test_doctor_reads_a_lock_note_with_an_absurd_pid_without_a_traceback(
    team: Store, pid: int
) -> None:
    team.ok("add", "Acme")
    note = {"user": "x\x1b[2J", "pid": pid, "host": os.uname().nodename, "since": "s"}
    Path(f"{team.db}.lock").write_bytes(orjson.dumps(note))
    result = Funnel(team.db, team.env)("doctor")
    assert result.exit_code == 0, result.stdout + result.stderr
    _assert_clean(("doctor",), result.stdout, result.stderr)
