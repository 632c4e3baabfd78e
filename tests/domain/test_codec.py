"""The deal's JSON shape: documented keys, lossless round trip, clear errors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import orjson
import pytest

from board import codec, journey
from board.demo import demo_deals
from board.errors import InvalidInput
from tests.domain.conftest import T0, P, hours, make

KEYS = [
    "id",
    "title",
    "company",
    "contact",
    "value",
    "currency",
    "stage",
    "owner",
    "source",
    "tags",
    "notes",
    "status",
    "lost_reason",
    "created_at",
    "updated_at",
    "stage_entered_at",
    "won_at",
    "lost_at",
    "version",
    "handoff",
    "history",
]


def test_shape_is_the_documented_contract() -> None:
    deal = journey.handoff(
        make(value=Decimal("12500")), pipeline=P, by="maya", now=hours(1), note="hi"
    )
    doc = codec.deal_to_json(deal)
    assert list(doc) == KEYS
    assert doc["value"] == "12500.00" and doc["created_at"] == "2026-11-02T09:00:00Z"
    assert set(doc["handoff"]) == {
        "at",
        "by",
        "note",
        "accepted_at",
        "accepted_by",
        "rejected_at",
        "rejected_by",
        "reason",
    }
    assert doc["history"][1] == {
        "at": "2026-11-02T10:00:00Z",
        "by": "maya",
        "kind": "handoff",
        "from": "consideration",
        "to": "purchase",
        "note": "hi",
    }
    assert "history" not in codec.deal_to_json(deal, history=False)


def test_every_demo_deal_round_trips_through_json() -> None:
    for deal in demo_deals(P, T0, count=200, seed=3):
        assert codec.deal_from_json(orjson.loads(orjson.dumps(codec.deal_to_json(deal)))) == deal


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("title"), "missing field 'title'"),
        (lambda d: d.update(id=0), "id: must be a positive"),
        (lambda d: d.update(value="-5"), "must not be negative"),
        (lambda d: d.update(status="maybe"), "status"),
        (lambda d: d.update(created_at="yesterday"), "created_at"),
        (
            lambda d: d.update(
                history=[{"at": "2026-01-01T00:00:00Z", "by": "x", "kind": "teleported"}]
            ),
            "unknown event kind",
        ),
    ],
)
def test_bad_documents_name_the_field(mutate: object, message: str) -> None:
    doc = codec.deal_to_json(make())
    mutate(doc)  # type: ignore[operator]
    with pytest.raises(InvalidInput, match=message):
        codec.deal_from_json(doc)


def test_demo_is_deterministic_and_realistic() -> None:
    deals = demo_deals(P, T0)
    assert deals == demo_deals(P, T0) and len(deals) == 80
    statuses = {d.status.value for d in deals}
    kinds = {e.kind.value for d in deals for e in d.history}
    assert statuses == {"open", "won", "lost"}
    assert {"handoff", "accepted", "rejected", "won", "lost"} <= kinds
    assert len({d.owner for d in deals}) >= 4
    assert all(d.created_at >= T0 - timedelta(days=183) for d in deals)
    assert {d.stage for d in deals if d.is_open} >= {
        "awareness",
        "interest",
        "consideration",
        "purchase",
    }


def test_decoded_deals_share_what_repeats() -> None:
    """A board holds tens of thousands of decoded deals: the values that repeat (stages,
    owners, event payloads, amounts) are one object each, not one per deal."""
    moved = journey.move(
        make("interest", value=Decimal("120.00")),
        "consideration",
        pipeline=P,
        by="sam",
        now=hours(1),
    )
    doc = codec.deal_to_json(moved)
    a, b = (codec.deal_from_json(orjson.loads(orjson.dumps(doc))) for _ in range(2))
    assert a == b == moved
    assert a.stage is b.stage and a.owner is b.owner and a.value is b.value
    assert a.history[-1].by is b.history[-1].by
    assert a.history[-1].data == {"from": "interest", "to": "consideration"}
    assert a.history[-1].data is b.history[-1].data


def test_payloads_equal_as_keys_but_not_as_values_are_not_shared() -> None:
    """1, 1.0 and True are equal dict keys: a payload holding them keeps its own values."""
    history = [
        {"at": "2026-01-01T00:00:00Z", "by": "x", "kind": "created", "n": n} for n in (1, True)
    ]
    decoded = [
        codec.deal_from_json({**codec.deal_to_json(make()), "history": [event]})
        for event in history
    ]
    assert [type(deal.history[0].data["n"]) for deal in decoded] == [int, bool]


def test_a_non_canonical_amount_is_still_checked() -> None:
    doc = codec.deal_to_json(make())
    assert codec.deal_from_json({**doc, "value": "12.5"}).value == Decimal("12.50")
    with pytest.raises(InvalidInput, match="not an amount"):
        codec.deal_from_json({**doc, "value": "twelve"})
