"""Dates as CRMs and spreadsheets write them, read as UTC moments.

ISO forms (``2026-11-20``, ``2026-11-20 14:30``, HubSpot's ``2026-11-20 14:30:00``, with ``Z``
or an offset) are read as they are; a time without a zone is UTC and a date alone is 00:00
UTC. ``20.11.2026`` is always day first. Slashed dates (``11/20/2026``, ``20/11/2026``) are
decided for the whole file: a value whose first number is over 12 proves day-first, one whose
second number is over 12 proves month-first; a file with no proof either way, or with proof
both ways, is refused with a hint to say ``--date-order dmy`` or ``mdy``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum

from board.errors import InvalidInput
from board.text import printable
from board.timestamps import utc


class DateOrder(StrEnum):
    """How to read the first two numbers of a slashed date."""

    DMY = "dmy"
    MDY = "mdy"


_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
_SLASHED = re.compile(rf"(\d{{1,2}})[/-](\d{{1,2}})[/-](\d{{4}}|\d{{2}}){_TIME}")
_DOTTED = re.compile(rf"(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}){_TIME}")
_YEAR_FIRST = re.compile(rf"(\d{{4}})/(\d{{1,2}})/(\d{{1,2}}){_TIME}")
_NAMED = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y")
HINT = "use 2026-11-20, 2026-11-20 14:30, 11/20/2026 or 20.11.2026"


def parse_date(raw: str, order: DateOrder | None, field: str) -> datetime:
    """One cell as a UTC moment; ``order`` reads slashed dates (``None``: only if unambiguous)."""
    text = raw.strip()
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    except OverflowError:  # year 1 or 9999 shifted out of the calendar by its offset
        raise InvalidInput(f"{field} {printable(raw)!r} is out of range") from None
    try:
        return _parse_other(text, order, field)
    except (ValueError, OverflowError):
        raise InvalidInput(f"{field} {printable(raw)!r} is not a date ({HINT})") from None


def _parse_other(text: str, order: DateOrder | None, field: str) -> datetime:
    if match := _SLASHED.fullmatch(text):
        first, second = int(match[1]), int(match[2])
        if order is None:
            order = _evidence(first, second)
            if order is None and first != second:
                raise InvalidInput(
                    f"{field} {text!r} could be day/month or month/day; say which with"
                    " --date-order dmy or --date-order mdy"
                )
        day, month = (first, second) if order is DateOrder.DMY else (second, first)
        return _moment(_year(match[3]), month, day, match)
    if match := _DOTTED.fullmatch(text):
        return _moment(int(match[3]), int(match[2]), int(match[1]), match)
    if match := _YEAR_FIRST.fullmatch(text):
        return _moment(int(match[1]), int(match[2]), int(match[3]), match)
    for pattern in _NAMED:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise ValueError(text)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _moment(year: int, month: int, day: int, match: re.Match[str]) -> datetime:
    hour = int(match[4] or 0)
    meridiem = (match[7] or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(match[0])
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return datetime(year, month, day, hour, int(match[5] or 0), int(match[6] or 0), tzinfo=UTC)


def _evidence(first: int, second: int) -> DateOrder | None:
    if first > 12 >= second:
        return DateOrder.DMY
    if second > 12 >= first:
        return DateOrder.MDY
    return None


def decide_order(columns: Mapping[str, Iterable[str]]) -> DateOrder | None:
    """The file's slashed-date order, proved by its values; ``None`` when it has none to read.

    ``columns`` maps a column's header to its cells. Raises `InvalidInput` naming the column
    and a value when the file proves both orders, or has ambiguous dates and no proof.
    """
    proof: dict[DateOrder, tuple[str, str]] = {}
    ambiguous: tuple[str, str] | None = None
    for header, cells in columns.items():
        for cell in cells:
            match = _SLASHED.fullmatch(cell.strip())
            if match is None:
                continue
            first, second = int(match[1]), int(match[2])
            found = _evidence(first, second)
            if found is not None:
                proof.setdefault(found, (header, cell.strip()))
            elif first != second and ambiguous is None:
                ambiguous = (header, cell.strip())
    if len(proof) == 2:
        (h1, v1), (h2, v2) = proof[DateOrder.DMY], proof[DateOrder.MDY]
        raise InvalidInput(
            f"dates are written both day-first ({printable(h1)!r}: {printable(v1)!r}) and"
            f" month-first ({printable(h2)!r}: {printable(v2)!r}); fix the file or say"
            " --date-order dmy or mdy"
        )
    if proof:
        return next(iter(proof))
    if ambiguous is not None:
        header, cell = ambiguous
        raise InvalidInput(
            f"dates such as {printable(cell)!r} in {printable(header)!r} could be day/month"
            " or month/day and no date in the file settles it; say --date-order dmy or"
            " --date-order mdy"
        )
    return None
