"""Imported rows rebuilt through the journey: which events, at which moments, by whom."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from board.deal import Deal, EventKind, Status
from board.errors import InvalidInput
from board.stages import DEFAULT_PIPELINE as P
from board.transfer.owners import OwnerNames
from board.transfer.replay import NO_REASON, replay
from board.transfer.rows import RowReader
from board.transfer.stage_match import StageMatcher
from tests.transfer.conftest import IMPORTER, NOW


def deal_from(**row: str) -> Deal:
    reader = RowReader(
        P, currency="USD", stages=StageMatcher(P), owners=OwnerNames(IMPORTER), date_order=None
    )
    return replay(
        reader.read({"title": "Acme", **row}), deal_id=1, pipeline=P, by=IMPORTER, now=NOW
    )


def steps(deal: Deal) -> list[tuple[str, str]]:
    return [(e.kind.value, e.at.strftime("%m-%d %H:%M")) for e in deal.history]


def test_a_crm_deal_in_sales_was_handed_off_and_accepted_at_creation() -> None:
    deal = deal_from(stage="Contract Sent", created_at="2026-09-01 14:30", owner="Jane Doe")
    assert steps(deal) == [
        ("created", "09-01 14:30"),
        ("handoff", "09-01 14:30"),
        ("accepted", "09-01 14:30"),
    ]
    assert deal.owner == "jane.doe" and {e.by for e in deal.history} == {IMPORTER}
    assert not deal.sales_sourced and deal.handoff and deal.handoff.accepted_at


def test_entering_the_first_sales_stage_later_is_when_it_was_handed_off() -> None:
    deal = deal_from(stage="purchase", created_at="2026-09-01", stage_entered_at="2026-09-20")
    assert steps(deal)[1:] == [("handoff", "09-20 00:00"), ("accepted", "09-20 00:00")]
    assert deal.stage_entered_at == datetime(2026, 9, 20, tzinfo=UTC)


def test_a_won_deal_closes_at_its_close_date() -> None:
    deal = deal_from(stage="Closed Won", created_at="2026-09-01", close_date="2026-10-03")
    assert steps(deal)[-1] == ("won", "10-03 00:00")
    assert (deal.stage, deal.status) == ("customer", Status.WON)
    assert deal.won_at == deal.stage_entered_at == datetime(2026, 10, 3, tzinfo=UTC)


def test_an_open_deal_ignores_its_expected_close_date() -> None:
    deal = deal_from(stage="Contract Sent", created_at="2026-09-01", close_date="2027-03-01")
    assert deal.is_open and deal.closed_at is None


def test_a_date_only_close_on_the_day_of_creation_is_taken_as_the_creation() -> None:
    deal = deal_from(stage="closedlost", created_at="2026-09-01 15:10", close_date="2026-09-01")
    assert deal.lost_at == deal.created_at and deal.lost_reason == NO_REASON


def test_moments_more_than_a_day_out_of_order_are_refused() -> None:
    with pytest.raises(
        InvalidInput, match="lost_at 2026-08-01T00:00:00Z is before created_at 2026-09-01T00:00:00Z"
    ):
        deal_from(stage="closedlost", created_at="2026-09-01", close_date="2026-08-01")


def test_moments_in_the_future_are_refused() -> None:
    with pytest.raises(InvalidInput, match="created_at 2026-12-01T00:00:00Z is in the future"):
        deal_from(created_at="2026-12-01")


def test_a_marketing_deal_that_entered_its_stage_later_came_from_another_stage() -> None:
    deal = deal_from(stage="consideration", created_at="2026-09-01", stage_entered_at="2026-09-10")
    assert [(e.kind.value, e.data.get("to")) for e in deal.history] == [
        ("created", "awareness"),
        ("moved", "consideration"),
    ]
    assert deal.stage_entered_at == datetime(2026, 9, 10, tzinfo=UTC)
    back = deal_from(stage="awareness", created_at="2026-09-01", stage_entered_at="2026-09-10")
    assert back.history[0].data["to"] == "interest"
    assert back.stage_entered_at == datetime(2026, 9, 10, tzinfo=UTC)


def test_outbound_deals_are_sales_sourced() -> None:
    deal = deal_from(stage="purchase", source="Outbound", created_at="2026-09-01")
    assert deal.sales_sourced and deal.handoff is None
    assert [e.kind for e in deal.history] == [EventKind.CREATED]


def test_funnel_s_own_handoff_columns_are_replayed() -> None:
    pending = deal_from(
        stage="purchase",
        created_at="2026-09-01",
        handoff_at="2026-09-02",
        handoff_by="maya",
        handoff_note="wants a demo",
    )
    assert pending.awaiting_acceptance and pending.handoff
    assert (pending.handoff.by, pending.handoff.note) == ("maya", "wants a demo")
    rejected = deal_from(
        stage="interest",
        created_at="2026-09-01",
        handoff_at="2026-09-02",
        rejected_at="2026-09-03",
        rejected_by="sam",
        rejected_reason="too small",
        stage_entered_at="2026-09-04",
    )
    assert [e.kind.value for e in rejected.history] == ["created", "handoff", "rejected", "moved"]
    assert rejected.handoff and rejected.handoff.reason == "too small"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"stage": "purchase", "handoff_at": "2026-09-02", "rejected_at": "2026-09-03"},
            "a rejected handoff leaves the deal with marketing",
        ),
        ({"stage": "interest", "handoff_at": "2026-09-02"}, "a handoff still pending"),
        ({"stage": "Closed Won", "status": "lost"}, "status lost contradicts stage 'Closed Won'"),
        ({"status": "deleted"}, "deleted deals are not imported"),
        ({"currency": "dollars"}, "not a 3-letter code"),
        ({"sales_sourced": "maybe"}, "is not true or false"),
        ({"tags": "ok, b@d,x"}, None),
        ({"title": "a\u202eb"}, "control character"),
    ],
)
def test_rows_that_contradict_themselves_are_refused(
    row: dict[str, str], message: str | None
) -> None:
    row = {"created_at": "2026-09-01", **row}
    if message is None:
        assert deal_from(**row).tags == ("ok", "b@d", "x")
        return
    with pytest.raises(InvalidInput, match=message):
        deal_from(**row)
