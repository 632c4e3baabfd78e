"""Lead quality both teams agreed on: the criteria, which a deal meets, and the handoff gate.

The team lists its criteria once (``[qualification]`` in the settings); a deal's history
records which it meets (``qualified`` events); the handoff is refused while fewer than the
required number are met, unless someone overrides it with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from board.deal import Deal, Event, EventKind
from board.errors import ConfigError, InvalidInput, RuleViolation
from board.text import printable

CRITERION = re.compile(r"[a-z][a-z0-9_-]{0,23}")
CRITERIA_MAX = 12
WEIGHT_MAX = 100


@dataclass(frozen=True, slots=True)
class QualificationRules:
    """The agreed criteria, how many a handoff needs, and each one's weight in the score."""

    criteria: tuple[str, ...] = ()
    required: int = 0
    weights: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def gated(self) -> bool:
        """Whether the handoff is checked at all (only when criteria are configured)."""
        return bool(self.criteria)

    def weight(self, criterion: str) -> int:
        """The criterion's weight in the score (1 unless configured)."""
        return self.weights.get(criterion, 1)

    def check(self, raw: Iterable[str]) -> tuple[str, ...]:
        """Criteria a person typed, folded and deduplicated; an unknown one is refused."""
        if not self.criteria:
            raise InvalidInput(
                "no qualification criteria are configured; add [qualification] criteria"
                " to the settings file (see funnel config)"
            )
        found: list[str] = []
        for text in raw:
            key = text.strip().lower()
            if key not in self.criteria:
                raise InvalidInput(
                    f"unknown criterion {printable(text)!r}; criteria: {', '.join(self.criteria)}"
                )
            if key not in found:
                found.append(key)
        if not found:
            raise InvalidInput(f"name at least one criterion: {', '.join(self.criteria)}")
        return tuple(found)


NO_RULES = QualificationRules()


@dataclass(frozen=True, slots=True)
class Qualification:
    """Where a deal stands against the rules: what it meets, what it lacks, its score 0–100."""

    met: tuple[str, ...]
    missing: tuple[str, ...]
    score: int | None
    """Weighted share of the criteria met, rounded; ``None`` when no criteria are configured."""
    qualified: bool
    """At least ``required`` criteria met (always true without criteria)."""


def criteria_met(deal: Deal) -> frozenset[str]:
    """Every criterion the deal's history says it meets now, configured or not."""
    met: set[str] = set()
    for event in deal.history:
        if event.kind is EventKind.QUALIFIED:
            met.update(event.data.get("met", ()))
            met.difference_update(event.data.get("unmet", ()))
    return frozenset(met)


def qualification_of(deal: Deal, rules: QualificationRules) -> Qualification:
    """The deal against the rules; criteria no longer configured are ignored."""
    recorded = criteria_met(deal) if rules.criteria else frozenset()
    met = tuple(c for c in rules.criteria if c in recorded)
    missing = tuple(c for c in rules.criteria if c not in recorded)
    score: int | None = None
    if rules.criteria:
        total = sum(rules.weight(c) for c in rules.criteria)
        # Half-up, so 2 of 3 equal weights is 67, as people round it.
        score = (200 * sum(rules.weight(c) for c in met) + total) // (2 * total)
    return Qualification(met, missing, score, len(met) >= rules.required)


def qualification_event(
    deal: Deal,
    criteria: Iterable[str],
    *,
    rules: QualificationRules,
    unset: bool,
    by: str,
    at: datetime,
) -> Event:
    """The history entry that marks criteria met (or no longer met); refuses a change of nothing."""
    wanted = rules.check(criteria)
    current = criteria_met(deal)
    changed = [c for c in wanted if (c in current) == unset]
    if not changed:
        state = "not met" if unset else "already met"
        raise RuleViolation(f"nothing to change: deal {deal.id} has {', '.join(wanted)} {state}")
    return Event(at, by, EventKind.QUALIFIED, {"unmet" if unset else "met": changed})


def qualified_text(data: Mapping[str, Any]) -> str:
    """`` budget, need`` or `` no longer timeline``: what a qualification event changed."""
    met, unmet = data.get("met") or (), data.get("unmet") or ()
    text = f" {', '.join(map(str, met))}" if met else ""
    if unmet:
        text += f" no longer {', '.join(map(str, unmet))}"
    return printable(text)


def qualification_line(deal: Deal, rules: QualificationRules) -> str:
    """``2 of 4 met (budget, need), score 50: missing authority, timeline``; empty without rules."""
    if not rules.gated:
        return ""
    state = qualification_of(deal, rules)
    text = f"{len(state.met)} of {len(rules.criteria)} met"
    if state.met:
        text += f" ({', '.join(state.met)})"
    text += f", score {state.score}"
    if state.missing:
        text += f"; missing {', '.join(state.missing)}"
    verdict = "qualified" if state.qualified else f"not qualified: {rules.required} needed"
    return f"{text}; {verdict}"


def gate_refusal(deal: Deal, rules: QualificationRules) -> str | None:
    """Why the deal may not be handed off under the rules, or ``None`` when it may."""
    if not rules.gated:
        return None
    state = qualification_of(deal, rules)
    if state.qualified:
        return None
    return (
        f"deal {deal.id} is not qualified: {len(state.met)} of {rules.required} required"
        f" criteria met, missing {', '.join(state.missing)}"
    )


def rules_from_config(data: Any, where: str) -> QualificationRules:
    """Validate the ``[qualification]`` table: criteria, required, weights."""
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}qualification: must be a table")
    for key in data:
        if key not in {"criteria", "required", "weights"}:
            raise ConfigError(
                f"{where}qualification.{printable(str(key))}: unknown setting"
                " (known: criteria, required, weights)"
            )
    criteria = _criteria(data.get("criteria", []), where)
    required = data.get("required", len(criteria))
    if isinstance(required, bool) or not isinstance(required, int):
        raise ConfigError(
            f"{where}qualification.required: must be a whole number, got {required!r}"
        )
    if not criteria and "required" in data:
        raise ConfigError(f"{where}qualification.required: set criteria first")
    if criteria and not 1 <= required <= len(criteria):
        raise ConfigError(
            f"{where}qualification.required: must be from 1 to {len(criteria)}"
            f" (the number of criteria), got {required}"
        )
    weights = data.get("weights", {})
    if not isinstance(weights, Mapping):
        raise ConfigError(f"{where}qualification.weights: must be a table of criterion = number")
    for name, weight in weights.items():
        if name not in criteria:
            raise ConfigError(
                f"{where}qualification.weights.{printable(str(name))}: not one of the criteria"
                f" ({', '.join(criteria) or 'none configured'})"
            )
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= WEIGHT_MAX:
            raise ConfigError(
                f"{where}qualification.weights.{name}: must be a whole number from 1 to"
                f" {WEIGHT_MAX}, got {weight!r}"
            )
    every = {name: weights.get(name, 1) for name in criteria}
    return QualificationRules(criteria, required, MappingProxyType(every))


def _criteria(raw: Any, where: str) -> tuple[str, ...]:
    at = f"{where}qualification.criteria"
    if not isinstance(raw, list):
        raise ConfigError(f'{at}: must be a list of names such as ["budget", "need"]')
    if len(raw) > CRITERIA_MAX:
        raise ConfigError(f"{at}: at most {CRITERIA_MAX} criteria, got {len(raw)}")
    found: list[str] = []
    for name in raw:
        if not isinstance(name, str) or not CRITERION.fullmatch(name):
            raise ConfigError(
                f"{at}: {name!r} is not a name (lower-case letters, digits, - or _,"
                " starting with a letter, up to 24 characters)"
            )
        if name in found:
            raise ConfigError(f"{at}: {name!r} is listed twice")
        found.append(name)
    return tuple(found)
