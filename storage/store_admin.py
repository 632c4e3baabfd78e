"""Looking after a store as a whole: creating it, snapshotting it now, restoring a snapshot.

Each step holds the store's exclusive lock, so no colleague's write lands in the middle.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from board.errors import FunnelError, NotFound, StoreCorrupt
from storage.atomic import make_dir
from storage.backups import Backup, BackupPolicy, find_backup, prune_backups, take_backup
from storage.errors import StoreExists, StoreUnsafe, unavailable
from storage.layout import Kind, StoreLayout, parse_block_name
from storage.sharing import TEAM_DIR_MODE, Sharing, check_part, check_store, sharing_of
from storage.store_check import content_problems
from storage.store_lock import store_lock
from storage.transaction import Transaction, transaction


@dataclass(frozen=True, slots=True)
class Restored:
    """What `restore` did: the snapshot put back, and the one keeping the files it replaced."""

    restored: Backup
    kept: Backup | None


def create_store(path: Path, *, group: int | None, currency: str, timeout: float) -> Sharing:
    """Create an empty store; a ``group`` makes it a team store of that group.

    A team store's directory is made (or made over) setgid ``2770`` in the group; a personal
    store's missing directories are made ``0700``. Refuses (`StoreExists`) when a store, or
    anything else, is at ``path`` already.
    """
    layout = StoreLayout(path)
    try:
        if group is not None:
            _make_team_dir(path.parent, group)
        else:
            make_dir(path.parent)
        if any(os.path.lexists(p) for p in (path, layout.blocks_dir, layout.archive_dir)):
            raise StoreExists(f"{path} exists already; Funnel never creates a store over one")
        with transaction(layout, write=True, currency=currency, timeout=timeout) as txn:
            if txn.main.raw is not None or layout.block_files() or layout.archive_stamps():
                raise StoreExists(f"{path} was created meanwhile by someone else")
            txn.main.write(txn.main.read() or {})  # an empty store: just its metadata
            sharing = txn.sharing
    except OSError as exc:
        raise unavailable(exc, path, writing=True) from None
    return sharing


def _make_team_dir(directory: Path, group: int) -> None:
    try:
        directory.mkdir(mode=0o700)
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(directory).st_mode):
            raise StoreUnsafe(
                f"{directory} is not a directory", "pick a path in a real directory"
            ) from None
    os.chown(directory, -1, group)
    os.chmod(directory, TEAM_DIR_MODE)
    if not sharing_of(directory).shared:  # chmod drops setgid for a group one is not in
        raise StoreUnsafe(
            f"{directory}: could not make it setgid in group {group}",
            "run `funnel init --shared` as root or as a member of the group",
        )


def backup_now(path: Path, policy: BackupPolicy, *, timeout: float) -> Backup:
    """Snapshot the store now (kind ``manual``), then drop what the policy does not keep."""
    layout = StoreLayout(path)
    sharing = check_store(layout)
    try:
        with store_lock(layout.lock, exclusive=True, timeout=timeout, mode=sharing.file_mode()):
            damage = content_problems(layout, deep=False)
            if damage and damage[0].problem == "there is no store file":
                raise NotFound(f"there is no store at {path} to back up")
            if damage:
                raise StoreCorrupt(
                    f"{damage[0].path}: {damage[0].problem}; a snapshot of it"
                    " would not help: restore one with `funnel restore`"
                )
            now = datetime.now(UTC)
            backup = take_backup(layout, sharing, kind="manual", now=now)
            if backup is None:
                raise NotFound(f"there is no store at {path} to back up")
            prune_backups(layout, policy, now)
            return backup
    except OSError as exc:
        raise unavailable(exc, path, writing=True) from None


def restore(path: Path, name: str | None, policy: BackupPolicy, *, timeout: float) -> Restored:
    """Put a snapshot back in place of the store (the newest one without a ``name``).

    The store's current files, damaged or not, are first kept as a ``before-restore``
    snapshot. A damaged snapshot is refused. Files are copied back (never linked: the
    snapshot stays what it is whatever happens to the store) as new blocks, and the store's
    manifest replaced last: an interrupted restore leaves the store as it was.
    """
    layout = StoreLayout(path)
    sharing = check_store(layout)
    try:
        with store_lock(layout.lock, exclusive=True, timeout=timeout, mode=sharing.file_mode()):
            backup = find_backup(layout, name)
            if backup is None:
                raise NotFound(_missing(layout, name))
            source = backup.layout(layout)
            damage = content_problems(source, deep=False)
            if damage:
                raise FunnelError(
                    f"snapshot {backup.name} is damaged too ({damage[0].problem});"
                    " pick another one from `funnel backup --list`"
                )
            now = datetime.now(UTC)
            kept = take_backup(layout, sharing, kind="before-restore", now=now)
            _put_back(source, layout, sharing)
            prune_backups(layout, policy, now)
            return Restored(backup, kept)
    except OSError as exc:
        raise unavailable(exc, path, writing=True) from None


def _missing(layout: StoreLayout, name: str | None) -> str:
    if name is None:
        return f"there is no snapshot of {layout.main} yet (see `funnel backup`)"
    return f"there is no snapshot {name!r} of {layout.main}; see `funnel backup --list`"


def _put_back(source: StoreLayout, target: StoreLayout, sharing: Sharing) -> None:
    """Make the store hold what the snapshot holds, in one commit (hold the store's lock).

    Every block of the store and of the snapshot is written anew (the snapshot's lines copied
    as they are), then the manifest names them: a crash leaves the store as it was or restored.
    Ids never go back: the next id is the larger of the two, so none is handed out twice.
    """
    # A snapshot is checked like the store itself: nothing planted, nothing followed.
    check_part(source.main, sharing, directory=False)
    check_part(source.blocks_dir, sharing, directory=True)
    snapshot = Transaction(source, write=False, currency="USD", sharing=sharing)
    snapshot.begin()
    store = Transaction(target, write=True, currency="USD", sharing=sharing)
    try:
        store.begin()
    except StoreCorrupt:
        # Restoring over a damaged store (what restore is for): start from nothing, past every
        # generation on disk, and leave its files to the next write (the before-restore
        # snapshot has them).
        store = Transaction(target, write=True, currency="USD", sharing=sharing)
        store.main.treat_as_missing()
        store.meta_doc = dict(snapshot.meta_doc)
        on_disk = [parse_block_name(name) for name in target.block_files()]
        store.meta_doc["generation"] = max(
            [snapshot.generation, *(gen for found in on_disk if found for _, gen in [found])]
        )
    for kind in Kind:
        for key in {*store.blocks(kind), *snapshot.blocks(kind)}:
            lines = snapshot.block(key).lines() if snapshot.has_block(key) else {}
            store.block(key).storage.write({"deals": dict(lines)})
    kept = {
        name: max(int(store.meta_doc[name]), int(snapshot.meta_doc[name]))
        for name in ("next_deal_id", "next_spend_id")
    }
    store.meta_doc.update(
        currency=snapshot.meta_doc["currency"],
        created_at=snapshot.meta_doc["created_at"],
        **kept,
    )
    store.main.write(
        {**(store.main.read() or {}), "spend": dict((snapshot.main.read() or {}).get("spend", {}))}
    )
    store.commit()
