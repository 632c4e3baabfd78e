"""A store that is a symlink, someone else's, or in a world-writable directory is not opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from board.errors import StoreCorrupt
from storage import open_repository
from storage.doctor import examine
from tests.storage.conftest import maker
from tests.team.conftest import STRANGER, Store, files_of, root_only

COMMANDS = [("list",), ("add", "Globex"), ("show", "1"), ("backup",), ("restore", "--yes")]


def _refused(store: Store, hint: str) -> None:
    """Every command exits 4 with one line naming the problem and the fix; nothing changes."""
    before = files_of(store.db.parent)
    for args in COMMANDS:
        result = store.run(*args)
        assert result.returncode == 4, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert hint in result.stderr, (args, result.stderr)
    assert files_of(store.db.parent) == before
    with pytest.raises(StoreCorrupt, match=r"Funnel does not follow|writable by every|belongs to"):
        open_repository(store.db).snapshot()


def test_a_store_that_is_a_symlink_is_refused(personal: Store, tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "board.json"
    open_repository(real).add(maker())
    personal.db.parent.mkdir(mode=0o700)
    personal.db.symlink_to(real)
    before = real.read_bytes()
    _refused(personal, "is a symbolic link")
    assert real.read_bytes() == before
    problems = examine(personal.db).findings
    assert [f.check for f in problems] == ["safety"]
    assert problems[0].fix == "point FUNNEL_DB or --db at the real file"


def test_a_store_in_a_world_writable_directory_is_refused(personal: Store) -> None:
    open_repository(personal.db).add(maker())
    os.chmod(personal.db.parent, 0o777)
    _refused(personal, f"run `chmod o-w {personal.db.parent}`")
    assert examine(personal.db).findings[0].fix.startswith(f"run `chmod o-w {personal.db.parent}`")


def test_a_world_writable_directory_with_the_sticky_bit_is_fine(personal: Store) -> None:
    personal.db.parent.mkdir()
    os.chmod(personal.db.parent, 0o1777)  # like /tmp: nobody can replace someone else's file
    assert personal.run("add", "Acme").returncode == 0
    assert personal.ok("list", "--json").count('"id"') == 1


def test_a_world_writable_store_file_is_refused(personal: Store) -> None:
    open_repository(personal.db).add(maker())
    os.chmod(personal.db, 0o666)
    _refused(personal, f"run `chmod o-w {personal.db}`")


def test_a_world_writable_team_directory_is_refused(team: Store) -> None:
    team.ok("add", "Acme")
    os.chmod(team.db.parent, 0o2777)
    _refused(team, "chmod o-w")


@root_only
def test_a_personal_store_of_someone_else_is_refused(personal: Store) -> None:
    open_repository(personal.db).add(maker())
    os.chown(personal.db, STRANGER, STRANGER)
    _refused(personal, f"belongs to uid {STRANGER}, not to you")
    assert "if it is yours, run `chown" in _one(personal)


@root_only
def test_a_team_store_written_last_by_a_colleague_opens(team: Store) -> None:
    team.ok("add", "Acme")
    os.chown(team.db, STRANGER, -1)  # files belong to whoever wrote last; the group decides
    assert team.run("add", "Globex").returncode == 0
    assert team.ok("list", "--json").count('"id"') == 2


def _one(store: Store) -> str:
    return store.run("list").stderr
