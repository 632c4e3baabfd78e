"""The customer journey: stages, the team that owns each, and the handoff boundary."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from board.errors import ConfigError

_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class Team(StrEnum):
    """Which side of the handoff owns a stage."""

    MARKETING = "marketing"
    SALES = "sales"


@dataclass(frozen=True, slots=True)
class Stage:
    """One column of the board: a step of the buyer's journey."""

    key: str
    label: str
    team: Team
    question: str
    lifecycle: str
    probability: Decimal
    """Chance that a deal in this stage is won; weights the pipeline."""
    rot_days: int
    """A deal longer than this in the stage is rotting."""


@dataclass(frozen=True, slots=True)
class Pipeline:
    """The ordered stages of a store, with exactly one marketing→sales boundary."""

    stages: tuple[Stage, ...]
    # Lookups asked for on every rule check, computed once (the pipeline never changes).
    _by_key: dict[str, Stage] = field(init=False, repr=False, compare=False)
    _keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _marketing: tuple[Stage, ...] = field(init=False, repr=False, compare=False)
    _sales: tuple[Stage, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_order(self.stages, "stages")
        object.__setattr__(self, "_by_key", {stage.key: stage for stage in self.stages})
        object.__setattr__(self, "_keys", tuple(stage.key for stage in self.stages))
        object.__setattr__(
            self, "_marketing", tuple(s for s in self.stages if s.team is Team.MARKETING)
        )
        object.__setattr__(self, "_sales", tuple(s for s in self.stages if s.team is Team.SALES))

    @property
    def keys(self) -> tuple[str, ...]:
        """Stage keys in journey order."""
        return self._keys

    @property
    def marketing(self) -> tuple[Stage, ...]:
        """Stages owned by marketing, left of the handoff line."""
        return self._marketing

    @property
    def sales(self) -> tuple[Stage, ...]:
        """Stages owned by sales, right of the handoff line."""
        return self._sales

    @property
    def first(self) -> Stage:
        """Where a new lead lands by default."""
        return self.stages[0]

    @property
    def mql(self) -> Stage:
        """The last marketing stage: a deal here is marketing-qualified."""
        return self._marketing[-1]

    @property
    def first_sales(self) -> Stage:
        """Where a handed-off deal lands."""
        return self._sales[0]

    @property
    def customer(self) -> Stage:
        """The last sales stage: reaching it means the deal is won."""
        return self._sales[-1]

    def get(self, key: str) -> Stage:
        """The stage with this key (KeyError when unknown)."""
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._by_key

    def index(self, key: str) -> int:
        """Position of a stage in the journey (0-based)."""
        return self._keys.index(key)

    def is_sales(self, key: str) -> bool:
        """Whether the stage is on the sales side of the handoff."""
        return self._by_key[key].team is Team.SALES

    def closest(self, key: str) -> str | None:
        """The known stage key nearest to a mistyped one, for 'did you mean'."""
        import difflib  # only on the error path; it costs every command a few ms otherwise

        folded = key.strip().lower()
        by_label = {s.label.lower(): s.key for s in self.stages}
        if folded in by_label:
            return by_label[folded]
        matches = difflib.get_close_matches(folded, [*self.keys, *by_label], n=1, cutoff=0.5)
        if not matches:
            return None
        return by_label.get(matches[0], matches[0])


def _check_order(stages: tuple[Stage, ...], where: str) -> None:
    if not stages:
        raise ConfigError(f"{where}: at least one marketing and one sales stage are needed")
    seen: set[str] = set()
    for i, stage in enumerate(stages):
        if stage.key in seen:
            raise ConfigError(f"{where}[{i}].key: {stage.key!r} is used twice")
        seen.add(stage.key)
    teams = [s.team for s in stages]
    if Team.MARKETING not in teams or Team.SALES not in teams:
        raise ConfigError(f"{where}: at least one marketing and one sales stage are needed")
    first_sales = teams.index(Team.SALES)
    if Team.MARKETING in teams[first_sales:]:
        bad = first_sales + teams[first_sales:].index(Team.MARKETING)
        raise ConfigError(
            f"{where}[{bad}].team: marketing stage {stages[bad].key!r} comes after a sales stage;"
            " every marketing stage must come before every sales stage"
        )


DEFAULT_PIPELINE = Pipeline(
    (
        Stage(
            "awareness",
            "Awareness",
            Team.MARKETING,
            "I have a problem",
            "lead",
            Decimal("0.05"),
            30,
        ),
        Stage(
            "interest",
            "Interest",
            Team.MARKETING,
            "I want to learn more",
            "lead",
            Decimal("0.10"),
            21,
        ),
        Stage(
            "consideration",
            "Consideration",
            Team.MARKETING,
            "I'm evaluating options",
            "MQL",
            Decimal("0.20"),
            14,
        ),
        Stage("purchase", "Purchase", Team.SALES, "I'm ready to buy", "SQL", Decimal("0.50"), 14),
        Stage(
            "customer", "Customer", Team.SALES, "I'm a customer now", "customer", Decimal("1"), 90
        ),
    )
)


def stray_stages(deals: Iterable[tuple[int, str]], pipeline: Pipeline) -> dict[str, list[int]]:
    """Stage keys of ``(deal id, stage)`` pairs that the pipeline does not have, with their ids."""
    found: dict[str, list[int]] = {}
    for deal_id, key in deals:
        if key not in pipeline:
            found.setdefault(key, []).append(deal_id)
    return found


def pipeline_from_config(entries: Iterable[Any], where: str = "stages") -> Pipeline:
    """Build a pipeline from a config's list of stage tables, naming the bad key on error."""
    if isinstance(entries, Mapping | str | bytes):
        raise ConfigError(f"{where}: must be a list of [[stages]] tables")
    stages: list[Stage] = []
    items = list(entries)
    for i, entry in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{at}: must be a table")
        stages.append(_stage_from_entry(entry, at, i == len(items) - 1))
    _check_order(tuple(stages), where)
    return Pipeline(tuple(stages))


def _stage_from_entry(entry: Mapping[str, Any], at: str, last: bool) -> Stage:
    known = {"key", "label", "team", "question", "lifecycle", "probability", "rot_days"}
    for name in entry:
        if name not in known:
            raise ConfigError(f"{at}.{name}: unknown setting (known: {', '.join(sorted(known))})")
    key = entry.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigError(
            f"{at}.key: must be a short lower-case word (letters, digits, - or _), got {key!r}"
        )
    team_text = entry.get("team")
    try:
        team = Team(str(team_text))
    except ValueError:
        raise ConfigError(f"{at}.team: must be 'marketing' or 'sales', got {team_text!r}") from None
    label = entry.get("label", key.replace("_", " ").replace("-", " ").title())
    question = entry.get("question", "")
    for name, text in (("label", label), ("question", question)):
        if not isinstance(text, str) or len(text) > 60:
            raise ConfigError(f"{at}.{name}: must be text of at most 60 characters")
    default_lifecycle = "customer" if last else ("SQL" if team is Team.SALES else "lead")
    lifecycle = entry.get("lifecycle", default_lifecycle)
    if not isinstance(lifecycle, str):
        raise ConfigError(f"{at}.lifecycle: must be text")
    probability = _probability(entry.get("probability", 1 if last else 0.1), f"{at}.probability")
    rot_days = entry.get("rot_days", 30)
    if not isinstance(rot_days, int) or isinstance(rot_days, bool) or not 1 <= rot_days <= 3650:
        raise ConfigError(f"{at}.rot_days: must be a whole number of days from 1 to 3650")
    return Stage(key, label, team, question, lifecycle, probability, rot_days)


def _probability(raw: object, at: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ConfigError(f"{at}: must be a number from 0 to 1 (or a percentage like '20%')")
    text = str(raw).strip()
    scale = Decimal(1)
    if text.endswith("%"):
        text, scale = text[:-1], Decimal(100)
    try:
        value = Decimal(text) / scale
    except InvalidOperation:
        raise ConfigError(f"{at}: must be a number from 0 to 1, got {raw!r}") from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise ConfigError(f"{at}: must be from 0 to 1, got {raw!r}")
    return value.normalize() if value else Decimal(0)
