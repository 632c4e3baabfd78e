"""The ``_meta`` document of the main file: schema, currency, id counters, archive stamps."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from board.timestamps import from_iso, iso
from storage.document_lines import corrupt
from storage.layout import FileStamp
from storage.repository import StoreMeta

SCHEMA = 1
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
        "archives": {},
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
        ints = (meta.schema, meta.next_deal_id, meta.next_spend_id)
        if not all(isinstance(n, int) and n >= 0 for n in ints):
            raise TypeError
        if not isinstance(meta.currency, str) or not isinstance(doc.get("archives", {}), dict):
            raise TypeError
    except (KeyError, TypeError, ValueError):
        raise corrupt(path, "the _meta document is missing fields or has wrong ones") from None
    return meta


def archive_stamps(doc: dict[str, Any]) -> dict[int, FileStamp]:
    """The archive stamps recorded at the last write of the main file, by block."""
    stamps: dict[int, FileStamp] = {}
    for block, stamp in doc.get("archives", {}).items():
        if block.isdigit() and isinstance(stamp, list) and len(stamp) == 3:
            stamps[int(block)] = (int(stamp[0]), int(stamp[1]), int(stamp[2]))
    return stamps
