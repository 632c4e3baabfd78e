"""CSV in: a HubSpot, Pipedrive or spreadsheet export read into deals, row by row.

The file is UTF-8 (a byte-order mark is fine); the delimiter is whichever of ``,``, ``;`` and
tab the header line uses most. Line numbers are those of the file, counting the header as
line 1 (a row with a multi-line cell is reported at its first line).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from board.deal import Deal
from board.errors import InvalidInput
from board.text import printable
from board.transfer.build import build
from board.transfer.columns import ColumnPlan, plan_columns
from board.transfer.dates import DateOrder, decide_order
from board.transfer.formulas import restore
from board.transfer.import_plan import (
    ImportContext,
    ImportOptions,
    ImportPlan,
    Progress,
    build_deals,
    no_progress,
)
from board.transfer.owners import OwnerNames
from board.transfer.rows import RowReader, check_cells
from board.transfer.stage_match import StageMatcher

DATE_FIELDS = (
    "created_at",
    "stage_entered_at",
    "close_date",
    "won_at",
    "lost_at",
    "handoff_at",
    "accepted_at",
    "rejected_at",
)


@dataclass(frozen=True, slots=True)
class Record:
    """One data row: the line it starts on and its cells."""

    line: int
    cells: list[str]


def decode(data: bytes) -> str:
    """The file's text; refuses what is not UTF-8, naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"line {line}: the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"
        ) from None


def read_records(text: str) -> tuple[list[str], list[Record]]:
    """The header and the non-blank rows, cells as they are (formula quotes still on)."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = next(reader, [])
        records: list[Record] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(cells):
                records.append(Record(start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(f"line {reader.line_num}: not valid CSV ({exc})") from None
    if not any(h.strip() for h in headers):
        raise InvalidInput("the file has no header row (the first line names the columns)")
    return [restore(h) for h in headers], records


def import_csv(
    data: bytes,
    options: ImportOptions,
    context: ImportContext,
    progress: Progress[Record] = no_progress,
) -> ImportPlan:
    """Read a CSV file into an import plan; bad rows are collected, not raised."""
    headers, records = read_records(decode(data))
    columns = plan_columns(headers, options.maps)
    order = options.date_order or decide_order(
        {
            headers[columns.fields[name]]: _column(records, columns.fields[name])
            for name in DATE_FIELDS
            if name in columns.fields
        }
    )
    stages = StageMatcher(context.pipeline, options.stage_maps)
    owners = OwnerNames(context.by, options.owner_maps)
    reader = RowReader(
        context.pipeline, currency=context.currency, stages=stages, owners=owners, date_order=order
    )
    width = len(headers)
    wanted = list(columns.fields.items())

    def make(record: Record, deal_id: int) -> Deal:
        cells = record.cells
        if len(cells) > width:
            raise InvalidInput(f"{len(cells)} cells, but the header names {width} columns")
        check_cells(headers, cells)
        row = {name: restore(cells[index]) if index < len(cells) else "" for name, index in wanted}
        return build(
            reader.read(row),
            deal_id=deal_id,
            pipeline=context.pipeline,
            by=context.by,
            now=context.now,
        )

    deals, errors = build_deals(
        records, make, lambda r: f"line {r.line}", context.first_id, progress
    )
    return ImportPlan(deals, errors, _notes(columns, order, stages, owners))


def _column(records: Sequence[Record], index: int) -> list[str]:
    return [r.cells[index] for r in records if index < len(r.cells)]


def _notes(
    columns: ColumnPlan, order: DateOrder | None, stages: StageMatcher, owners: OwnerNames
) -> list[str]:
    notes = [f"column {line}" for line in columns.describe()]
    if columns.ignored:
        notes.append("ignored columns: " + ", ".join(columns.ignored))
    if order is not None:
        shown = "day/month" if order is DateOrder.DMY else "month/day"
        notes.append(f"slashed dates read as {shown}")
    for theirs, match in sorted(stages.seen().items()):
        status = f" ({match.status.value})" if match.status else ""
        notes.append(f"stage {printable(theirs)!r} → {match.stage}{status}, by {match.how}")
    for name, login in sorted(owners.seen().items()):
        if name.strip() and name.strip() != login:
            notes.append(f"owner {printable(name)!r} → {login}")
    return notes
