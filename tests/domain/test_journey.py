"""The handoff rules and every transition of a deal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from board import journey
from board.deal import Deal, DealChanges, DealDraft, EventKind, Status
from board.errors import InvalidInput, RuleViolation
from tests.domain.conftest import T0, P, hours, make


def kinds(deal: Deal) -> list[str]:
    return [event.kind.value for event in deal.history]


def test_new_deal_defaults_to_first_stage_and_creator() -> None:
    deal = journey.new_deal(DealDraft("Acme"), deal_id=7, pipeline=P, by="maya", now=T0)
    assert (deal.id, deal.stage, deal.owner, deal.status, deal.version) == (
        7,
        "awareness",
        "maya",
        Status.OPEN,
        1,
    )
    assert deal.created_at == deal.stage_entered_at == deal.updated_at == T0
    assert kinds(deal) == ["created"]
    assert not deal.sales_sourced and deal.handoff is None


def test_deal_created_in_sales_is_sales_sourced_without_handoff() -> None:
    deal = make("purchase")
    assert deal.sales_sourced and deal.handoff is None and deal.source == "outbound"


def test_deal_created_in_customer_stage_is_won() -> None:
    deal = make("customer")
    assert deal.status is Status.WON and deal.won_at == T0


def test_handoff_records_who_when_and_note(mql: Deal) -> None:
    deal = journey.handoff(mql, pipeline=P, by="maya", now=hours(1), note="budget ok")
    assert deal.stage == "purchase" and deal.version == 2
    assert deal.handoff is not None
    assert (deal.handoff.at, deal.handoff.by, deal.handoff.note) == (hours(1), "maya", "budget ok")
    assert deal.awaiting_acceptance
    assert deal.history[-1].data == {"from": "consideration", "to": "purchase", "note": "budget ok"}


def test_moving_across_the_line_is_the_handoff(mql: Deal) -> None:
    deal = journey.move(mql, "purchase", pipeline=P, by="maya", now=hours(1))
    assert kinds(deal) == ["created", "handoff"] and deal.awaiting_acceptance


def test_only_the_mql_stage_can_hand_off() -> None:
    with pytest.raises(RuleViolation, match="only a marketing-qualified deal"):
        journey.handoff(make("interest"), pipeline=P, by="maya", now=hours(1))
    with pytest.raises(RuleViolation, match="move it there first"):
        journey.move(make("awareness"), "purchase", pipeline=P, by="maya", now=hours(1))


def test_accept_then_accept_again_is_refused(mql: Deal) -> None:
    handed = journey.handoff(mql, pipeline=P, by="maya", now=hours(1))
    accepted = journey.accept(handed, by="sam", now=hours(3))
    assert accepted.handoff is not None
    assert (accepted.handoff.accepted_at, accepted.handoff.accepted_by) == (hours(3), "sam")
    assert not accepted.awaiting_acceptance
    with pytest.raises(RuleViolation, match="already accepted by sam"):
        journey.accept(accepted, by="sam", now=hours(4))


def test_accepting_a_deal_never_handed_off_is_refused(mql: Deal) -> None:
    with pytest.raises(RuleViolation, match="never handed off"):
        journey.accept(mql, by="sam", now=hours(1))
    with pytest.raises(RuleViolation, match="never handed off"):
        journey.accept(make("purchase"), by="sam", now=hours(1))


def test_reject_sends_back_to_mql_and_can_be_handed_off_again(mql: Deal) -> None:
    handed = journey.handoff(mql, pipeline=P, by="maya", now=hours(1))
    rejected = journey.reject(handed, pipeline=P, by="sam", now=hours(2), reason="no budget")
    assert rejected.stage == "consideration" and rejected.handoff is not None
    assert (rejected.handoff.rejected_by, rejected.handoff.reason) == ("sam", "no budget")
    assert not rejected.awaiting_acceptance
    with pytest.raises(RuleViolation, match="rejected"):
        journey.accept(rejected, by="sam", now=hours(3))
    again = journey.handoff(
        rejected, pipeline=P, by="maya", now=hours(5), note="now they have budget"
    )
    assert again.awaiting_acceptance and again.handoff is not None and again.handoff.at == hours(5)
    assert kinds(again) == ["created", "handoff", "rejected", "handoff"]


def test_reject_needs_a_reason(mql: Deal) -> None:
    handed = journey.handoff(mql, pipeline=P, by="maya", now=hours(1))
    with pytest.raises(InvalidInput, match="reason"):
        journey.reject(handed, pipeline=P, by="sam", now=hours(2), reason="  ")


def test_moving_a_pending_deal_back_is_a_rejection(mql: Deal) -> None:
    handed = journey.handoff(mql, pipeline=P, by="maya", now=hours(1))
    with pytest.raises(InvalidInput, match="reason"):
        journey.move(handed, "consideration", pipeline=P, by="sam", now=hours(2))
    back = journey.move(handed, "interest", pipeline=P, by="sam", now=hours(2), reason="too early")
    assert back.stage == "interest"
    assert kinds(back) == ["created", "handoff", "rejected", "moved"]


def test_moving_an_accepted_deal_back_needs_a_reason(mql: Deal) -> None:
    accepted = journey.accept(
        journey.handoff(mql, pipeline=P, by="m", now=hours(1)), by="sam", now=hours(2)
    )
    with pytest.raises(RuleViolation, match="needs a reason"):
        journey.move(accepted, "consideration", pipeline=P, by="sam", now=hours(3))
    back = journey.move(
        accepted, "consideration", pipeline=P, by="sam", now=hours(3), reason="nurture"
    )
    assert back.stage == "consideration" and back.history[-1].data["reason"] == "nurture"


def test_moving_on_within_sales_accepts_a_pending_handoff() -> None:
    from board.stages import Pipeline, Stage, Team

    five = Pipeline(
        (
            *P.stages[:3],
            Stage("proposal", "Proposal", Team.SALES, "", "SQL", Decimal("0.4"), 14),
            *P.stages[3:],
        )
    )
    deal = journey.new_deal(
        DealDraft("x", stage="consideration"), deal_id=1, pipeline=five, by="m", now=T0
    )
    handed = journey.handoff(deal, pipeline=five, by="m", now=hours(1))
    assert handed.stage == "proposal"
    moved = journey.move(handed, "purchase", pipeline=five, by="sam", now=hours(2))
    assert kinds(moved) == ["created", "handoff", "accepted", "moved"]
    assert moved.handoff is not None and moved.handoff.accepted_by == "sam"


def test_win_accepts_pending_and_sets_value(mql: Deal) -> None:
    handed = journey.handoff(mql, pipeline=P, by="maya", now=hours(1))
    won = journey.win(handed, pipeline=P, by="sam", now=hours(2), value=Decimal("9000"))
    assert (won.status, won.stage, won.won_at, won.value) == (
        Status.WON,
        "customer",
        hours(2),
        Decimal("9000.00"),
    )
    assert kinds(won) == ["created", "handoff", "accepted", "won"]


def test_moving_into_customer_stage_wins() -> None:
    won = journey.move(make("purchase"), "customer", pipeline=P, by="sam", now=hours(1))
    assert won.status is Status.WON and won.history[-1].kind is EventKind.WON


def test_marketing_cannot_win(mql: Deal) -> None:
    with pytest.raises(RuleViolation, match="hand it off to sales first"):
        journey.win(mql, pipeline=P, by="maya", now=hours(1))


def test_lost_needs_reason_and_closed_deals_refuse_changes(mql: Deal) -> None:
    with pytest.raises(InvalidInput):
        journey.lose(mql, by="maya", now=hours(1), reason="")
    lost = journey.lose(mql, by="maya", now=hours(1), reason="went dark")
    assert (lost.status, lost.lost_at, lost.lost_reason, lost.stage) == (
        Status.LOST,
        hours(1),
        "went dark",
        "consideration",
    )
    for action in (
        lambda: journey.move(lost, "interest", pipeline=P, by="m", now=hours(2)),
        lambda: journey.handoff(lost, pipeline=P, by="m", now=hours(2)),
        lambda: journey.lose(lost, by="m", now=hours(2), reason="x"),
    ):
        with pytest.raises(RuleViolation, match="reopen it"):
            action()


def test_reopen_returns_to_last_open_stage() -> None:
    won = journey.win(make("purchase"), pipeline=P, by="sam", now=hours(1))
    reopened = journey.reopen(won, pipeline=P, by="sam", now=hours(2))
    assert (reopened.status, reopened.stage, reopened.won_at) == (Status.OPEN, "purchase", None)
    lost = journey.lose(make("interest"), by="m", now=hours(1), reason="x")
    back = journey.reopen(lost, pipeline=P, by="m", now=hours(2))
    assert (back.stage, back.lost_at, back.lost_reason) == ("interest", None, None)
    with pytest.raises(RuleViolation, match="open already"):
        journey.reopen(back, pipeline=P, by="m", now=hours(3))


def test_reopen_of_a_deal_created_as_customer_goes_to_first_sales_stage() -> None:
    reopened = journey.reopen(make("customer"), pipeline=P, by="sam", now=hours(1))
    assert reopened.stage == "purchase"


def test_edit_records_changes_and_refuses_no_op(mql: Deal) -> None:
    edited = journey.edit(
        mql, DealChanges(value=Decimal("1500"), tags=("VIP", "vip", "q4")), by="sam", now=hours(1)
    )
    assert edited.value == Decimal("1500.00") and edited.tags == ("vip", "q4")
    assert edited.history[-1].data == {
        "changes": {"value": ["0.00", "1500.00"], "tags": [[], ["vip", "q4"]]}
    }
    with pytest.raises(RuleViolation, match="nothing to change"):
        journey.edit(edited, DealChanges(value=Decimal("1500")), by="sam", now=hours(2))


def test_at_cannot_be_in_the_future_or_before_the_previous_event(mql: Deal) -> None:
    with pytest.raises(InvalidInput, match="future"):
        journey.handoff(mql, pipeline=P, by="m", now=hours(1), at=hours(5))
    handed = journey.handoff(mql, pipeline=P, by="m", now=hours(10), at=hours(2))
    assert handed.handoff is not None and handed.handoff.at == hours(2)
    assert handed.updated_at == hours(10)
    with pytest.raises(InvalidInput, match="before the deal's previous event"):
        journey.accept(handed, by="s", now=hours(10), at=hours(1))


@pytest.mark.parametrize(
    "title", ["", "   ", "x" * 201, "bad\x1b[31mred", "nul\x00", "rtl\u202eevil"]
)
def test_bad_titles_are_refused(title: str) -> None:
    with pytest.raises(InvalidInput):
        journey.new_deal(DealDraft(title), deal_id=1, pipeline=P, by="m", now=T0)


def test_unknown_stage_suggests_the_closest() -> None:
    with pytest.raises(InvalidInput, match=r"did you mean 'purchase'\?.*stages: awareness"):
        journey.check_stage(P, "purchse")
    assert journey.check_stage(P, "purchase") == "purchase"


def test_every_change_bumps_version_by_one(mql: Deal) -> None:
    deal = journey.handoff(mql, pipeline=P, by="m", now=hours(1))
    deal = journey.accept(deal, by="s", now=hours(2))
    deal = journey.win(deal, pipeline=P, by="s", now=hours(3))
    assert deal.version == 4 and len(deal.history) == 4
