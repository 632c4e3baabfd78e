"""`funnel init`: a personal store only its owner can use, a team store its group can."""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

import pytest

from storage import open_repository
from tests.storage.conftest import maker
from tests.team.conftest import STRANGER, Store, mode, root_only, store_env


def test_umask_000_still_gives_a_personal_store_0700_and_0600(personal: Store) -> None:
    wide_open = lambda: os.umask(0)  # noqa: E731
    for args in (
        ("init", str(personal.db)),
        ("add", "Acme"),
        ("add", "Globex", "--stage", "customer"),
        ("add", "Initech"),
        ("backup",),
    ):
        result = personal.run(*args, preexec=wide_open)
        assert result.returncode == 0, result.stderr
    directory = personal.db.parent
    snapshots = list((directory / "board.backups").iterdir())
    assert {s.name.rsplit(".", 1)[1] for s in snapshots} == {"auto", "manual"}
    dirs = [directory, directory / "board.blocks", directory / "board.backups", *snapshots]
    files = [path for path in directory.rglob("*") if path.is_file()]
    assert len(files) >= 6  # main, lock, archive, and the snapshots' copies
    assert {oct(mode(d)) for d in dirs} == {oct(0o700)}
    assert {oct(mode(f)) for f in files} == {oct(0o600)}


def test_the_first_add_creates_a_personal_store_0700_0600_under_umask_000(personal: Store) -> None:
    result = personal.run("add", "Acme", preexec=lambda: os.umask(0) and None)
    assert result.returncode == 0, result.stderr
    assert mode(personal.db.parent) == 0o700
    assert mode(personal.db) == 0o600 and mode(personal.db.with_name("board.json.lock")) == 0o600


def test_a_team_store_is_setgid_2770_with_files_0660_in_its_group(team: Store) -> None:
    team.run("add", "Acme", preexec=lambda: os.umask(0o077) and None)
    team.run("add", "Globex", "--stage", "customer", preexec=lambda: os.umask(0o077) and None)
    team.ok("backup")
    directory = team.db.parent
    group = os.stat(directory).st_gid
    assert group == os.getegid()  # the default group is the caller's primary group
    dirs = [directory, *[p for p in directory.rglob("*") if p.is_dir()]]
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert len(dirs) >= 5 and len(files) >= 6
    assert {oct(mode(d)) for d in dirs} == {oct(0o2770)}
    assert {oct(mode(f)) for f in files} == {oct(0o660)}
    assert {os.stat(p).st_gid for p in dirs + files} == {group}


def test_the_group_mode_comes_back_after_every_replace(team: Store) -> None:
    team.ok("add", "Acme")
    os.chmod(team.db, 0o600)  # someone tightened it by hand: colleagues are locked out
    team.ok("edit", "1", "--note", "called back")
    assert mode(team.db) == 0o660


@root_only
def test_a_team_store_takes_the_group_given(tmp_path: Path) -> None:
    group = grp.getgrgid(STRANGER).gr_name if _has_group(STRANGER) else str(STRANGER)
    db = tmp_path / "sales" / "board.json"
    store = Store(db, store_env(db))
    store.ok("init", "--shared", "--group", group, str(db))
    store.ok("add", "Acme")
    for path in (db.parent, db, db.with_name("board.json.lock")):
        assert os.stat(path).st_gid == STRANGER
    assert mode(db.parent) == 0o2770


def _has_group(gid: int) -> bool:
    try:
        grp.getgrgid(gid)
    except KeyError:
        return False
    return True


@pytest.mark.parametrize("shared", [False, True], ids=["personal", "team"])
def test_init_refuses_an_existing_store(personal: Store, shared: bool) -> None:
    personal.ok("add", "Acme")
    before = personal.db.read_bytes()
    result = personal.run("init", *(["--shared"] if shared else []), str(personal.db))
    assert result.returncode == 1
    assert "exists already" in result.stderr and str(personal.db) in result.stderr
    assert personal.db.read_bytes() == before


def test_init_refuses_a_symlink_at_the_path(personal: Store, tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    victim.write_text("precious")
    personal.db.parent.mkdir()
    personal.db.symlink_to(victim)
    result = personal.run("init", str(personal.db))
    assert result.returncode in (1, 4), result.stderr
    assert victim.read_text() == "precious"


def test_init_usage_errors(personal: Store) -> None:
    result = personal.run("init", "--group", "sales", str(personal.db))
    assert result.returncode == 2 and "--group goes with --shared" in result.stderr
    result = personal.run("init", "--shared", "--group", "no-such-group-here", str(personal.db))
    assert result.returncode == 2 and "no-such-group-here" in result.stderr
    assert not personal.db.exists()


def test_an_initialised_store_reads_as_empty_and_takes_deals(team: Store) -> None:
    repo = open_repository(team.db)
    assert repo.snapshot().deals == ()
    assert repo.add(maker()).id == 1
    assert stat.S_ISREG(os.lstat(team.db).st_mode)
