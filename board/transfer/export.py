"""Deals out as bytes: JSON, JSON Lines (both lossless, history included) and CSV for sheets.

Output is deterministic: deals sorted by id, keys in the codec's order, no timestamp of the
export itself, so the same store gives the same bytes. JSON is ASCII-only (``\\u`` escapes),
so no character in a title can reorder what a terminal shows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from board.codec import JSON, deal_to_json
from board.deal import Deal
from board.text import printable
from board.transfer.formulas import neutralise

CSV_COLUMNS = (
    "id",
    "title",
    "company",
    "contact",
    "value",
    "currency",
    "stage",
    "status",
    "owner",
    "source",
    "tags",
    "notes",
    "created_at",
    "updated_at",
    "stage_entered_at",
    "won_at",
    "lost_at",
    "lost_reason",
    "sales_sourced",
    "handoff_at",
    "handoff_by",
    "handoff_note",
    "accepted_at",
    "accepted_by",
    "rejected_at",
    "rejected_by",
    "rejected_reason",
)
"""The CSV header: one row per deal, these columns in this order."""
HANDOFF_COLUMNS = {
    "handoff_at": "at",
    "handoff_by": "by",
    "handoff_note": "note",
    "accepted_at": "accepted_at",
    "accepted_by": "accepted_by",
    "rejected_at": "rejected_at",
    "rejected_by": "rejected_by",
    "rejected_reason": "reason",
}
"""CSV columns read from the deal's handoff record, and the record's key for each."""
BOM = "\ufeff"


def export_docs(deals: Iterable[Deal]) -> list[JSON]:
    """Each deal in the codec's shape, history included, by id."""
    return [deal_to_json(deal) for deal in sorted(deals, key=lambda d: d.id)]


def to_json(deals: Iterable[Deal]) -> bytes:
    """One JSON array of deals, indented."""
    return (json.dumps(export_docs(deals), indent=2) + "\n").encode()


def to_jsonl(deals: Iterable[Deal]) -> bytes:
    """One deal per line (JSON Lines)."""
    return b"".join(
        (json.dumps(doc, separators=(",", ":")) + "\n").encode() for doc in export_docs(deals)
    )


def csv_row(deal: Deal) -> list[str]:
    """A deal's CSV cells in `CSV_COLUMNS` order, before formula neutralisation."""
    doc = deal_to_json(deal, history=False)
    handoff = doc["handoff"] or {}
    cells: list[str] = []
    for column in CSV_COLUMNS:
        if column in HANDOFF_COLUMNS:
            value: Any = handoff.get(HANDOFF_COLUMNS[column])
        elif column == "tags":
            value = ", ".join(deal.tags)
        elif column == "sales_sourced":
            value = "true" if deal.sales_sourced else "false"
        else:
            value = doc[column]
        cells.append("" if value is None else str(value))
    return cells


def to_csv(deals: Iterable[Deal], *, excel: bool = False, for_terminal: bool = False) -> bytes:
    """UTF-8 CSV (``excel``: with a byte-order mark so Excel reads it as UTF-8).

    ``for_terminal`` shows control characters in cells as visible escapes: CSV on stdout may
    be read by a terminal. A file (``-o``) keeps every byte, for a lossless round trip.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for deal in sorted(deals, key=lambda d: d.id):
        cells = [neutralise(cell) for cell in csv_row(deal)]
        if for_terminal:
            cells = [printable(cell, keep_newlines=True) for cell in cells]
        writer.writerow(cells)
    return ((BOM if excel else "") + out.getvalue()).encode()
