"""The one place that knows a deal's JSON shape: for ``--json``, export/import and the store.

The shape is a public contract (scripts read it) and the store's document shape, so it
changes only with a schema migration. Money is a string with two decimals; timestamps are
ISO 8601 UTC with ``Z``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from board.deal import Deal, Event, EventKind, Handoff, Status
from board.errors import InvalidInput
from board.money import check_money, money_text
from board.qualification import QualificationRules, qualification_of
from board.spend import Spend
from board.stages import Team
from board.timestamps import from_iso, iso

JSON = dict[str, Any]

# Decoding runs for every deal the board or a report reads (tens of thousands at start-up),
# so the common, canonical forms take fast paths; anything else goes through full checks.
_KINDS = {kind.value: kind for kind in EventKind}
_STATUSES = {status.value: status for status in Status}
_CANONICAL_MONEY = re.compile(r"\d{1,12}\.\d\d")
_CANONICAL_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _ts(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def event_to_json(event: Event) -> JSON:
    """``{"at", "by", "kind", ...data}``."""
    # ``_value_`` is the member's plain attribute; ``.value`` is a Python-level property.
    return {"at": iso(event.at), "by": event.by, "kind": event.kind._value_, **event.data}


def handoff_to_json(handoff: Handoff | None) -> JSON | None:
    """The handoff record, or ``None`` for a deal never handed off."""
    if handoff is None:
        return None
    return {
        "at": iso(handoff.at),
        "by": handoff.by,
        "note": handoff.note,
        "accepted_at": _ts(handoff.accepted_at),
        "accepted_by": handoff.accepted_by,
        "rejected_at": _ts(handoff.rejected_at),
        "rejected_by": handoff.rejected_by,
        "reason": handoff.reason,
    }


def deal_to_json(
    deal: Deal, *, history: bool = True, rules: QualificationRules | None = None
) -> JSON:
    """A deal in the documented shape; ``history=False`` leaves the events out (``list``).

    With the team's qualification ``rules`` (what commands print, not what the store keeps:
    it depends on the settings) the deal gains ``qualification``: ``{met, missing, score,
    qualified}``.
    """
    doc: JSON = {
        "id": deal.id,
        "title": deal.title,
        "company": deal.company,
        "contact": deal.contact,
        "value": money_text(deal.value),
        "currency": deal.currency,
        "stage": deal.stage,
        "owner": deal.owner,
        "source": deal.source,
        "tags": list(deal.tags),
        "notes": deal.notes,
        "status": deal.status._value_,
        "lost_reason": deal.lost_reason,
        "created_at": iso(deal.created_at),
        "updated_at": iso(deal.updated_at),
        "stage_entered_at": iso(deal.stage_entered_at),
        "won_at": _ts(deal.won_at),
        "lost_at": _ts(deal.lost_at),
        "version": deal.version,
        "handoff": handoff_to_json(deal.handoff),
    }
    if rules is not None:
        state = qualification_of(deal, rules)
        doc["qualification"] = {
            "met": list(state.met),
            "missing": list(state.missing),
            "score": state.score,
            "qualified": state.qualified,
        }
    if history:
        doc["history"] = [event_to_json(event) for event in deal.history]
    return doc


def _req(doc: Mapping[str, Any], key: str) -> Any:
    try:
        return doc[key]
    except KeyError:
        raise InvalidInput(f"missing field {key!r}") from None


def _opt_ts(doc: Mapping[str, Any], key: str) -> datetime | None:
    value = doc.get(key)
    return _parse_ts(value, key) if value is not None else None


# Canonical timestamps already parsed: a deal's moments repeat across its fields and events.
_MOMENTS: dict[str, datetime] = {}
_MOMENTS_MAX = 100_000


def _parse_ts(value: Any, key: str) -> datetime:
    try:
        return _MOMENTS[value]
    except (KeyError, TypeError):
        pass
    if isinstance(value, str) and _CANONICAL_MOMENT.fullmatch(value):
        try:
            # Python 3.11 reads the trailing Z as UTC; the canonical form has whole seconds.
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass  # e.g. month 13: the full path below words the error
        else:
            if len(_MOMENTS) >= _MOMENTS_MAX:
                _MOMENTS.clear()
            _MOMENTS[value] = moment
            return moment
    if not isinstance(value, str):
        raise InvalidInput(f"{key}: expected an ISO timestamp, got {value!r}")
    try:
        return from_iso(value)
    except ValueError:
        raise InvalidInput(f"{key}: {value!r} is not an ISO timestamp") from None


def _money(value: Any, key: str) -> Decimal:
    if type(value) is str:
        found = _SHARED_AMOUNTS.get(value)
        if found is not None:
            return found
        if _CANONICAL_MONEY.fullmatch(value):
            if len(_SHARED_AMOUNTS) >= _SHARED_MAX:
                _SHARED_AMOUNTS.clear()
            found = _SHARED_AMOUNTS[value] = Decimal(value)
            return found
    try:
        return check_money(Decimal(str(value)), key)
    except InvalidOperation:
        raise InvalidInput(f"{key}: {value!r} is not an amount") from None


# A board holds tens of thousands of decoded deals, and most of what they say repeats: stages,
# owners, sources, event payloads ({"from": "mql", "to": "purchase"}), amounts. Each decode
# shares one object for each such value instead of holding one per deal, a third of their
# memory. Nothing changes a deal, an event's data or a Decimal in place. Bounded; cleared
# when full. Text users write freely (titles, companies, notes) is seldom repeated: not shared.
_SHARED_TEXT: dict[str, str] = {}
_SHARED_PAYLOADS: dict[tuple[tuple[str, str | None], ...], dict[str, Any]] = {}
_SHARED_AMOUNTS: dict[str, Decimal] = {}
_SHARED_MAX = 50_000


def _text(value: Any) -> str:
    """``str(value)``, one object for each equal text decoded."""
    text = value if type(value) is str else str(value)
    found = _SHARED_TEXT.get(text)
    if found is None:
        if len(_SHARED_TEXT) >= _SHARED_MAX:
            _SHARED_TEXT.clear()
        found = _SHARED_TEXT[text] = text
    return found


def _opt_text(value: Any) -> Any:
    return _text(value) if type(value) is str else value


def _payload(data: dict[str, Any]) -> Mapping[str, Any]:
    """An event's data, one dict for each equal payload of plain text (the common case)."""
    if not data:
        return _EMPTY_PAYLOAD
    items = tuple(data.items())
    # Only text and None values: 1, 1.0 and True are equal keys but not the same payload.
    for _, value in items:
        if value is not None and type(value) is not str:
            return data
    found = _SHARED_PAYLOADS.get(items)
    if found is None:
        if len(_SHARED_PAYLOADS) >= _SHARED_MAX:
            _SHARED_PAYLOADS.clear()
        found = _SHARED_PAYLOADS[items] = data
    return found


_EMPTY_PAYLOAD: Mapping[str, Any] = MappingProxyType({})


def event_from_json(doc: Mapping[str, Any]) -> Event:
    """Inverse of `event_to_json`."""
    kind = _KINDS.get(_req(doc, "kind"))
    if kind is None:
        raise InvalidInput(f"history: unknown event kind {doc.get('kind')!r}")
    at, by = _parse_ts(_req(doc, "at"), "history.at"), _text(_req(doc, "by"))
    data = dict(doc)
    del data["at"], data["by"], data["kind"]
    return Event(at, by, kind, _payload(data))


def handoff_from_json(doc: Mapping[str, Any] | None) -> Handoff | None:
    """Inverse of `handoff_to_json`."""
    if doc is None:
        return None
    return Handoff(
        at=_parse_ts(_req(doc, "at"), "handoff.at"),
        by=_text(_req(doc, "by")),
        note=str(doc.get("note") or ""),
        accepted_at=_opt_ts(doc, "accepted_at"),
        accepted_by=_opt_text(doc.get("accepted_by")),
        rejected_at=_opt_ts(doc, "rejected_at"),
        rejected_by=_opt_text(doc.get("rejected_by")),
        reason=_opt_text(doc.get("reason")),
    )


MAX_WHOLE = 2**53
"""Ids and versions stay below this: every JSON reader holds them exactly, and the next one
(``+ 1``) still fits the 64-bit integers the store's writer handles."""


def _whole(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < MAX_WHOLE:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise InvalidInput(f"{key}: must be a positive whole number below 2**53, got {shown}")
    return value


def deal_from_json(doc: Mapping[str, Any]) -> Deal:
    """Inverse of `deal_to_json`; raises `InvalidInput` naming the bad field."""
    if not isinstance(doc, Mapping):
        raise InvalidInput(f"a deal must be a JSON object, got {type(doc).__name__}")
    deal_id = _whole(_req(doc, "id"), "id")
    version = _whole(doc.get("version", 1), "version")
    status = _STATUSES.get(doc.get("status", "open"))
    if status is None:
        raise InvalidInput(f"status: {doc.get('status')!r} is not open, won or lost")
    history = doc.get("history") or []
    if not isinstance(history, list):
        raise InvalidInput("history: must be a list")
    tags = doc.get("tags") or []
    if not isinstance(tags, list):
        raise InvalidInput("tags: must be a list")
    return Deal(
        id=deal_id,
        title=str(_req(doc, "title")),
        company=str(doc.get("company") or ""),
        contact=str(doc.get("contact") or ""),
        value=_money(doc.get("value", "0"), "value"),
        currency=_text(doc.get("currency") or "USD"),
        stage=_text(_req(doc, "stage")),
        owner=_text(_req(doc, "owner")),
        source=_text(doc.get("source") or ""),
        tags=tuple(_text(tag) for tag in tags),
        notes=str(doc.get("notes") or ""),
        status=status,
        lost_reason=_opt_text(doc.get("lost_reason")),
        created_at=_parse_ts(_req(doc, "created_at"), "created_at"),
        updated_at=_parse_ts(_req(doc, "updated_at"), "updated_at"),
        stage_entered_at=_parse_ts(_req(doc, "stage_entered_at"), "stage_entered_at"),
        won_at=_opt_ts(doc, "won_at"),
        lost_at=_opt_ts(doc, "lost_at"),
        version=version,
        handoff=handoff_from_json(doc.get("handoff")),
        history=tuple(event_from_json(event) for event in history),
    )


def spend_to_json(entry: Spend) -> JSON:
    """A spend entry: ``{"id", "amount", "team", "channel", "on", "note", "by", "created_at"}``."""
    return {
        "id": entry.id,
        "amount": money_text(entry.amount),
        "team": entry.team.value,
        "channel": entry.channel,
        "on": iso(entry.on)[:10],
        "note": entry.note,
        "by": entry.by,
        "created_at": _ts(entry.created_at),
    }


def spend_from_json(doc: Mapping[str, Any]) -> Spend:
    """Inverse of `spend_to_json`."""
    try:
        team = Team(_req(doc, "team"))
    except ValueError:
        raise InvalidInput(f"team: {doc.get('team')!r} is not marketing or sales") from None
    return Spend(
        id=int(_req(doc, "id")),
        amount=_money(_req(doc, "amount"), "amount"),
        team=team,
        on=_parse_ts(f"{_req(doc, 'on')}T00:00:00Z", "on"),
        channel=str(doc.get("channel") or ""),
        note=str(doc.get("note") or ""),
        by=str(doc.get("by") or ""),
        created_at=_opt_ts(doc, "created_at"),
    )
