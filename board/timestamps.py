"""Timestamps: timezone-aware UTC, stored as ISO 8601 with ``Z``, parsed from what people type."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from board.errors import InvalidInput


def utc(moment: datetime) -> datetime:
    """The same instant in UTC, truncated to whole seconds (the stored precision)."""
    if moment.tzinfo is UTC and not moment.microsecond:
        return moment  # the common case: already canonical
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """``2026-11-22T09:36:52Z``."""
    # isoformat of a whole-second UTC moment ends in "+00:00"; it is several times faster
    # than strftime, and every stored deal formats a handful of moments.
    return utc(moment).isoformat()[:-6] + "Z"


def from_iso(text: str) -> datetime:
    """Parse a stored timestamp (``...Z`` or with an offset)."""
    return utc(datetime.fromisoformat(text))


def parse_moment(raw: str, field: str = "--at") -> datetime:
    """An ISO date (00:00 UTC that day) or datetime; a time without zone is taken as UTC."""
    text = raw.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return utc(datetime.fromisoformat(text.replace(" ", "T", 1)))
    except ValueError:
        raise InvalidInput(
            f"{field} {raw!r} is not a date or time (use 2026-11-20 or 2026-11-20T14:30Z)"
        ) from None


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
