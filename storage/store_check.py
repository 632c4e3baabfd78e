"""What is inside a store, checked in full: JSON, schema, every document, unique ids.

Unlike a transaction, which stops at the first problem, this reads every file to the end and
lists all it finds, each with a fix. It writes nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from board.codec import deal_from_json, spend_from_json
from board.errors import InvalidInput, StoreCorrupt
from storage.document_lines import decoded
from storage.json_storage import parse_tables, read_store_file
from storage.layout import BlockKey, Kind, StoreLayout, block_of
from storage.meta_doc import META_ID, META_TABLE, SCHEMA, block_generations, meta_from_doc
from storage.migrations import schema_of
from storage.transaction import unnamed_blocks

RESTORE = "restore a snapshot with `funnel restore` (see `funnel backup --list`)"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, where it is and what to do about it."""

    check: str
    """Which check found it: safety, permissions, json, schema, ids, temp, lock, backups."""
    path: Path
    problem: str
    fix: str


@dataclass
class Contents:
    """What a full read of a store found."""

    findings: list[Finding] = field(default_factory=list)
    open_deals: int = 0
    closed_deals: int = 0
    spend: int = 0
    where: dict[int, list[Path]] = field(default_factory=dict)
    """Every deal id and the files holding it."""


def _read(path: Path, found: Contents) -> dict[str, dict[str, Any]] | None:
    try:
        read = read_store_file(path)
        return None if read is None else parse_tables(read[0], path)
    except StoreCorrupt as err:
        found.findings.append(Finding("json", path, _plain(err), RESTORE))
    return None


def _plain(err: Exception) -> str:
    """An error's message without the path in front and the advice behind."""
    if not isinstance(err, StoreCorrupt):
        return str(err)
    return str(err).split(": ", 1)[-1].split("; restore a backup", maxsplit=1)[0]


def _deals(path: Path, table: dict[str, Any], found: Contents, *, block: BlockKey | None) -> None:
    """Check every deal of one file; ``block`` is the block it must belong to (``None``: a
    schema 1 main file, which holds open deals)."""
    for key, value in table.items():
        try:
            deal = deal_from_json(decoded(value, int(key), path))
        except (StoreCorrupt, InvalidInput, ValueError, TypeError) as err:
            found.findings.append(Finding("schema", path, f"deal {key}: {_plain(err)}", RESTORE))
            continue
        if deal.id != int(key):
            found.findings.append(
                Finding(
                    "schema", path, f"the deal stored as {key} says it is deal {deal.id}", RESTORE
                )
            )
        kind = Kind.OPEN if deal.is_open else Kind.CLOSED
        if block is not None and (kind is not block[0] or block_of(deal.id) != block[1]):
            found.findings.append(
                Finding(
                    "schema",
                    path,
                    f"deal {deal.id} ({deal.status.value}) does not belong in this block file",
                    RESTORE,
                )
            )
        if deal.is_open:
            found.open_deals += 1
        else:
            found.closed_deals += 1
        found.where.setdefault(deal.id, []).append(path)


def read_contents(layout: StoreLayout, *, deep: bool = True) -> Contents:
    """Read every file of the store and check everything in it.

    Without ``deep``, only that every file is JSON of the right shape with valid metadata:
    documents are not decoded one by one (seconds at 100,000 deals).
    """
    found = Contents()
    tables = _read(layout.main, found) if os.path.lexists(layout.main) else {}
    meta: dict[str, Any] | None = None
    schema = SCHEMA
    named: dict[BlockKey, int] = {}
    if tables is not None:
        try:
            schema = schema_of(tables, layout.main)
            stored = tables.get(META_TABLE, {}).get(str(META_ID))
            if stored is not None:
                meta = decoded(stored, META_ID, layout.main)
                meta_from_doc(meta, layout.main)
                if schema == SCHEMA:
                    named = block_generations(meta)
        except StoreCorrupt as err:
            found.findings.append(Finding("schema", layout.main, _plain(err), RESTORE))
            meta = None
        _spend(layout.main, tables.get("spend", {}) if deep else {}, found)
        if schema < SCHEMA and deep:
            _deals(layout.main, tables.get("deals", {}), found, block=None)
    if schema < SCHEMA:
        _legacy_archives(layout, found, deep=deep)
    for key, gen in sorted(named.items(), key=lambda item: (item[0][0].value, item[0][1])):
        path = layout.block(key, gen)
        if not os.path.lexists(path):
            found.findings.append(
                Finding("json", path, "is missing, and the store's manifest names it", RESTORE)
            )
            continue
        block = _read(path, found)
        if block is not None and deep:
            _deals(path, block.get("deals", {}), found, block=key)
    if meta is not None and schema == SCHEMA:
        for path in unnamed_blocks(layout, named):
            found.findings.append(
                Finding(
                    "temp",
                    path,
                    "was left by a write that was interrupted before its commit (no manifest"
                    " names it)",
                    "nothing is lost; the next change to the store removes it",
                )
            )
    if meta is not None and deep:
        _check_ids(layout, meta, found)
    return found


def _spend(path: Path, table: dict[str, Any], found: Contents) -> None:
    for key, value in table.items():
        try:
            spend_from_json(decoded(value, int(key), path))
            found.spend += 1
        except (StoreCorrupt, InvalidInput, ValueError, TypeError) as err:
            found.findings.append(Finding("schema", path, f"spend {key}: {_plain(err)}", RESTORE))


def _legacy_archives(layout: StoreLayout, found: Contents, *, deep: bool) -> None:
    """The archive files of a schema 1 store (read as they are until its first write)."""
    for block in sorted(layout.archive_stamps()):
        path = layout.archive(block)
        archive = _read(path, found)
        if archive is not None and deep:
            _deals(path, archive.get("deals", {}), found, block=(Kind.CLOSED, block))


def _check_ids(layout: StoreLayout, meta: dict[str, Any], found: Contents) -> None:
    for deal_id, paths in sorted(found.where.items()):
        if len(paths) < 2:
            continue
        names = " and ".join(str(path) for path in paths)
        if meta.get("schema") != SCHEMA:
            found.findings.append(
                Finding(
                    "ids",
                    paths[0],
                    f"deal {deal_id} is in both {names}, left by a write that was interrupted",
                    "nothing is lost (Funnel reads the newer copy); the next change"
                    " to the board removes the other",
                )
            )
        else:
            found.findings.append(
                Finding("ids", paths[0], f"deal {deal_id} is stored twice, in {names}", RESTORE)
            )
    top = max(found.where, default=0)
    if isinstance(meta.get("next_deal_id"), int) and meta["next_deal_id"] <= top:
        found.findings.append(
            Finding(
                "ids",
                layout.main,
                f"the next new deal would get id {meta['next_deal_id']}, which"
                f" is taken (the highest id is {top})",
                RESTORE,
            )
        )


def content_problems(layout: StoreLayout, *, deep: bool = True) -> list[Finding]:
    """The problems that make a store unreadable (JSON and schema); empty when it reads."""
    if not os.path.lexists(layout.main) and not layout.archive_stamps():
        return [Finding("json", layout.main, "there is no store file", RESTORE)]
    contents = read_contents(layout, deep=deep)
    return [f for f in contents.findings if f.check in ("json", "schema")]
