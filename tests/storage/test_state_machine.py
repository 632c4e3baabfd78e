"""The store against a plain dict, over random sequences of the journey's actions."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from board import journey
from board.deal import Deal, DealChanges, DealDraft
from board.errors import Conflict, FunnelError, NotFound
from storage import open_repository
from tests.storage.conftest import T0, P

Action = Callable[[Deal], Deal]
REPS = st.sampled_from(["maya", "sam", "lena"])
WORDS = st.text(alphabet="abcdefgh xyz", min_size=1, max_size=12).filter(str.strip)


class StoreMachine(RuleBasedStateMachine):
    """Each rule runs on the store and on a dict of the deals it should hold."""

    def __init__(self) -> None:
        super().__init__()
        self._dir = tempfile.TemporaryDirectory()
        self.path = Path(self._dir.name) / "board.json"
        self.repo = open_repository(self.path)
        self.model: dict[int, Deal] = {}
        self.deleted: dict[int, Deal] = {}
        self.highest = 0
        self.clock = T0

    def teardown(self) -> None:
        self._dir.cleanup()

    def _now(self) -> datetime:
        self.clock += timedelta(minutes=1)  # the injected clock: a minute per step
        return self.clock

    def _change(self, deal_id: int, action: Action) -> None:
        """Apply one journey action to the model and to the store; both agree or both refuse."""
        current = self.model[deal_id]
        try:
            expected = action(current)
        except FunnelError as refused:
            with pytest.raises(type(refused)):
                self.repo.change(deal_id, action, expected_version=current.version)
            return
        stored = self.repo.change(deal_id, action, expected_version=current.version)
        assert stored == expected
        self.model[deal_id] = stored

    @rule(title=WORDS, stage=st.sampled_from(P.keys), by=REPS, value=st.integers(0, 10**6))
    def add(self, title: str, stage: str, by: str, value: int) -> None:
        now = self._now()
        draft = DealDraft(title, stage=stage, value=Decimal(value))
        deal = self.repo.add(
            lambda i: journey.new_deal(draft, deal_id=i, pipeline=P, by=by, now=now)
        )
        assert deal.id == self.highest + 1  # never an id used before, even a deleted one
        self.highest = deal.id
        self.model[deal.id] = deal

    @precondition(lambda self: self.model)
    @rule(data=st.data(), stage=st.sampled_from(P.keys), by=REPS, reason=WORDS)
    def move(self, data: st.DataObject, stage: str, by: str, reason: str) -> None:
        now = self._now()
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.move(d, stage, pipeline=P, by=by, now=now, reason=reason),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), by=REPS)
    def handoff(self, data: st.DataObject, by: str) -> None:
        now = self._now()
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.handoff(d, pipeline=P, by=by, now=now, note="ready"),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), by=REPS)
    def accept(self, data: st.DataObject, by: str) -> None:
        now = self._now()
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.accept(d, by=by, now=now),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), by=REPS, reason=WORDS)
    def reject(self, data: st.DataObject, by: str, reason: str) -> None:
        now = self._now()
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.reject(d, pipeline=P, by=by, now=now, reason=reason),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), by=REPS)
    def win(self, data: st.DataObject, by: str) -> None:
        now = self._now()
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.win(d, pipeline=P, by=by, now=now),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), by=REPS, reason=WORDS)
    def lose(self, data: st.DataObject, by: str, reason: str) -> None:
        now = self._now()
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.lose(d, by=by, now=now, reason=reason),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), by=REPS)
    def reopen(self, data: st.DataObject, by: str) -> None:
        now = self._now()
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.reopen(d, pipeline=P, by=by, now=now),
        )

    @precondition(lambda self: self.model)
    @rule(data=st.data(), by=REPS, title=WORDS, owner=REPS)
    def edit(self, data: st.DataObject, by: str, title: str, owner: str) -> None:
        now = self._now()
        changes = DealChanges(title=title, owner=owner)
        self._change(
            data.draw(st.sampled_from(sorted(self.model))),
            lambda d: journey.edit(d, changes, by=by, now=now),
        )

    @precondition(lambda self: any(d.version > 1 for d in self.model.values()))
    @rule(data=st.data())
    def stale_change_conflicts(self, data: st.DataObject) -> None:
        deal_id = data.draw(st.sampled_from([i for i, d in self.model.items() if d.version > 1]))
        with pytest.raises(Conflict):
            self.repo.change(deal_id, lambda d: d, expected_version=self.model[deal_id].version - 1)

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        deal_id = data.draw(st.sampled_from(sorted(self.model)))
        assert self.repo.delete(deal_id) == self.model[deal_id]
        self.deleted[deal_id] = self.model.pop(deal_id)
        with pytest.raises(NotFound):
            self.repo.get(deal_id)

    @precondition(lambda self: self.deleted)
    @rule(data=st.data())
    def restore_deleted(self, data: st.DataObject) -> None:
        deal_id = data.draw(st.sampled_from(sorted(self.deleted)))
        deal = self.deleted.pop(deal_id)
        assert self.repo.restore_deleted(deal) == deal
        self.model[deal_id] = deal

    @rule()
    def reopen_the_repository(self) -> None:
        self.repo = open_repository(self.path)

    @invariant()
    def the_store_holds_what_the_model_holds(self) -> None:
        expected = [self.model[i] for i in sorted(self.model)]
        assert list(self.repo.snapshot().deals) == expected
        open_deals = self.repo.snapshot(include_closed=False).deals
        assert list(open_deals) == [d for d in expected if d.is_open]
        assert self.repo.meta().next_deal_id == self.highest + 1


StoreMachine.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_store_against_a_dict = pytest.mark.slow(StoreMachine.TestCase)
