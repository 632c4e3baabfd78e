"""Snapshots: taken before writes, rotated, listed, restored; a snapshot survives the store."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from storage import BackupPolicy, open_repository
from storage.backups import list_backups, prune_backups, take_backup
from storage.layout import StoreLayout
from storage.sharing import PERSONAL
from storage.store_check import content_problems
from tests.storage.conftest import block_file, maker
from tests.team.conftest import Store, files_of


def _names(store: Store) -> list[str]:
    return [b.name for b in list_backups(StoreLayout(store.db))]


def test_writes_snapshot_the_store_first_at_most_once_per_interval(team: Store) -> None:
    layout = StoreLayout(team.db)
    repo = open_repository(team.db, backups=BackupPolicy(every=3600))
    repo.add(maker("first"))  # the store was made by init: the snapshot is the empty store
    repo.add(maker("second"))
    repo.add(maker("third"))
    [only] = list_backups(layout)
    assert only.kind == "auto" and open_repository(only.layout(layout).main).snapshot().deals == ()
    an_hour_ago = only.taken_at - timedelta(hours=1)
    only.path.rename(
        only.path.with_name(
            only.name.replace(
                only.taken_at.strftime("%Y-%m-%dT%H%M%S"), an_hour_ago.strftime("%Y-%m-%dT%H%M%S")
            )
        )
    )
    repo.add(maker("fourth"))
    _older, newer = list_backups(layout)
    titles = [d.title for d in open_repository(newer.layout(layout).main).snapshot().deals]
    assert titles == ["first", "second", "third"]


def test_automatic_snapshots_are_hard_links_and_the_next_write_replaces_the_main_file(
    team: Store,
) -> None:
    repo = open_repository(team.db, backups=BackupPolicy(every=0))
    repo.add(maker("open"))
    repo.add(maker("won", stage="customer"))
    repo.add(maker("another"))
    newest = list_backups(StoreLayout(team.db))[-1]
    closed = block_file(team.db, "closed")  # written by the second add, unchanged by the third
    assert os.stat(newest.path / "board.blocks" / closed.name).st_ino == os.stat(closed).st_ino
    assert os.stat(newest.path / "board.json").st_ino != os.stat(team.db).st_ino
    assert [d.title for d in open_repository(newest.path / "board.json").snapshot().deals] == [
        "open",
        "won",
    ]


def test_rotation_keeps_the_newest_and_the_first_of_each_recent_day(personal: Store) -> None:
    personal.add()
    layout = StoreLayout(personal.db)
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    moments = [now - timedelta(days=day, hours=hour) for day in range(20) for hour in (9, 3)]
    moments += [now - timedelta(minutes=m) for m in range(1, 13)]
    for moment in moments:
        take_backup(layout, PERSONAL, kind="auto", now=moment, link=True)
    removed = prune_backups(layout, BackupPolicy(keep=10, daily_days=14), now)
    kept = list_backups(layout)
    newest = sorted(moments)[-10:]
    days = {(now - m).days for m in moments}
    assert len(removed) + len(kept) == len(moments)
    assert set(newest) <= {b.taken_at.replace(microsecond=0) for b in kept}
    first_of_day = {
        min(m for m in moments if m.date() == day)
        for day in {m.date() for m in moments}
        if (now.date() - day).days < 14
    }
    assert first_of_day <= {b.taken_at.replace(microsecond=0) for b in kept}
    assert len(kept) == len(set(newest) | first_of_day) and len(days) == 20


def test_funnel_backup_prints_the_name_and_lists_them(team: Store) -> None:
    team.ok("add", "Acme")
    name = team.ok("backup").strip()
    assert name.startswith("board.json.") and name.endswith(".manual")
    assert name in team.ok("backup", "--list")
    listed = orjson.loads(team.ok("backup", "--list", "--json"))
    assert listed[-1]["name"] == name and listed[-1]["kind"] == "manual"
    assert (
        team.db.parent / "board.backups" / name / "board.json"
    ).read_bytes() == team.db.read_bytes()


def test_restore_puts_back_the_newest_and_keeps_what_it_replaced(team: Store) -> None:
    team.ok("add", "Acme")
    team.ok("add", "Globex", "--stage", "customer")  # closed: in the archive
    team.ok("backup")
    good = files_of(team.db.parent)
    team.ok("add", "Initech", "--stage", "customer")
    team.ok("rm", "1", "--yes")
    result = team.run("restore", "--yes")
    assert result.returncode == 0, result.stderr
    assert "kept as board.json." in result.stderr and ".before-restore" in result.stderr
    titles = [deal["title"] for deal in orjson.loads(team.ok("list", "--status", "all", "--json"))]
    assert titles == ["Acme", "Globex"]
    assert _kinds_of(files_of(team.db.parent)) == _kinds_of(good)
    kept = [n for n in _names(team) if n.endswith(".before-restore")]
    undo = team.run("restore", kept[0], "--yes")
    assert undo.returncode == 0, undo.stderr
    titles = [deal["title"] for deal in orjson.loads(team.ok("list", "--status", "all", "--json"))]
    assert titles == ["Globex", "Initech"]
    assert team.run("doctor").returncode == 0


def _kinds_of(files: dict[str, bytes]) -> set[str]:
    """The store's files, block files named by their block alone (a restore writes anew)."""
    return {re.sub(r"\.g\d+\.json$", "", k) for k in files if not k.startswith("board.backups")}


def test_restore_asks_first_and_refuses_without_a_terminal(team: Store) -> None:
    team.ok("add", "Acme")
    team.ok("backup")
    before = team.db.read_bytes()
    result = team.run("restore", input="y\n")  # stdin is a pipe, not a terminal
    assert result.returncode == 2 and "--yes" in result.stderr
    assert team.db.read_bytes() == before
    missing = team.run("restore", "board.json.nope", "--yes")
    assert missing.returncode == 1 and "funnel backup --list" in missing.stderr


def test_a_snapshot_survives_the_store_being_overwritten_in_place(team: Store) -> None:
    team.ok("add", "Acme")
    team.ok("add", "Globex", "--stage", "customer")
    team.ok("backup")
    for path in (team.db, block_file(team.db, "closed")):
        with open(path, "r+b") as handle:  # an editor or `>` writing into the file itself
            handle.truncate(40)
    assert team.run("list").returncode == 4
    assert team.run("restore", "--yes").returncode == 0
    assert len(orjson.loads(team.ok("list", "--status", "all", "--json"))) == 2


def test_a_damaged_snapshot_is_not_restored(team: Store) -> None:
    team.ok("add", "Acme")
    name = team.ok("backup").strip()
    (team.db.parent / "board.backups" / name / "board.json").write_bytes(b"{broken")
    before = team.db.read_bytes()
    result = team.run("restore", "--yes")
    assert result.returncode == 1 and "damaged too" in result.stderr
    assert team.db.read_bytes() == before


def test_a_snapshot_is_a_store_commands_can_open(team: Store) -> None:
    team.ok("add", "Acme")
    name = team.ok("backup").strip()
    snapshot = team.db.parent / "board.backups" / name / "board.json"
    assert not content_problems(StoreLayout(snapshot))
    assert "Acme" in team.ok("--db", str(snapshot), "list")


def test_a_planted_symlink_at_backups_is_never_written_through(team: Store, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (team.db.parent / "board.backups").symlink_to(elsewhere)
    team.ok("add", "Acme")
    team.ok("add", "Globex")  # the write goes on without its snapshot
    assert list(elsewhere.iterdir()) == []
    result = team.run("backup")
    assert result.returncode == 4 and "rm " in result.stderr
    report = team.run("doctor")
    assert report.returncode == 1 and "backups" in report.stdout
