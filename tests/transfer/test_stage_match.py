"""Their stages to ours: maps, our names, CRM defaults, spelling; else a hint."""

from __future__ import annotations

from decimal import Decimal

import pytest

from board.deal import Status
from board.errors import InvalidInput
from board.stages import DEFAULT_PIPELINE, Pipeline, Stage, Team
from board.transfer.stage_match import StageMatcher

P = DEFAULT_PIPELINE
RICH = Pipeline(
    (
        Stage("lead", "Lead", Team.MARKETING, "", "lead", Decimal("0.05"), 30),
        Stage("mql", "MQL", Team.MARKETING, "", "MQL", Decimal("0.1"), 30),
        Stage("discovery", "Discovery", Team.SALES, "", "SQL", Decimal("0.3"), 30),
        Stage("proposal", "Proposal", Team.SALES, "", "SQL", Decimal("0.6"), 30),
        Stage("negotiation", "Negotiation", Team.SALES, "", "SQL", Decimal("0.85"), 30),
        Stage("won", "Won", Team.SALES, "", "customer", Decimal("1"), 30),
    )
)


@pytest.mark.parametrize(
    ("theirs", "stage", "status"),
    [
        ("closedwon", "customer", Status.WON),
        ("Closed Won", "customer", Status.WON),
        ("closedlost", "purchase", Status.LOST),
        ("Closed Lost", "purchase", Status.LOST),
        ("appointmentscheduled", "purchase", None),
        ("Qualified To Buy", "purchase", None),
        ("presentationscheduled", "purchase", None),
        ("decisionmakerboughtin", "purchase", None),
        ("contractsent", "purchase", None),
        ("Negotiations Started", "purchase", None),
        ("Purchase", "purchase", None),
        ("CONSIDERATION", "consideration", None),
        ("subscriber", "awareness", None),
        ("marketingqualifiedlead", "consideration", None),
        ("salesqualifiedlead", "purchase", None),
        ("Customer", "customer", Status.WON),
        ("intrest", "interest", None),
    ],
)
def test_the_default_pipeline(theirs: str, stage: str, status: Status | None) -> None:
    match = StageMatcher(P).resolve(theirs)
    assert (match.stage, match.status) == (stage, status)


@pytest.mark.parametrize(
    ("theirs", "stage"),
    [
        ("appointmentscheduled", "discovery"),
        ("qualifiedtobuy", "discovery"),
        ("presentationscheduled", "proposal"),
        ("decisionmakerboughtin", "negotiation"),
        ("contractsent", "negotiation"),
        ("closedwon", "won"),
        ("closedlost", "discovery"),
    ],
)
def test_hubspot_stages_go_to_the_sales_stage_of_nearest_probability(
    theirs: str, stage: str
) -> None:
    assert StageMatcher(RICH).resolve(theirs).stage == stage


def test_a_stage_map_wins_and_accepts_won_and_lost() -> None:
    matcher = StageMatcher(P, ["Closed Won=interest", "Dead=lost", "Signed=won"])
    assert matcher.resolve("closed won").stage == "interest"
    assert (matcher.resolve("DEAD").stage, matcher.resolve("DEAD").status) == (
        "purchase",
        Status.LOST,
    )
    assert matcher.resolve("Signed").status is Status.WON
    assert matcher.resolve("Signed").how == "--stage-map"


def test_an_unknown_stage_is_refused_with_a_stage_map_hint() -> None:
    with pytest.raises(
        InvalidInput, match="unknown stage 'Shrugging'; map it with --stage-map \"Shrugging=STAGE\""
    ):
        StageMatcher(P).resolve("Shrugging")


def test_a_stage_map_to_an_unknown_stage_is_refused_at_once() -> None:
    with pytest.raises(InvalidInput, match=r"--stage-map: unknown stage 'purchse'.*'purchase'"):
        StageMatcher(P, ["Won=purchse"])
