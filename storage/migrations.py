"""Schema migrations of the main file: a table of steps, each from schema n to n + 1.

Schema 0 is the layout of the pre-release builds, decided here so old files keep working:

- no ``_meta`` table and no archive directory: every deal, open or closed, sits in the
  ``deals`` table, keyed by its TinyDB doc id, which was its identity;
- a deal may lack ``id`` (the key is its id), ``version`` (1) and ``currency`` (USD);
- ``value`` is a JSON number (``12500.5``), not the two-decimal string of schema 1;
- there is no ``spend`` table.

Schema 1 kept open deals and spend in the main file and closed deals in ``board.archive/``.
Steps work on the main file's tables only, up to schema 1; `storage.legacy` then reads a
schema 1 store whole, and its first write lays it out in blocks (schema 2, the current
layout: see `storage.layout`), keeping a backup of the old main file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from board.codec import deal_from_json, deal_to_json
from board.errors import InvalidInput, StoreCorrupt
from board.timestamps import iso
from storage.document_lines import Tables, corrupt, decoded
from storage.meta_doc import META_ID, META_TABLE, SCHEMA

Step = Callable[[Tables, Path, datetime], Tables]


def schema_of(tables: Tables | None, path: Path) -> int:
    """The schema a main file was written with (a missing or empty file counts as current)."""
    if tables is None or not any(tables.values()):
        return SCHEMA
    stored = tables.get(META_TABLE, {}).get(str(META_ID))
    if stored is None:
        return 0
    schema = decoded(stored, META_ID, path).get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 0:
        raise corrupt(path, f"the _meta document has no valid schema number ({schema!r})")
    if schema > SCHEMA:
        raise StoreCorrupt(f"{path}: written by a newer Funnel (schema {schema}); upgrade Funnel")
    return schema


def _pre_release_to_1(tables: Tables, path: Path, now: datetime) -> Tables:
    """Schema 0 → 1: money as text, explicit ids and versions, a `_meta` table."""
    deals: dict[str, Any] = {}
    for key, old in tables.get("deals", {}).items():
        doc = {"id": int(key), "version": 1, "currency": "USD", **decoded(old, int(key), path)}
        try:
            doc["value"] = f"{Decimal(str(doc.get('value', 0))):.2f}"
            # Round-trip through the codec so the result has exactly the current shape.
            deals[key] = deal_to_json(deal_from_json(doc))
        except (InvalidInput, InvalidOperation) as err:
            raise InvalidInput(f"deal {key}: {err}") from None
    created = min((doc["created_at"] for doc in deals.values()), default=iso(now))
    meta: dict[str, Any] = {
        "schema": 1,
        "currency": "USD",
        "created_at": created,
        "next_deal_id": max((int(key) for key in deals), default=0) + 1,
        "next_spend_id": 1,
        "archives": {},
    }
    return {META_TABLE: {str(META_ID): meta}, "deals": deals, "spend": {}}


MIGRATIONS: dict[int, Step] = {0: _pre_release_to_1}
"""Step functions by the schema they start from; each returns tables of schema + 1."""
LAST_MAIN_FILE_SCHEMA = 1
"""The last schema that kept deals in the main file; the steps above lead up to it."""


def migrate(tables: Tables, schema: int, path: Path, now: datetime) -> Tables:
    """Bring a main file's tables from ``schema`` up to schema 1 (see `storage.legacy`)."""
    for start in range(schema, LAST_MAIN_FILE_SCHEMA):
        try:
            tables = MIGRATIONS[start](tables, path, now)
        except InvalidInput as err:
            raise corrupt(path, f"cannot upgrade from schema {start}: {err}") from None
    return tables
