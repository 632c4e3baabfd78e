"""CSV in: a HubSpot, Pipedrive or spreadsheet export read into deals, row by row.

The file is UTF-8 (a byte-order mark is fine); the delimiter is whichever of ``,``, ``;`` and
tab the header line uses most. Line numbers are those of the file, counting the header as
line 1 (a row with a multi-line cell is reported at its first line).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
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
    headers, records = _read(text)
    return headers, list(records)


def _read(text: str) -> tuple[list[str], Iterator[Record]]:
    """The header, and the non-blank rows as a stream (a CSV error is raised when met)."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    try:
        headers = next(reader, [])
    except csv.Error as exc:
        raise InvalidInput(f"line {reader.line_num}: not valid CSV ({exc})") from None
    if not any(h.strip() for h in headers):
        raise InvalidInput("the file has no header row (the first line names the columns)")

    def rows() -> Iterator[Record]:
        start = reader.line_num + 1
        try:
            for cells in reader:
                if any(cells):
                    yield Record(start, cells)
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InvalidInput(f"line {reader.line_num}: not valid CSV ({exc})") from None

    return [restore(h) for h in headers], rows()


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The lines as ``io.StringIO(text, newline="")`` gives them, without copying the text.

    (A StringIO holds four bytes a character: 70 MB for a 17 MB export.)
    """
    return (match.group() for match in _LINE.finditer(text))


# Where a dash-separated date could be (``20-11-2026``): 1-2 digits after a non-digit, a
# dash, 1-2 digits, a dash and a year. It starts with the dash so that a scan of the whole
# text is quick, and ISO dates (``2026-11-20``) do not match it.
_DASHED = re.compile(r"-(?:(?<=\D\d-)|(?<=\D\d\d-)|(?<=^\d-)|(?<=^\d\d-))\d{1,2}-\d\d")


def _maybe_slashed(text: str) -> bool:
    """Whether some cell of the text could be a slashed date (never wrong when it says no)."""
    return "/" in text or _DASHED.search(text) is not None


def import_csv(
    data: bytes,
    options: ImportOptions,
    context: ImportContext,
    progress: Progress[Record] = no_progress,
) -> ImportPlan:
    """Read a CSV file into an import plan; bad rows are collected, not raised.

    Rows are read, checked and turned into deals one at a time: only the deals are kept.
    """
    text = decode(data)
    headers, records = _read(text)
    columns = plan_columns(headers, options.maps)
    order = options.date_order or _date_order(text, headers, columns)
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
        records,
        make,
        lambda r: f"line {r.line}",
        context.first_id,
        progress,
        count=text.count("\n"),
    )
    return ImportPlan(deals, errors, _notes(columns, order, stages, owners))


def _date_order(text: str, headers: list[str], columns: ColumnPlan) -> DateOrder | None:
    """The file's slashed-date order (`decide_order` over the date columns' cells)."""
    wanted = [columns.fields[name] for name in DATE_FIELDS if name in columns.fields]
    if not wanted or not _maybe_slashed(text):
        return None
    cells: dict[int, list[str]] = {index: [] for index in wanted}
    for record in _read(text)[1]:
        for index, column in cells.items():
            if index < len(record.cells):
                column.append(record.cells[index])
    return decide_order({headers[index]: cells[index] for index in wanted})


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
