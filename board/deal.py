"""A deal: one prospect's way through the journey, with its handoff and its history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Status(StrEnum):
    """Whether a deal is still being worked."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class EventKind(StrEnum):
    """What happened to a deal, as recorded in its history."""

    CREATED = "created"
    MOVED = "moved"
    EDITED = "edited"
    HANDOFF = "handoff"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WON = "won"
    LOST = "lost"
    REOPENED = "reopened"
    QUALIFIED = "qualified"


_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a deal's append-only history.

    `data` holds what the kind needs: ``from``/``to`` stage keys for moves, handoffs,
    rejections, wins and reopens; ``note``; ``reason``; ``changes`` for edits
    (``{field: [old, new]}``); ``value`` when a win sets the amount; ``met``/``unmet``
    (criteria) for qualifications; ``override`` (with ``reason`` and ``missing``) for a
    handoff made past the qualification gate.
    """

    at: datetime
    by: str
    kind: EventKind
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Handoff:
    """The latest marketing→sales handoff of a deal and sales' answer to it."""

    at: datetime
    by: str
    note: str = ""
    accepted_at: datetime | None = None
    accepted_by: str | None = None
    rejected_at: datetime | None = None
    rejected_by: str | None = None
    reason: str | None = None

    @property
    def pending(self) -> bool:
        """Handed off and not yet answered by sales."""
        return self.accepted_at is None and self.rejected_at is None


@dataclass(frozen=True, slots=True)
class Deal:
    """A deal as stored: immutable; every change makes a new one with ``version + 1``."""

    id: int
    title: str
    stage: str
    owner: str
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    company: str = ""
    contact: str = ""
    value: Decimal = Decimal("0.00")
    currency: str = "USD"
    source: str = ""
    tags: tuple[str, ...] = ()
    notes: str = ""
    status: Status = Status.OPEN
    lost_reason: str | None = None
    won_at: datetime | None = None
    lost_at: datetime | None = None
    version: int = 1
    handoff: Handoff | None = None
    history: tuple[Event, ...] = ()

    @property
    def is_open(self) -> bool:
        """Still being worked (neither won nor lost)."""
        return self.status is Status.OPEN

    @property
    def awaiting_acceptance(self) -> bool:
        """Handed off to sales and not yet accepted or rejected."""
        return self.is_open and self.handoff is not None and self.handoff.pending

    @property
    def closed_at(self) -> datetime | None:
        """When it was won or lost."""
        return self.won_at or self.lost_at

    @property
    def last_event(self) -> Event | None:
        """The newest history entry: who touched the deal last, and when."""
        return self.history[-1] if self.history else None

    @property
    def updated_by(self) -> str:
        """Login of whoever made the latest change."""
        last = self.last_event
        return last.by if last else self.owner

    @property
    def sales_sourced(self) -> bool:
        """Created directly in a sales stage: sales found it, no handoff ever."""
        created = self.history[0] if self.history else None
        return bool(created and created.data.get("sales_sourced"))


@dataclass(frozen=True, slots=True)
class DealDraft:
    """What a person types to create a deal; validated by `journey.new_deal`."""

    title: str
    company: str = ""
    contact: str = ""
    value: Decimal = Decimal("0.00")
    stage: str | None = None
    owner: str | None = None
    source: str = ""
    tags: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class DealChanges:
    """The fields an edit may change; ``None`` leaves a field as it is."""

    title: str | None = None
    company: str | None = None
    contact: str | None = None
    value: Decimal | None = None
    owner: str | None = None
    source: str | None = None
    tags: tuple[str, ...] | None = None
    notes: str | None = None
