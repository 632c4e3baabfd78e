"""`funnel doctor`: each problem named with its fix; exit 0 only for a healthy store."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from storage import open_repository
from tests.storage.conftest import block_file, maker
from tests.team.conftest import Store, files_of


def _doctor(store: Store) -> tuple[int, dict[str, object]]:
    result = store.run("doctor", "--json")
    assert "Traceback" not in result.stderr
    return result.returncode, orjson.loads(result.stdout)


def test_a_healthy_team_store(team: Store) -> None:
    team.ok("add", "Acme")
    team.ok("add", "Globex", "--stage", "customer")
    code, report = _doctor(team)
    assert code == 0 and report["healthy"] is True and report["problems"] == []
    assert report["shared"] is True and report["open_deals"] == 1
    assert report["closed_deals"] == 1 and report["snapshots"] == 1
    assert "Healthy" in team.ok("doctor")


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def _truncate(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:50])


def _bad_deal(db: Path) -> None:
    block = block_file(db, "open")
    block.write_bytes(block.read_bytes().replace(b'"value":"0.00"', b'"value":"lots"', 1))


def _stale_temp(db: Path) -> None:
    (db.parent / f".board.json.{_dead_pid()}.tmp").write_bytes(b"half")


def _stale_lock(db: Path) -> None:
    note = {"user": "sam", "pid": _dead_pid(), "host": os.uname().nodename, "since": "x"}
    db.with_name("board.json.lock").write_bytes(orjson.dumps(note))


def _twice(db: Path) -> None:
    # Deal 2 in the open block as well as in the closed one: no write ever leaves that.
    closed, opened = block_file(db, "closed"), block_file(db, "open")
    line = next(line for line in closed.read_bytes().split(b"\n") if line.startswith(b'"2":'))
    opened.write_bytes(
        opened.read_bytes().replace(b'"deals":{\n', b'"deals":{\n' + line.rstrip(b",") + b",\n", 1)
    )


def _group_mode(db: Path) -> None:
    os.chmod(db, 0o640)


def _next_id_taken(db: Path) -> None:
    db.write_bytes(db.read_bytes().replace(b'"next_deal_id":3', b'"next_deal_id":2'))


PROBLEMS: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "truncated": (_truncate, "json", "funnel restore"),
    "bad deal": (_bad_deal, "schema", "funnel restore"),
    "stale temp": (_stale_temp, "temp", "the next write removes it"),
    "stale lock note": (_stale_lock, "lock", "the next write clears it"),
    "id twice": (_twice, "schema ids", "funnel restore"),
    "group mode": (_group_mode, "permissions", "chmod 660"),
    "next id taken": (_next_id_taken, "ids", "funnel restore"),
}


@pytest.mark.parametrize("name", PROBLEMS)
def test_each_problem_is_reported_with_its_fix(team: Store, name: str) -> None:
    team.ok("add", "Acme")
    team.ok("add", "Globex", "--stage", "customer")
    break_it, check, fix = PROBLEMS[name]
    break_it(team.db)
    before = files_of(team.db.parent)
    code, report = _doctor(team)
    assert code == 1 and report["healthy"] is False
    problems = report["problems"]
    assert isinstance(problems, list)
    assert [p["check"] for p in problems] == check.split(), problems
    assert fix in problems[0]["fix"]
    text = team.run("doctor")
    assert (
        text.returncode == 1
        and "fix: " in text.stdout
        and f"{len(check.split())} problem" in text.stdout
    )
    assert files_of(team.db.parent) == before  # the doctor writes nothing


def test_a_block_left_by_an_interrupted_write_is_not_mistaken_for_damage(personal: Store) -> None:
    repo = open_repository(personal.db)
    repo.add(maker("Acme"))
    repo.add(maker("Globex", stage="customer"))
    # What a write killed before its commit leaves: a block of the next generation, named by
    # no manifest.
    current = block_file(personal.db, "open")
    stray = current.with_name("open-00000.g000009.json")
    stray.write_bytes(current.read_bytes().replace(b"Acme", b"Acme (never committed)"))
    stray.chmod(0o600)
    code, report = _doctor(personal)
    assert code == 1
    problems = report["problems"]
    assert isinstance(problems, list) and [p["check"] for p in problems] == ["temp"]
    assert "interrupted" in problems[0]["problem"] and "nothing is lost" in problems[0]["fix"]
    assert [d.title for d in open_repository(personal.db).snapshot().deals] == ["Acme", "Globex"]
    repo.add(maker("Initech"))
    assert not stray.exists() and _doctor(personal)[0] == 0


def test_no_store_and_a_broken_config(personal: Store, tmp_path: Path) -> None:
    result = personal.run("doctor")
    assert result.returncode == 1 and f"funnel init {personal.db}" in result.stdout
    config = tmp_path / "bad.toml"
    config.write_text("lock_timeout = 'soon'\n")
    personal.ok("add", "Acme")
    broken = personal.run("doctor", extra_env={"FUNNEL_CONFIG": str(config)})
    assert broken.returncode == 1 and "lock_timeout" in broken.stdout
