"""The spend ledger: what each team spent, per channel and day, for CPL, CAC and budget shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from board.errors import InvalidInput
from board.money import check_money
from board.stages import Team
from board.text import clean_line, clean_notes


@dataclass(frozen=True, slots=True)
class Spend:
    """One spend entry; ``on`` is the day it counts for (00:00 UTC)."""

    id: int
    amount: Decimal
    team: Team
    on: datetime
    channel: str = ""
    note: str = ""
    by: str = ""
    created_at: datetime | None = None


def new_spend(
    *,
    spend_id: int,
    amount: Decimal,
    team: str,
    on: datetime,
    by: str,
    now: datetime,
    channel: str = "",
    note: str = "",
) -> Spend:
    """Validate and build a spend entry."""
    try:
        owner = Team(team)
    except ValueError:
        raise InvalidInput(f"--team must be 'marketing' or 'sales', got {team!r}") from None
    if check_money(amount, "amount") == 0:
        raise InvalidInput("amount must be more than zero")
    return Spend(
        id=spend_id,
        amount=check_money(amount, "amount"),
        team=owner,
        on=on,
        channel=clean_line(channel, "channel", max_len=40).lower(),
        note=clean_notes(note, "note"),
        by=by,
        created_at=now,
    )
