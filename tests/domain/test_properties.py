"""Properties of the journey over random sequences of actions."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from board import codec, journey
from board.deal import Deal, DealDraft, EventKind, Status
from board.errors import FunnelError
from tests.domain.conftest import T0, P

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["move", "handoff", "accept", "reject", "win", "lose", "reopen"]),
        st.sampled_from(P.keys),
        st.integers(min_value=0, max_value=72),
    ),
    max_size=25,
)


def _apply(deal: Deal, action: str, stage: str, now: object) -> Deal:
    kw = {"by": "rep", "now": now}
    if action == "move":
        return journey.move(deal, stage, pipeline=P, reason="r", **kw)  # type: ignore[arg-type]
    if action == "handoff":
        return journey.handoff(deal, pipeline=P, **kw)  # type: ignore[arg-type]
    if action == "accept":
        return journey.accept(deal, **kw)  # type: ignore[arg-type]
    if action == "reject":
        return journey.reject(deal, pipeline=P, reason="no", **kw)  # type: ignore[arg-type]
    if action == "win":
        return journey.win(deal, pipeline=P, **kw)  # type: ignore[arg-type]
    if action == "lose":
        return journey.lose(deal, reason="gone", **kw)  # type: ignore[arg-type]
    return journey.reopen(deal, pipeline=P, **kw)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(start=st.sampled_from(P.keys[:-1]), actions=ACTIONS)
def test_invariants_hold_whatever_people_do(
    start: str, actions: list[tuple[str, str, int]]
) -> None:
    deal = journey.new_deal(DealDraft("x", stage=start), deal_id=1, pipeline=P, by="rep", now=T0)
    now = T0
    for action, stage, gap in actions:
        now += timedelta(hours=gap)
        try:
            after = _apply(deal, action, stage, now)
        except FunnelError:
            continue  # refused: the deal must be unchanged, which immutability guarantees
        assert after.version == deal.version + 1
        assert after.history[: len(deal.history)] == deal.history  # append-only
        deal = after
    times = [event.at for event in deal.history]
    assert times == sorted(times)
    assert deal.stage in P
    assert (deal.status is Status.WON) == (deal.won_at is not None) == (deal.stage == "customer")
    assert (
        (deal.status is Status.LOST) == (deal.lost_at is not None) == (deal.lost_reason is not None)
    )
    if deal.awaiting_acceptance:
        assert (P.is_sales(deal.stage) and deal.history[-1].kind is EventKind.HANDOFF) or any(
            e.kind is EventKind.HANDOFF for e in deal.history
        )
    if deal.is_open and not P.is_sales(deal.stage):
        assert not deal.awaiting_acceptance
    assert codec.deal_from_json(codec.deal_to_json(deal)) == deal
