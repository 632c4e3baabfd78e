"""Their stage names mapped to our stage keys: explicit maps, our own names, CRM defaults, fuzz.

Resolution, first hit wins:

1. ``--stage-map "THEIR STAGE=our_key"`` (``won`` and ``lost`` are accepted as targets too);
2. one of our stage keys or labels, in any case;
3. a well-known name from HubSpot's or Pipedrive's default pipelines or HubSpot's lifecycle
   stages (see `KNOWN`): open sales stages go to our open sales stage whose win probability
   is nearest to theirs, "Closed Won" to the customer stage (won), "Closed Lost" to the first
   sales stage (lost);
4. the closest of our keys and labels by spelling (`Pipeline.closest`);

otherwise the row is refused, with a hint to add a ``--stage-map``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from board.deal import Status
from board.errors import InvalidInput
from board.journey import check_stage
from board.stages import Pipeline, Stage
from board.text import printable
from board.transfer.columns import fold, split_pair


@dataclass(frozen=True, slots=True)
class StageMatch:
    """Where a row's stage lands, the status it implies, and why (for a dry run)."""

    stage: str
    status: Status | None
    how: str


# Folded names → an open sales stage's win probability, or a lifecycle stage, or an outcome.
KNOWN: dict[str, Decimal | str | Status] = {
    # HubSpot's default sales pipeline (internal names and labels fold to the same key).
    "appointmentscheduled": Decimal("0.2"),
    "qualifiedtobuy": Decimal("0.4"),
    "presentationscheduled": Decimal("0.6"),
    "decisionmakerboughtin": Decimal("0.8"),
    "contractsent": Decimal("0.9"),
    "closedwon": Status.WON,
    "closedlost": Status.LOST,
    # Pipedrive's default pipeline.
    "leadin": Decimal("0.1"),
    "qualified": Decimal("0.1"),
    "contactmade": Decimal("0.2"),
    "needsdefined": Decimal("0.4"),
    "demoscheduled": Decimal("0.4"),
    "proposalmade": Decimal("0.6"),
    "negotiationsstarted": Decimal("0.8"),
    "won": Status.WON,
    "lost": Status.LOST,
    # HubSpot's lifecycle stages, by our stages' lifecycle names.
    "subscriber": "lead",
    "lead": "lead",
    "newlead": "lead",
    "marketingqualifiedlead": "MQL",
    "mql": "MQL",
    "salesqualifiedlead": "SQL",
    "sql": "SQL",
    "opportunity": "SQL",
    "evangelist": "customer",
}


class StageMatcher:
    """Resolves stage names for one import, remembering each answer (files repeat them)."""

    def __init__(self, pipeline: Pipeline, stage_maps: Iterable[str] = ()) -> None:
        self.pipeline = pipeline
        self._maps: dict[str, StageMatch] = {}
        for raw in stage_maps:
            theirs, ours = split_pair(raw, "--stage-map")
            self._maps[fold(theirs) or theirs] = self._explicit(ours)
        self._seen: dict[str, StageMatch] = {}

    def resolve(self, raw: str) -> StageMatch:
        """Our stage for their stage name; raises `InvalidInput` with a hint when none fits."""
        found = self._seen.get(raw)
        if found is None:
            found = self._seen[raw] = self._resolve(raw)
        return found

    def seen(self) -> dict[str, StageMatch]:
        """Every stage name resolved so far and where it went."""
        return dict(self._seen)

    def _explicit(self, ours: str) -> StageMatch:
        pipeline = self.pipeline
        if ours not in pipeline and ours.lower() in {"won", "lost"}:
            return self._outcome(Status(ours.lower()), "--stage-map")
        try:
            key = check_stage(pipeline, ours)
        except InvalidInput as exc:
            raise InvalidInput(f"--stage-map: {exc}") from None
        return self._in(pipeline.get(key), "--stage-map")

    def _resolve(self, raw: str) -> StageMatch:
        text = raw.strip()
        folded = fold(text)
        if folded in self._maps:
            return self._maps[folded]
        pipeline = self.pipeline
        for stage in pipeline.stages:
            if text.lower() in (stage.key, stage.label.lower()):
                return self._in(stage, "our stage")
        known = KNOWN.get(folded)
        if isinstance(known, Status):
            return self._outcome(known, "a CRM default")
        if isinstance(known, Decimal):
            return self._in(self._nearest(known), "a CRM default")
        if isinstance(known, str):
            return self._in(self._lifecycle(known), "a lifecycle stage")
        close = pipeline.closest(text) if text else None
        if close is not None:
            return self._in(pipeline.get(close), "closest spelling")
        what = f"unknown stage {printable(text)!r}" if text else "no stage"
        raise InvalidInput(
            f'{what}; map it with --stage-map "{printable(text) or "THEIRS"}=STAGE"'
            f" (stages: {', '.join(pipeline.keys)})"
        )

    def _in(self, stage: Stage, how: str) -> StageMatch:
        won = stage.key == self.pipeline.customer.key
        return StageMatch(stage.key, Status.WON if won else None, how)

    def _outcome(self, status: Status, how: str) -> StageMatch:
        pipeline = self.pipeline
        stage = pipeline.customer if status is Status.WON else pipeline.first_sales
        return StageMatch(stage.key, status, how)

    def _nearest(self, probability: Decimal) -> Stage:
        pipeline = self.pipeline
        open_sales = pipeline.sales[:-1] or (pipeline.mql,)
        return min(open_sales, key=lambda s: abs(s.probability - probability))

    def _lifecycle(self, name: str) -> Stage:
        pipeline = self.pipeline
        for stage in pipeline.stages:
            if stage.lifecycle.lower() == name.lower():
                return stage
        fallback = {"lead": pipeline.first, "MQL": pipeline.mql, "SQL": pipeline.first_sales}
        return fallback.get(name, pipeline.customer)
