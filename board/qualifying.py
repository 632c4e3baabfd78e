"""Recording which agreed criteria a deal meets: the journey's rule for ``qualified`` events.

Kept beside `board.journey` (whose helpers it shares) rather than in it: the journey is the
stages and the handoff; this is the one action that changes neither.
"""

from __future__ import annotations

from datetime import datetime

from board.deal import Deal, Event, EventKind
from board.errors import RuleViolation

# The journey's own helpers, so that a qualification is dated, checked and versioned exactly
# like every other action.
from board.journey import _advance, _require_open, _when
from board.qualification import QualificationRules, criteria_met, qualification_event


def qualify(
    deal: Deal,
    criteria: tuple[str, ...],
    *,
    rules: QualificationRules,
    by: str,
    now: datetime,
    at: datetime | None = None,
    unset: bool = False,
) -> Deal:
    """Record that an open deal meets (or, with ``unset``, no longer meets) some criteria."""
    rules.check(criteria)  # a mistyped criterion is a bad value before it is a closed deal
    _require_open(deal, "qualify it")
    moment = _when(deal, at, now)
    event = qualification_event(deal, criteria, rules=rules, unset=unset, by=by, at=moment)
    return _advance(deal, now, event)


def requalify(
    deal: Deal, met: frozenset[str], *, rules: QualificationRules, by: str, now: datetime
) -> Deal:
    """Make the configured criteria the deal meets exactly ``met`` (the board's picker).

    Criteria met and criteria no longer met go into one event: one action, one version.
    """
    _require_open(deal, "qualify it")
    wanted = set(rules.check(met)) if met else set()
    current = criteria_met(deal)
    added = [c for c in rules.criteria if c in wanted and c not in current]
    dropped = [c for c in rules.criteria if c not in wanted and c in current]
    if not added and not dropped:
        raise RuleViolation(f"nothing to change: deal {deal.id} already meets those criteria")
    data = {key: value for key, value in (("met", added), ("unmet", dropped)) if value}
    event = Event(_when(deal, None, now), by, EventKind.QUALIFIED, data)
    return _advance(deal, now, event)
