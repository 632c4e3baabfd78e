"""An imported deal built in one pass is exactly the deal the journey's replay gives.

`replay` steps every row through the journey's own rules and is the definition of an import;
`build` makes the same deal directly. Over generated rows (every stage, status, owner, the
moments in and out of order, reasons, notes and amounts, good and bad) both give the same
deal and the same stored document, or refuse the row with the same message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from board.codec import deal_to_json
from board.deal import Deal
from board.errors import FunnelError
from board.stages import DEFAULT_PIPELINE, Pipeline, Stage, Team
from board.transfer.build import build
from board.transfer.owners import OwnerNames
from board.transfer.replay import replay
from board.transfer.rows import RowReader
from board.transfer.stage_match import StageMatcher
from tests.transfer.conftest import IMPORTER, NOW


def _stage(key: str, team: Team, probability: str) -> Stage:
    lifecycle = "customer" if key == "customer" else "SQL" if team is Team.SALES else "lead"
    return Stage(key, key.title(), team, "?", lifecycle, Decimal(probability), 14)


# Several open stages on each side: a deal that entered its stage later was elsewhere first.
WIDE = Pipeline(
    (
        _stage("lead", Team.MARKETING, "0.05"),
        _stage("nurture", Team.MARKETING, "0.1"),
        _stage("mql", Team.MARKETING, "0.2"),
        _stage("discovery", Team.SALES, "0.3"),
        _stage("proposal", Team.SALES, "0.6"),
        _stage("contract", Team.SALES, "0.9"),
        _stage("customer", Team.SALES, "1"),
    )
)
# One open stage on each side: a deal that entered its stage later has nowhere else to be.
NARROW = Pipeline(
    (
        _stage("mql", Team.MARKETING, "0.2"),
        _stage("deal", Team.SALES, "0.5"),
        _stage("customer", Team.SALES, "1"),
    )
)
# No open sales stage at all: every sales row breaks a rule of the journey.
NO_OPEN_SALES = Pipeline(
    (_stage("lead", Team.MARKETING, "0.1"), _stage("customer", Team.SALES, "1"))
)

STAGES = [
    "",
    *DEFAULT_PIPELINE.keys,
    "Customer",
    "closedwon",
    "Closed Lost",
    "contractsent",
    "qualifiedtobuy",
    "mql",
    *WIDE.keys,
    "deal",
    "Opportunity",
    "Won",
]
STATUSES = ["", "", "open", "won", "lost", "Closed Won", "active"]
BAD_STATUSES = ["deleted", "maybe"]
OWNERS = ["", "Jane Doe", "jane@acme.com", "maya", "José Núñez"]
BAD_OWNERS = ["日本", "bad owner!"]
TEXT = ["", "Acme", "  spaced  ", "José"]
BAD_TEXT = ["two\nlines", "bell\x07", "é" * 201]
REASONS = ["", "went elsewhere", "  price  "]
BAD_REASONS = ["  ", "no\x1b", "x" * 10_001]
SOURCES = ["", "outbound", " Outbound ", "Referral"]
BAD_SOURCES = ["y" * 41]
VALUES = ["", "12,500.00", "$1.5k"]
BAD_VALUES = ["0.001", "-3", "abc"]
FLAGS = ["", "", "true", "false"]
LOGINS = ["", "", "sam", "Lena Novak"]
NOTES = ["", "call them"]
BAD_NOTES = ["bad\x1b"]

BASE = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)
# Steps between moments: none, a minute, hours, days, back an hour, back a day (forgiven),
# back a day and a second (refused).
STEPS = [
    timedelta(0),
    timedelta(minutes=1),
    timedelta(hours=7),
    timedelta(days=3),
    timedelta(days=30),
    timedelta(hours=-1),
    timedelta(days=-1),
    timedelta(days=-1, seconds=-1),
]
# Past `NOW` within and beyond the forgiven minute of clock skew.
LATE = [NOW + timedelta(seconds=30), NOW + timedelta(minutes=2)]


class Clock:
    """Date cells for one row, mostly in the journey's order, sometimes a step back."""

    def __init__(self, draw: st.DrawFn, bad: bool) -> None:
        self.draw, self.bad, self.moment = draw, bad, BASE

    def cell(self) -> str:
        """Empty, a date alone, or a date and time, some steps after the previous cell."""
        draw = self.draw
        if draw(st.booleans()):
            return ""
        self.moment += sum(draw(st.lists(st.sampled_from(STEPS), max_size=3)), timedelta(0))
        moment = self.moment
        if self.bad and draw(st.booleans()):
            moment = draw(st.sampled_from(LATE))
        if draw(st.booleans()):
            return moment.strftime("%Y-%m-%d")
        return moment.strftime("%Y-%m-%d %H:%M:%S")


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    """A row as the importers read it: field names to cell text (one in five has bad cells)."""
    bad = draw(st.integers(0, 4)) == 0

    def pick(good: list[str], wrong: list[str] | None = None) -> str:
        return draw(st.sampled_from(good + wrong if bad and wrong else good))

    cells = {
        "title": pick(["Acme deal", "Acme deal", "Acme deal", "x"], ["", *BAD_TEXT]),
        "company": pick(TEXT, BAD_TEXT),
        "contact": pick(TEXT, BAD_TEXT),
        "notes": pick([*TEXT, "two\nlines"], BAD_TEXT[1:]),
        "tags": pick(["", "Hot lead, q3", "a,,b"], ["x" * 41]),
        "value": pick(VALUES, BAD_VALUES),
        "currency": pick(["", "eur"], ["EURO"]),
        "stage": pick(STAGES, ["nowhere at all"]),
        "status": pick(STATUSES, BAD_STATUSES),
        "owner": pick(OWNERS, BAD_OWNERS),
        "source": pick(SOURCES, BAD_SOURCES),
        "lost_reason": pick(REASONS, BAD_REASONS),
        "sales_sourced": pick(FLAGS, ["maybe"]),
    }
    clock = Clock(draw, bad)
    cells["created_at"] = clock.cell()
    if draw(st.booleans()):  # Funnel's own export: the handoff and sales' answer
        cells["handoff_at"] = clock.cell()
        cells["handoff_by"] = pick(LOGINS)
        cells["handoff_note"] = pick(NOTES, BAD_NOTES)
        cells["accepted_at"] = clock.cell()
        cells["accepted_by"] = pick(LOGINS)
        cells["rejected_at"] = clock.cell() if draw(st.booleans()) else ""
        cells["rejected_by"] = pick(LOGINS)
        cells["rejected_reason"] = pick(REASONS, BAD_REASONS)
    for field in ("stage_entered_at", "close_date", "won_at", "lost_at"):
        cells[field] = clock.cell()
    return {name: cell for name, cell in cells.items() if cell or draw(st.booleans())}


NOWS = [
    NOW,
    NOW.replace(microsecond=654_321),
    NOW.astimezone(timezone(timedelta(hours=2))),
]


def _outcome(make: object, **kwargs: object) -> Deal | tuple[str, str]:
    try:
        return make(**kwargs)  # type: ignore[operator, no-any-return]
    except FunnelError as exc:
        return (type(exc).__name__, str(exc))


@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    row=rows(),
    pipeline=st.sampled_from([WIDE, WIDE, DEFAULT_PIPELINE, NARROW, NO_OPEN_SALES]),
    now=st.sampled_from(NOWS),
)
@example(
    row={
        "title": "Acme",
        "stage": "contract",
        "created_at": "2026-09-01",
        "stage_entered_at": "2026-09-20",
        "status": "lost",
    },
    pipeline=WIDE,
    now=NOW,
)
def test_build_gives_the_deal_and_document_replay_gives(
    row: dict[str, str], pipeline: Pipeline, now: datetime
) -> None:
    reader = RowReader(
        pipeline,
        currency="USD",
        stages=StageMatcher(pipeline),
        owners=OwnerNames(IMPORTER),
        date_order=None,
    )
    try:
        imported = reader.read(row)
    except FunnelError:
        return  # refused before either is asked
    args = {"row": imported, "deal_id": 7, "pipeline": pipeline, "by": IMPORTER, "now": now}
    expected = _outcome(replay, **args)
    got = _outcome(build, **args)
    assert got == expected
    if isinstance(expected, Deal):
        assert isinstance(got, Deal)
        # The stored document, byte for byte (key order included).
        assert json.dumps(deal_to_json(got)) == json.dumps(deal_to_json(expected))


@pytest.mark.parametrize(
    "row",
    [
        # Each branch of the journey an import takes, so a change to either side shows here
        # even when the generated rows happen to miss it.
        {"stage": "contract", "created_at": "2026-09-01", "stage_entered_at": "2026-09-20"},
        {"stage": "discovery", "created_at": "2026-09-01", "stage_entered_at": "2026-09-20"},
        {"stage": "nurture", "created_at": "2026-09-01", "stage_entered_at": "2026-09-20"},
        {"stage": "contract", "source": "outbound", "stage_entered_at": "2026-09-20"},
        {"stage": "nurture", "sales_sourced": "true", "status": "lost"},
        {"stage": "closedwon", "created_at": "2026-09-01", "close_date": "2026-10-03"},
        {"stage": "contract", "handoff_at": "2026-09-02", "stage_entered_at": "2026-09-20"},
        {
            "stage": "contract",
            "sales_sourced": "true",
            "handoff_at": "2026-09-02",
            "accepted_at": "2026-09-03",
            "stage_entered_at": "2026-09-03",
        },
        {
            "stage": "mql",
            "handoff_at": "2026-09-02",
            "rejected_at": "2026-09-04",
            "rejected_reason": "not ready",
        },
        {"stage": "nurture", "handoff_at": "2026-09-02", "accepted_at": "2026-09-03"},
        {"stage": "contract", "handoff_at": "2026-09-02", "status": "won"},
    ],
)
def test_every_branch_agrees(row: dict[str, str]) -> None:
    reader = RowReader(
        WIDE,
        currency="USD",
        stages=StageMatcher(WIDE),
        owners=OwnerNames(IMPORTER),
        date_order=None,
    )
    imported = reader.read({"title": "Acme", "created_at": "2026-09-01", **row})
    args = {"deal_id": 3, "pipeline": WIDE, "by": IMPORTER, "now": NOW}
    expected = replay(imported, **args)  # type: ignore[arg-type]
    assert build(imported, **args) == expected  # type: ignore[arg-type]
    assert len(expected.history) >= 2
