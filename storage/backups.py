"""Snapshots of a store in ``backups/`` beside it, taken under its lock.

A snapshot is a directory laid out like a store, which any command can open with ``--db``:

    backups/board.json.2026-11-20T101500.123Z.auto/board.json
    backups/board.json.2026-11-20T101500.123Z.auto/board.blocks/open-00000.g000041.json

It holds the manifest and exactly the block files it names. Writes take one by themselves
(kind ``auto``), before they commit, at most once per `BackupPolicy.every` seconds. Those are
hard links: Funnel never modifies a store file in place (a block file is never changed once
written, and the manifest is replaced), so a link keeps the contents of the moment for the
cost of a directory entry. `funnel backup` and `funnel restore` take full copies (kinds
``manual`` and ``before-restore``), which nothing done to the store can touch.

A snapshot is assembled under a temp name and renamed into place, so a crash leaves either a
whole snapshot or a temp directory that the next write removes.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from board.errors import StoreCorrupt
from storage.atomic import (
    copy_file,
    existing_mode,
    fsync_dir,
    make_dir,
    remove_stale_temps,
    step,
    write_atomic,
)
from storage.document_lines import decoded, join_tables
from storage.errors import StoreUnsafe
from storage.json_storage import parse_tables
from storage.layout import FileStamp, StoreLayout, block_name
from storage.meta_doc import META_ID, META_TABLE, SCHEMA, archive_stamps, block_generations
from storage.sharing import Sharing, check_part, sharing_of

BACKUPS_DIR = "backups"
KINDS = ("auto", "manual", "before-restore")
_STAMP = "%Y-%m-%dT%H%M%S"


@dataclass(frozen=True, slots=True)
class BackupPolicy:
    """How often snapshots are taken and how many are kept."""

    keep: int = 10
    """The newest snapshots kept."""
    daily_days: int = 14
    """Plus the first snapshot of each of this many days (today included)."""
    every: float = 60.0
    """Seconds between automatic snapshots; 0 takes one before every write."""


DEFAULT_POLICY = BackupPolicy()


@dataclass(frozen=True, slots=True)
class Backup:
    """One snapshot of a store."""

    path: Path
    taken_at: datetime
    kind: str

    @property
    def name(self) -> str:
        """The snapshot's directory name, which `funnel restore` takes."""
        return self.path.name

    def layout(self, store: StoreLayout) -> StoreLayout:
        """The snapshot seen as a store of its own."""
        return StoreLayout(self.path / store.main.name)


def backups_dir(layout: StoreLayout) -> Path:
    """The store's own folder of snapshots, beside it (``board.backups/``)."""
    return layout.main.with_name(layout.main.stem + ".backups")


def legacy_backups_dir(layout: StoreLayout) -> Path:
    """Where earlier versions put snapshots (``backups/``, shared by every store of a
    folder); still listed and restorable, never written."""
    return layout.main.parent / BACKUPS_DIR


FUTURE_SLACK = timedelta(minutes=5)
"""A snapshot named later than now plus this was not taken by Funnel: it is ignored."""


def _pattern(layout: StoreLayout) -> re.Pattern[str]:
    return re.compile(
        re.escape(layout.main.name)
        + r"\.(\d{4}-\d\d-\d\dT\d{6}\.\d{3})Z\.("
        + "|".join(KINDS)
        + r")$"
    )


def list_backups(layout: StoreLayout, now: datetime | None = None) -> list[Backup]:
    """The store's snapshots that Funnel could have taken, oldest first.

    Other stores' snapshots are not listed, nor any that is a symbolic link, lies in a folder
    or is a folder someone else could have planted, or is named after ``now`` (a name from
    the future would sort as the newest for ever): `odd_backups` lists those for the doctor.
    """
    return _scan_backups(layout, now or datetime.now(UTC))[0]


def odd_backups(layout: StoreLayout, now: datetime | None = None) -> list[tuple[Path, str]]:
    """Snapshot folders `list_backups` ignores, each with why."""
    return _scan_backups(layout, now or datetime.now(UTC))[1]


def _scan_backups(
    layout: StoreLayout, now: datetime
) -> tuple[list[Backup], list[tuple[Path, str]]]:
    pattern = _pattern(layout)
    sharing = sharing_of(layout.main.parent)
    found: list[Backup] = []
    odd: list[tuple[Path, str]] = []
    for folder in (backups_dir(layout), legacy_backups_dir(layout)):
        try:
            check_part(folder, sharing, directory=True)
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except StoreUnsafe as err:
            odd.append((folder, err.problem))
            continue
        for entry in entries:
            match = pattern.match(entry.name)
            if not match:
                continue
            path = Path(entry.path)
            try:
                at = datetime.strptime(match.group(1), _STAMP + ".%f").replace(tzinfo=UTC)
                check_part(path, sharing, directory=True)
            except ValueError:
                continue
            except StoreUnsafe as err:
                odd.append((path, err.problem))
                continue
            if at > now + FUTURE_SLACK:
                odd.append((path, "is named after the present moment: no snapshot of Funnel's"))
                continue
            found.append(Backup(path, at, match.group(2)))
    return sorted(found, key=lambda backup: backup.name), odd


def backup_due(layout: StoreLayout, policy: BackupPolicy, now: datetime) -> bool:
    """Whether the newest snapshot is older than the policy's interval (one directory listing)."""
    if policy.every <= 0:
        return True
    backups = list_backups(layout, now)
    return not backups or (now - backups[-1].taken_at).total_seconds() >= policy.every


def _backups_root(layout: StoreLayout, sharing: Sharing) -> Path:
    root = backups_dir(layout)
    check_part(root, sharing, directory=True)  # before make_dir, which would follow a link
    make_dir(root, mode=sharing.dir_mode, group=sharing.group)
    check_part(root, sharing, directory=True)
    return root


def place_file(source: Path, target: Path, sharing: Sharing, *, link: bool) -> None:
    """Hard-link ``source`` at ``target``, or copy it (a copy gets the store's mode)."""
    if link:
        step("link", target)
        os.link(source, target, follow_symlinks=False)
    else:
        mode = sharing.file_mode(existing_mode(source))
        copy_file(source, target, mode=mode, group=sharing.group)


def _manifest_meta(layout: StoreLayout) -> dict[str, Any]:
    """The store's ``_meta`` document as stored (empty if it cannot be read)."""
    try:
        tables = parse_tables(layout.main.read_bytes(), layout.main)
        stored = tables.get(META_TABLE, {}).get(str(META_ID))
        return {} if stored is None else decoded(stored, META_ID, layout.main)
    except (StoreCorrupt, OSError):
        return {}


def _schema(layout: StoreLayout) -> int:
    schema = _manifest_meta(layout).get("schema", 0)
    return schema if type(schema) is int else 0


def named_block_files(layout: StoreLayout) -> list[str]:
    """The block files the store's manifest names; every one present if it cannot be read."""
    meta = _manifest_meta(layout)
    try:
        if meta and _schema(layout) < SCHEMA:
            return []  # a schema 1 store: its deals are in the main file and the archive
        if meta:
            return sorted(block_name(key, gen) for key, gen in block_generations(meta).items())
    except (TypeError, AttributeError):
        pass
    return sorted(layout.block_files())  # a damaged manifest: keep whatever may matter


def take_backup(
    layout: StoreLayout,
    sharing: Sharing,
    *,
    kind: str,
    now: datetime,
    link: bool = False,
    named: list[str] | None = None,
) -> Backup | None:
    """Snapshot the store's files as they are now; call it holding the store's lock.

    Returns ``None`` when there is nothing to snapshot. With ``link`` (the write path) files
    are hard-linked, never copied; where links are impossible it raises `OSError`. ``named``
    lists the block files of the store when the caller knows them (else the manifest says).
    A store of schema 1, not yet upgraded, is snapshotted with its archive files.
    """
    blocks = layout.archive_stamps()
    has_main = os.path.lexists(layout.main)
    if not has_main and not blocks:
        return None
    if named is None:
        named = named_block_files(layout) if has_main else []
    root = _backups_root(layout, sharing)
    remove_stale_temps(root, prefix=layout.main.name)
    at = now.astimezone(UTC)
    names = {backup.name for backup in list_backups(layout)}
    while (name := _name(layout, at, kind)) in names:
        at += timedelta(milliseconds=1)
    temp = root / f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        make_dir(temp, mode=sharing.dir_mode, group=sharing.group)
        copy = StoreLayout(temp / layout.main.name)
        for block_file in named:
            make_dir(copy.blocks_dir, mode=sharing.dir_mode, group=sharing.group)
            source = layout.blocks_dir / block_file
            place_file(source, copy.blocks_dir / block_file, sharing, link=link)
        if named:
            fsync_dir(copy.blocks_dir)
        legacy = has_main and _schema(layout) < SCHEMA
        for block in sorted(blocks) if legacy else ():
            make_dir(copy.archive_dir, mode=sharing.dir_mode, group=sharing.group)
            place_file(layout.archive(block), copy.archive(block), sharing, link=link)
        if legacy and blocks:
            fsync_dir(copy.archive_dir)
        if has_main and (link or not legacy):
            place_file(layout.main, copy.main, sharing, link=link)
        elif has_main:
            data = restamped_main(layout.main, blocks, copy.archive_stamps())
            mode = sharing.file_mode(existing_mode(layout.main))
            write_atomic(copy.main, data, mode=mode, group=sharing.group)
        fsync_dir(temp)
        step("rename", root / name)
        os.rename(temp, root / name)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    fsync_dir(root)
    return Backup(root / name, at, kind)


def auto_backup(
    layout: StoreLayout, sharing: Sharing, policy: BackupPolicy, named: list[str]
) -> None:
    """Snapshot the store before a write commits, if one is due; never stops the write."""
    now = datetime.now(UTC)
    if not backup_due(layout, policy, now):
        return
    try:
        take_backup(layout, sharing, kind="auto", now=now, link=True, named=named)
        prune_backups(layout, policy, now)
    except (OSError, StoreUnsafe):
        pass  # no room, no hard links, a planted symlink: `funnel doctor` reports it


def restamped_main(
    main: Path, originals: dict[int, FileStamp], copies: dict[int, FileStamp]
) -> bytes:
    """The bytes of a schema 1 ``main``, recording the stamps of fresh copies of its archives.

    A schema 1 main file records the stamp of every archive file it was written with; a
    mismatch means a write was interrupted (see `storage.legacy`). Copies have new stamps, so
    where an original matched the record, its copy's stamp is recorded instead. A main file
    that cannot be parsed (a damaged store being kept) is returned as it is.
    """
    raw = main.read_bytes()
    try:
        tables = parse_tables(raw, main)
        stored = tables.get(META_TABLE, {}).get(str(META_ID))
        meta = None if stored is None else decoded(stored, META_ID, main)
    except StoreCorrupt:
        return raw
    if meta is None:
        return raw  # a store from before the archive existed: nothing recorded
    recorded = archive_stamps(meta)
    meta["archives"] = {
        str(block): list(copies[block] if stamp == originals.get(block) else stamp)
        for block, stamp in sorted(recorded.items())
        if block in copies
    }
    tables[META_TABLE][str(META_ID)] = meta
    return join_tables(tables)


def _name(layout: StoreLayout, at: datetime, kind: str) -> str:
    return f"{layout.main.name}.{at.strftime(_STAMP)}.{at.microsecond // 1000:03d}Z.{kind}"


def prune_backups(layout: StoreLayout, policy: BackupPolicy, now: datetime) -> list[Backup]:
    """Remove the snapshots the policy does not keep; returns them. Hold the store's lock."""
    backups = list_backups(layout)
    kept = set(backups[-policy.keep :]) if policy.keep > 0 else set()
    first_of_day: dict[object, Backup] = {}
    today = now.astimezone(UTC).date()
    for backup in backups:
        day = backup.taken_at.date()
        if (today - day).days < policy.daily_days:
            first_of_day.setdefault(day, backup)
    kept |= set(first_of_day.values())
    removed = [backup for backup in backups if backup not in kept]
    for backup in removed:
        step("unlink", backup.path)
        shutil.rmtree(backup.path, ignore_errors=True)
    return removed


def find_backup(layout: StoreLayout, name: str | None) -> Backup | None:
    """The snapshot called ``name`` (or its path), the newest without one; ``None`` if none."""
    backups = list_backups(layout)
    if name is None:
        return backups[-1] if backups else None
    wanted = Path(name).name
    return next((backup for backup in backups if backup.name == wanted), None)
