"""The ``_meta`` document of the manifest: schema, currency, id counters, and the blocks.

    {"schema": 2, "currency": "USD", "created_at": "…", "next_deal_id": 12345,
     "next_spend_id": 7, "generation": 341,
     "open": {"12": 341, …}, "closed": {"0": 12, …}}

``generation`` counts the store's commits; ``open`` and ``closed`` name, for each block that
holds deals, the generation of the file that holds them (see `storage.layout`). ``store_id``,
drawn at random when the store is made, tells a reader that a store at the same path was made
anew (its history is another one).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from board.timestamps import from_iso, iso
from storage.document_lines import corrupt
from storage.layout import BlockKey, FileStamp, Kind
from storage.repository import StoreMeta

SCHEMA = 2
"""The layout this version of Funnel reads and writes."""

META_TABLE = "_meta"
META_ID = 1


def new_meta_doc(*, currency: str, now: datetime) -> dict[str, Any]:
    """The metadata of a store about to be created."""
    return {
        "schema": SCHEMA,
        "currency": currency,
        "created_at": iso(now),
        "next_deal_id": 1,
        "next_spend_id": 1,
        "generation": 0,
        "store_id": os.urandom(8).hex(),
        Kind.OPEN.value: {},
        Kind.CLOSED.value: {},
    }


def meta_from_doc(doc: dict[str, Any], path: Path) -> StoreMeta:
    """Check and read the metadata document; a wrong one makes the store corrupt."""
    try:
        meta = StoreMeta(
            schema=doc["schema"],
            currency=doc["currency"],
            created_at=from_iso(doc["created_at"]),
            next_deal_id=doc["next_deal_id"],
            next_spend_id=doc["next_spend_id"],
        )
        ints = (meta.schema, meta.next_deal_id, meta.next_spend_id, doc.get("generation", 0))
        if not all(type(n) is int and n >= 0 for n in ints):
            raise TypeError
        if not isinstance(meta.currency, str):
            raise TypeError
        if meta.schema >= SCHEMA:
            block_generations(doc)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise corrupt(path, "the _meta document is missing fields or has wrong ones") from None
    return meta


def block_generations(doc: dict[str, Any]) -> dict[BlockKey, int]:
    """Every block the manifest names, with the generation of its file; raises `TypeError`."""
    generation = doc.get("generation", 0)
    found: dict[BlockKey, int] = {}
    for kind in Kind:
        blocks = doc.get(kind.value, {})
        if not isinstance(blocks, dict):
            raise TypeError
        for number, gen in blocks.items():
            if not number.isdigit() or type(gen) is not int or not 0 < gen <= generation:
                raise TypeError
            found[(kind, int(number))] = gen
    return found


def set_block_generations(doc: dict[str, Any], blocks: dict[BlockKey, int]) -> None:
    """Record the blocks of the store in the manifest, in block order."""
    for kind in Kind:
        doc[kind.value] = {
            str(number): gen for (k, number), gen in sorted(blocks.items(), key=_order) if k is kind
        }


def _order(item: tuple[BlockKey, int]) -> tuple[str, int]:
    (kind, number), _ = item
    return kind.value, number


def archive_stamps(doc: dict[str, Any]) -> dict[int, FileStamp]:
    """The archive stamps a schema 1 main file recorded at its last write, by block."""
    stamps: dict[int, FileStamp] = {}
    archives = doc.get("archives", {})
    if not isinstance(archives, dict):
        return stamps
    for block, stamp in archives.items():
        if block.isdigit() and isinstance(stamp, list) and len(stamp) == 3:
            stamps[int(block)] = (int(stamp[0]), int(stamp[1]), int(stamp[2]))
    return stamps
