"""Reading a store written before blocks (schema 0 and 1), so its first write can upgrade it.

Schema 1 kept open deals and spend in the main file and closed deals in
``board.archive/closed-NNNNN.json``; a write that died between renaming an archive and the
main file could leave a deal in both, and the copy with the higher version was the one that
counted. Here the whole store is read once, such leftovers settled the same way, and every deal
handed over as a document for the blocks of schema 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from storage.document_lines import Tables, decoded
from storage.json_storage import JsonFileStorage
from storage.layout import StoreLayout, newer
from storage.meta_doc import META_ID, META_TABLE, SCHEMA, meta_from_doc, new_meta_doc
from storage.migrations import migrate
from storage.sharing import Sharing

Doc = dict[str, Any]


@dataclass
class LegacyStore:
    """What an old store holds, ready to be laid out in blocks."""

    schema: int
    """The schema it was written with."""
    meta: Doc
    """Its metadata as a schema 2 document (no blocks yet)."""
    spend: dict[str, Any]
    """The spend table, as stored."""
    deals: dict[int, Doc]
    """Every deal, open and closed, by id."""


def read_legacy(
    layout: StoreLayout, tables: Tables, schema: int, now: datetime, sharing: Sharing
) -> LegacyStore:
    """Read a schema 0 or 1 store whole (its main file's ``tables`` and its archive files)."""
    main = layout.main
    tables = migrate(tables, schema, main, now)
    stored_meta = decoded(tables[META_TABLE][str(META_ID)], META_ID, main)
    meta_from_doc(stored_meta, main)  # refuse a broken one before using it
    meta = new_meta_doc(currency=stored_meta["currency"], now=now)
    meta.update(
        created_at=stored_meta["created_at"],
        next_deal_id=stored_meta["next_deal_id"],
        next_spend_id=stored_meta["next_spend_id"],
        schema=SCHEMA,
    )
    deals = {
        int(key): decoded(value, int(key), main) for key, value in tables.get("deals", {}).items()
    }
    for block in sorted(layout.archive_stamps()):
        archive = JsonFileStorage(layout.archive(block), sharing).read() or {}
        path = layout.archive(block)
        for key, value in archive.get("deals", {}).items():
            closed = decoded(value, int(key), path)
            copy = deals.get(int(key))
            if copy is None or not newer(copy, closed, first_is_main=True):
                deals[int(key)] = closed
    top = max(deals, default=0)
    meta["next_deal_id"] = max(int(meta["next_deal_id"]), top + 1)
    return LegacyStore(schema, meta, dict(tables.get("spend", {})), deals)


def legacy_files(layout: StoreLayout) -> list[Path]:
    """The files an upgrade leaves behind as the old store's backup."""
    found = [layout.archive(block) for block in sorted(layout.archive_stamps())]
    return [path for path in (layout.backup(0), layout.backup(1), *found) if path.exists()]
