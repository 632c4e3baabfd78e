"""One imported row, read and validated into what `replay` needs to rebuild the deal."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from board.deal import DealDraft, Status
from board.errors import InvalidInput
from board.money import parse_money
from board.stages import Pipeline
from board.text import printable, strip_controls
from board.transfer.columns import fold
from board.transfer.dates import DateOrder, parse_date
from board.transfer.owners import OwnerNames
from board.transfer.stage_match import StageMatcher

_STATUS = {
    "": None,
    "open": Status.OPEN,
    "active": Status.OPEN,
    "inprogress": Status.OPEN,
    "won": Status.WON,
    "closedwon": Status.WON,
    "lost": Status.LOST,
    "closedlost": Status.LOST,
}
_YES = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
    "": None,
}
T = TypeVar("T")
_TAG_SPLIT = re.compile(r"[,;]")
_CURRENCY = re.compile(r"[A-Za-z]{3}")


@dataclass(frozen=True, slots=True)
class ImportedHandoff:
    """A handoff as exported by Funnel: when, by whom, and sales' answer."""

    at: datetime
    by: str | None = None
    note: str = ""
    accepted_at: datetime | None = None
    accepted_by: str | None = None
    rejected_at: datetime | None = None
    rejected_by: str | None = None
    reason: str = ""
    inferred_from: str | None = None
    """The field its moments were taken from when the file has no handoff columns."""


@dataclass(frozen=True, slots=True)
class ImportedDeal:
    """A row's deal: the draft, where it stands, and the moments of its journey."""

    draft: DealDraft
    currency: str
    stage: str
    """Our open stage it was last worked in (a won deal was won from it: a sales stage)."""
    status: Status
    created_at: datetime | None = None
    stage_entered_at: datetime | None = None
    closed_at: datetime | None = None
    lost_reason: str = ""
    sales_sourced: bool | None = None
    """``None`` when the file does not say (then the source decides)."""
    handoff: ImportedHandoff | None = None


def check_cells(headers: Sequence[str], cells: Sequence[str]) -> None:
    """Refuse a row with a control character in any cell, even in a column nothing reads."""
    joined = "".join(cells)
    if joined.isprintable():  # the common case: nothing to look for
        return
    joined = joined.replace("\r\n", "\n")
    if strip_controls(joined, keep_newlines=True) == joined:
        return
    for header, raw in zip(headers, cells, strict=False):
        cell = raw.replace("\r\n", "\n")
        if strip_controls(cell, keep_newlines=True) != cell:
            raise InvalidInput(
                f"column {printable(header)!r} contains a control character; remove it"
            )
    raise InvalidInput("a cell contains a control character; remove it")


class RowReader:
    """Reads rows of one import: shared stage and owner answers, one date order."""

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        currency: str,
        stages: StageMatcher,
        owners: OwnerNames,
        date_order: DateOrder | None,
    ) -> None:
        self.pipeline = pipeline
        self.currency = currency
        self.stages = stages
        self.owners = owners
        self.date_order = date_order
        # Cells already read: files repeat amounts and days (a close date, say). The deals
        # then share one object for each, too. Only good cells are kept; bounded.
        self._amounts: dict[str, Decimal] = {}
        self._moments: dict[str, datetime] = {}

    def read(self, row: Mapping[str, str]) -> ImportedDeal:
        """The deal a row describes; ``row`` maps field names to cell text."""
        get = row.get
        stage, status = self._stage_and_status(
            get("stage", ""), get("status", ""), get("won_at", ""), get("lost_at", "")
        )
        pipeline = self.pipeline
        if status is Status.WON and (
            stage == pipeline.customer.key or not pipeline.is_sales(stage)
        ):
            stage = pipeline.first_sales.key
        close_field = "won_at" if status is Status.WON else "lost_at"
        closed_at = (
            self._date(row, close_field) or self._date(row, "close_date")
            if status is not Status.OPEN
            else None
        )
        # Text fields are validated once, by `journey.new_deal`, when the deal is replayed.
        draft = DealDraft(
            title=get("title", ""),
            company=get("company", ""),
            contact=get("contact", ""),
            value=self._value(get("value", "")),
            owner=self.owners.login(get("owner", "")),
            source=get("source", ""),
            tags=_tags(get("tags", "")),
            notes=get("notes", ""),
        )
        return ImportedDeal(
            draft=draft,
            currency=self._currency(get("currency", "")),
            stage=stage,
            status=status,
            created_at=self._date(row, "created_at"),
            stage_entered_at=self._date(row, "stage_entered_at"),
            closed_at=closed_at,
            lost_reason=get("lost_reason", ""),
            sales_sourced=_flag(get("sales_sourced", ""), "sales_sourced"),
            handoff=self._handoff(row),
        )

    def _stage_and_status(
        self, stage_cell: str, status_cell: str, won_cell: str, lost_cell: str
    ) -> tuple[str, Status]:
        folded = status_cell.strip().lower()
        if folded not in _STATUS:
            folded = fold(status_cell)
        if folded not in _STATUS:
            deleted = " (deleted deals are not imported)" if folded == "deleted" else ""
            raise InvalidInput(
                f"status {printable(status_cell)!r} is not open, won or lost{deleted}"
            )
        said = _STATUS[folded]
        implied: Status | None = None
        stage = self.pipeline.first.key
        if stage_cell.strip():
            match = self.stages.resolve(stage_cell)
            stage, implied = match.stage, match.status
        if implied is not None and said in (Status.WON, Status.LOST) and said is not implied:
            raise InvalidInput(
                f"status {said.value} contradicts stage {printable(stage_cell.strip())!r}"
                f" (a {implied.value} stage)"
            )
        if said is None:
            said = Status.WON if won_cell.strip() else Status.LOST if lost_cell.strip() else None
        return stage, implied or said or Status.OPEN

    def _date(self, row: Mapping[str, str], field: str) -> datetime | None:
        cell = row.get(field, "")
        moment = self._moments.get(cell)
        if moment is None:
            if not cell.strip():
                return None
            moment = parse_date(cell, self.date_order, field)
            _remember(self._moments, cell, moment)
        return moment

    def _value(self, cell: str) -> Decimal:
        amount = self._amounts.get(cell)
        if amount is None:
            amount = _value(cell)
            _remember(self._amounts, cell, amount)
        return amount

    def _currency(self, cell: str) -> str:
        text = cell.strip()
        if not text:
            return self.currency
        if not _CURRENCY.fullmatch(text):
            raise InvalidInput(f"currency {printable(text)!r} is not a 3-letter code such as USD")
        return text.upper()

    def _handoff(self, row: Mapping[str, str]) -> ImportedHandoff | None:
        at = self._date(row, "handoff_at")
        if at is None:
            return None
        return ImportedHandoff(
            at=at,
            by=self._login(row, "handoff_by"),
            note=row.get("handoff_note", ""),
            accepted_at=self._date(row, "accepted_at"),
            accepted_by=self._login(row, "accepted_by"),
            rejected_at=self._date(row, "rejected_at"),
            rejected_by=self._login(row, "rejected_by"),
            reason=row.get("rejected_reason", ""),
        )

    def _login(self, row: Mapping[str, str], field: str) -> str | None:
        cell = row.get(field, "")
        return self.owners.login(cell) if cell.strip() else None


_REMEMBER = 20_000


def _remember(cells: dict[str, T], cell: str, value: T) -> None:
    if len(cells) >= _REMEMBER:
        cells.clear()
    cells[cell] = value


def _value(cell: str) -> Decimal:
    return parse_money(cell) if cell.strip() else Decimal("0.00")


def _tags(cell: str) -> tuple[str, ...]:
    # Pipedrive labels and HubSpot multi-selects hold words with spaces: "Hot lead" → hot-lead.
    if not cell:
        return ()
    return tuple("-".join(part.split()) for part in _TAG_SPLIT.split(cell) if part.strip())


def _flag(cell: str, field: str) -> bool | None:
    found = _YES.get(cell.strip().lower(), InvalidInput)
    if found is InvalidInput:
        raise InvalidInput(f"{field} {printable(cell)!r} is not true or false")
    return found  # type: ignore[return-value]
