"""What is inside a store, checked in full: JSON, schema, every document, unique ids.

Unlike a transaction, which stops at the first problem, this reads every file to the end and
lists all it finds, each with a fix. It writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from board.codec import deal_from_json, spend_from_json
from board.errors import InvalidInput, StoreCorrupt
from storage.document_lines import decoded
from storage.json_storage import parse_tables
from storage.layout import StoreLayout
from storage.meta_doc import META_ID, META_TABLE, archive_stamps, meta_from_doc
from storage.migrations import schema_of

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
        with open(path, "rb") as handle:
            return parse_tables(handle.read(), path)
    except StoreCorrupt as err:
        found.findings.append(Finding("json", path, _plain(err), RESTORE))
    return None


def _plain(err: Exception) -> str:
    """An error's message without the path in front and the advice behind."""
    if not isinstance(err, StoreCorrupt):
        return str(err)
    return str(err).split(": ", 1)[-1].split("; restore a backup", maxsplit=1)[0]


def _deals(path: Path, table: dict[str, Any], found: Contents, *, block: int | None) -> None:
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
        if block is not None and (deal.is_open or deal.id // 1000 != block):
            found.findings.append(
                Finding(
                    "schema",
                    path,
                    f"deal {deal.id} ({deal.status.value}) does not belong in this archive file",
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
    tables = _read(layout.main, found) if layout.main.exists() else {}
    meta: dict[str, Any] | None = None
    if tables is not None:
        try:
            schema_of(tables, layout.main)
            stored = tables.get(META_TABLE, {}).get(str(META_ID))
            if stored is not None:
                meta = decoded(stored, META_ID, layout.main)
                meta_from_doc(meta, layout.main)
        except StoreCorrupt as err:
            found.findings.append(Finding("schema", layout.main, _plain(err), RESTORE))
            meta = None
        if not deep:
            tables = {}
        _deals(layout.main, tables.get("deals", {}), found, block=None)
        for key, value in tables.get("spend", {}).items():
            try:
                spend_from_json(decoded(value, int(key), layout.main))
                found.spend += 1
            except (StoreCorrupt, InvalidInput, ValueError, TypeError) as err:
                found.findings.append(
                    Finding("schema", layout.main, f"spend {key}: {_plain(err)}", RESTORE)
                )
    for block in sorted(layout.archive_stamps()):
        path = layout.archive(block)
        archive = _read(path, found)
        if archive is not None and deep:
            _deals(path, archive.get("deals", {}), found, block=block)
    if meta is not None and deep:
        _check_ids(layout, meta, found)
    return found


def _check_ids(layout: StoreLayout, meta: dict[str, Any], found: Contents) -> None:
    recorded = archive_stamps(meta)
    present = layout.archive_stamps()
    interrupted = {layout.archive(b) for b, stamp in present.items() if recorded.get(b) != stamp}
    for deal_id, paths in sorted(found.where.items()):
        if len(paths) < 2:
            continue
        names = " and ".join(str(path) for path in paths)
        if any(path in interrupted for path in paths):
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
    if not layout.main.exists() and not layout.archive_stamps():
        return [Finding("json", layout.main, "there is no store file", RESTORE)]
    contents = read_contents(layout, deep=deep)
    return [f for f in contents.findings if f.check in ("json", "schema")]
