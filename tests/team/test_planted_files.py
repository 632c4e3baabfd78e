"""Files and links planted in or beside a store are refused, never followed or trusted.

Each test reproduces an attack of the store's hostile review: a group member or another user
puts something where Funnel looks, and Funnel must refuse it (exit 4, with the fix), or, for
snapshots, ignore it and have `funnel doctor` report it.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from storage.backups import list_backups
from storage.layout import StoreLayout
from tests.storage.conftest import block_file
from tests.team.conftest import STRANGER, Store, files_of, root_only


def _private_store(tmp_path: Path) -> Path:
    """Someone's private 0600 store elsewhere on the machine: what an attacker wants to read."""
    private = tmp_path / "private" / "board.json"
    victim = Store(private, {"FUNNEL_DB": str(private), "FUNNEL_CONFIG": str(tmp_path / "n")})
    victim.ok("add", "Secret deal", "--value", "99k")
    return private


def test_restore_refuses_a_snapshot_whose_files_are_links(team: Store, tmp_path: Path) -> None:
    team.ok("add", "Acme")
    private = _private_store(tmp_path)
    name = team.ok("backup").strip()
    snapshot = team.db.parent / "board.backups" / name
    # A group member swaps the snapshot's manifest and block for links to someone's store.
    (snapshot / "board.json").unlink()
    (snapshot / "board.json").symlink_to(private)
    for block in (snapshot / "board.blocks").iterdir():
        block.unlink()
        block.symlink_to(block_file(private, "open"))
    before = files_of(team.db.parent)
    result = team.run("restore", "--yes")
    assert result.returncode in (1, 4), result.stderr
    assert "Secret deal" not in team.ok("list", "--status", "all")
    assert {k: v for k, v in files_of(team.db.parent).items() if "backups" not in k} == {
        k: v for k, v in before.items() if "backups" not in k
    }


def test_a_link_planted_at_the_blocks_folder_is_refused(personal: Store, tmp_path: Path) -> None:
    personal.ok("add", "Acme")
    blocks = personal.db.with_name("board.blocks")
    elsewhere = tmp_path / "victim-dir"
    shutil.move(blocks, elsewhere)
    blocks.symlink_to(elsewhere)
    for args in (("list",), ("add", "Globex"), ("won", "1")):
        result = personal.run(*args)
        assert result.returncode == 4, (args, result.stderr)
        assert "symbolic link" in result.stderr and f"rm {blocks}" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir())[0].startswith("open-00000")
    doctor = personal.run("doctor")
    assert doctor.returncode == 1 and "symbolic link" in doctor.stdout


@root_only
def test_a_block_someone_else_put_in_a_personal_store_is_refused(personal: Store) -> None:
    personal.ok("add", "Acme")
    block = block_file(personal.db, "open")
    forged = block.read_bytes().replace(b"Acme", b"Injected")
    block.unlink()
    block.write_bytes(forged)
    os.chown(block, STRANGER, STRANGER)
    result = personal.run("list")
    assert result.returncode == 4 and "not to you" in result.stderr
    assert "Injected" not in result.stdout


@root_only
def test_a_blocks_folder_someone_else_made_is_refused(personal: Store) -> None:
    personal.db.parent.mkdir(parents=True)
    personal.db.parent.chmod(0o1777)  # like /tmp: sticky, everyone may create
    planted = personal.db.with_name("board.blocks")
    planted.mkdir()
    os.chown(planted, STRANGER, STRANGER)
    result = personal.run("add", "Acme")
    assert result.returncode == 4 and "not to you" in result.stderr
    assert not personal.db.exists()


@root_only
def test_snapshots_live_in_the_stores_own_folder_and_a_planted_one_is_ignored(
    personal: Store,
) -> None:
    personal.db.parent.mkdir(parents=True)
    personal.db.parent.chmod(0o1777)
    shared = personal.db.parent / "backups"  # where every store of a folder used to put them
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    os.chown(shared, STRANGER, STRANGER)
    personal.ok("add", "Acme")
    personal.ok("backup")
    assert list(shared.iterdir()) == []
    assert [b.path.parent.name for b in list_backups(StoreLayout(personal.db))] == ["board.backups"]
    doctor = personal.run("doctor")
    assert doctor.returncode == 1 and str(shared) in doctor.stdout


def _future_snapshot(store: Store) -> Path:
    name = store.ok("backup").strip()
    folder = store.db.parent / "board.backups"
    future = folder / name.replace(name.split(".")[2][:4], "2099", 1)
    shutil.copytree(folder / name, future, symlinks=True)
    return future


def test_a_snapshot_named_in_the_future_is_never_restored_by_default(personal: Store) -> None:
    personal.ok("add", "Acme")
    future = _future_snapshot(personal)
    personal.ok("add", "Globex")
    names = [b.name for b in list_backups(StoreLayout(personal.db))]
    assert future.name not in names
    result = personal.run("restore", "--yes")
    assert result.returncode == 0, result.stderr
    assert future.name not in result.stderr
    doctor = personal.run("doctor")
    assert doctor.returncode == 1 and "after the present moment" in doctor.stdout


def test_a_snapshot_named_in_the_future_does_not_stop_automatic_snapshots(
    personal: Store,
) -> None:
    personal.ok("add", "Acme")
    _future_snapshot(personal)
    layout = StoreLayout(personal.db)
    newest = list_backups(layout)[-1]
    # Make the newest real snapshot old enough for the next write to take another.
    old = newest.path.with_name(
        newest.name.replace(
            newest.taken_at.strftime("%Y-%m-%d"),
            (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d"),
        )
    )
    newest.path.rename(old)
    personal.ok("add", "Globex")
    assert len(list_backups(layout)) == 2


def test_restoring_an_older_snapshot_never_lowers_the_next_id(personal: Store) -> None:
    personal.ok("add", "Acme")
    personal.ok("backup")
    for title in ("Globex", "Initech", "Hooli"):
        personal.ok("add", title)
    personal.ok("restore", "--yes")
    assert [d["title"] for d in orjson.loads(personal.ok("list", "--json"))] == ["Acme"]
    added = orjson.loads(personal.ok("add", "After the restore", "--json"))
    assert added["id"] == 5  # ids 2 to 4 were handed out once: never again


def test_doctor_says_a_read_only_filesystem_is_one(read_only: Path) -> None:
    from storage.doctor import examine

    problems = [f.problem for f in examine(read_only).findings]
    assert any("read-only filesystem" in p for p in problems), problems
