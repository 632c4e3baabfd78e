"""Timestamps: timezone-aware UTC, stored as ISO 8601 with ``Z``, parsed from what people type."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from board.errors import InvalidInput
from board.text import printable


def utc(moment: datetime) -> datetime:
    """The same instant in UTC, truncated to whole seconds (the stored precision)."""
    if moment.tzinfo is UTC and not moment.microsecond:
        return moment  # the common case: already canonical
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC, microsecond=0)
    return moment.astimezone(UTC).replace(microsecond=0)


# Moments already formatted: a deal's moments repeat across its fields and events, and
# imported dates often fall on the same days. Bounded; cleared when full.
_ISO: dict[datetime, str] = {}
_ISO_MAX = 10_000


def iso(moment: datetime) -> str:
    """``2026-11-22T09:36:52Z``."""
    text = _ISO.get(moment)
    if text is None:
        if len(_ISO) >= _ISO_MAX:
            _ISO.clear()
        # isoformat of a whole-second UTC moment ends in "+00:00"; it is several times
        # faster than strftime. Equal moments are the same instant, so the same text.
        text = _ISO[moment] = utc(moment).isoformat()[:-6] + "Z"
    return text


def from_iso(text: str) -> datetime:
    """Parse a stored timestamp (``...Z`` or with an offset); ValueError if it is not one."""
    try:
        return utc(datetime.fromisoformat(text))
    except OverflowError:  # year 1 or 9999 with an offset that leaves the calendar
        raise ValueError(f"{text!r} is out of range") from None


FIRST_YEAR = 1900
LAST_YEAR = 2999
"""Moments typed in (``--at``, ``FUNNEL_NOW``, ``--since``) lie in these years: far enough from
years 1 and 9999 that a time-zone offset or a window of days never leaves Python's calendar,
and a deal dated by a mistyped year can still be touched by every later action."""


def parse_moment(raw: str, field: str = "--at") -> datetime:
    """An ISO date (00:00 UTC that day) or datetime; a time without zone is taken as UTC."""
    text = raw.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        else:
            moment = utc(datetime.fromisoformat(text.replace(" ", "T", 1)))
    except ValueError:
        raise InvalidInput(
            f"{field} {printable(raw)!r} is not a date or time"
            " (use 2026-11-20 or 2026-11-20T14:30Z)"
        ) from None
    except OverflowError:  # year 1 or 9999 with an offset that leaves the calendar
        moment = datetime.min.replace(tzinfo=UTC)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise InvalidInput(
            f"{field} {printable(raw)!r} is out of range (years {FIRST_YEAR} to {LAST_YEAR})"
        )
    return moment


_SKEW = timedelta(minutes=1)


def check_not_future(moment: datetime, now: datetime, field: str = "--at") -> datetime:
    """Refuse a moment later than now (a minute of clock skew between reps is forgiven)."""
    now = utc(now)
    if moment <= now:
        return moment
    if moment > now + _SKEW:
        raise InvalidInput(f"{field} {iso(moment)} is in the future")
    return now


def age_text(seconds: float) -> str:
    """A short age for cards: ``45m``, ``5h``, ``3d``, ``7w``, ``2y``."""
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if days < 70:
        return f"{days}d"
    if days < 730:
        return f"{days // 7}w"
    return f"{days // 365}y"


def moment_text(moment: datetime | None, now: datetime) -> str:
    """A moment for people, as the board and the CLI both show it: ``2026-11-20 14:30 UTC
    (3d ago)``, ``(just now)`` under a minute, ``—`` when there is none."""
    if moment is None:
        return "—"
    seconds = (now - moment).total_seconds()
    ago = "just now" if seconds < 60 else f"{age_text(seconds)} ago"
    return f"{moment:%Y-%m-%d %H:%M} UTC ({ago})"
