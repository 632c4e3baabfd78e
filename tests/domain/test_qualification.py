"""Qualification: the agreed criteria in the settings, the deal's record, the handoff gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from board import journey, qualifying
from board.codec import deal_from_json, deal_to_json
from board.deal import Deal, EventKind
from board.errors import ConfigError, InvalidInput, RuleViolation
from board.qualification import QualificationRules, criteria_met, qualification_of
from board.settings import load_settings, settings_from_mapping
from tests.domain.conftest import P, hours, make

BANT = settings_from_mapping(
    {"qualification": {"criteria": ["budget", "authority", "need", "timeline"], "required": 3}}
).qualification


def qualify(deal: Deal, *criteria: str, unset: bool = False, at: float = 1) -> Deal:
    return qualifying.qualify(
        deal, criteria, rules=BANT, by="maya", now=hours(100), at=hours(at), unset=unset
    )


def test_defaults_mean_no_gate_and_required_defaults_to_all() -> None:
    assert not settings_from_mapping({}).qualification.gated
    rules = settings_from_mapping({"qualification": {"criteria": ["budget", "need"]}}).qualification
    assert (rules.criteria, rules.required) == (("budget", "need"), 2)


def test_qualify_records_one_event_and_one_version() -> None:
    deal = qualify(make(), "Budget", "need", "budget")
    assert deal.version == 2
    assert deal.history[-1].kind is EventKind.QUALIFIED
    assert deal.history[-1].data == {"met": ["budget", "need"]}
    state = qualification_of(deal, BANT)
    assert (state.met, state.missing, state.score, state.qualified) == (
        ("budget", "need"),
        ("authority", "timeline"),
        50,
        False,
    )
    unset = qualify(deal, "need", unset=True, at=2)
    assert unset.version == 3 and criteria_met(unset) == {"budget"}
    assert qualification_of(unset, BANT).score == 25


def test_qualify_survives_the_codec() -> None:
    deal = qualify(make(), "budget", "need", "timeline")
    again = deal_from_json(deal_to_json(deal))
    assert again == deal and qualification_of(again, BANT).qualified


@pytest.mark.parametrize(
    ("criteria", "unset", "error", "words"),
    [
        (("budgte",), False, InvalidInput, "unknown criterion 'budgte'"),
        ((), False, InvalidInput, "name at least one criterion"),
        (("budget",), False, RuleViolation, "already met"),
        (("timeline",), True, RuleViolation, "not met"),
    ],
)
def test_bad_qualifications_are_refused(
    criteria: tuple[str, ...], unset: bool, error: type[Exception], words: str
) -> None:
    deal = qualify(make(), "budget")
    with pytest.raises(error, match=words):
        qualifying.qualify(deal, criteria, rules=BANT, by="maya", now=hours(100), unset=unset)


def test_qualify_without_criteria_configured_says_how_to_configure() -> None:
    with pytest.raises(InvalidInput, match=r"\[qualification\] criteria"):
        qualifying.qualify(make(), ("budget",), rules=QualificationRules(), by="maya", now=hours(1))


def test_weights_change_the_score_not_the_gate() -> None:
    rules = settings_from_mapping(
        {"qualification": {"criteria": ["budget", "need", "timeline"], "weights": {"budget": 2}}}
    ).qualification
    deal = qualifying.qualify(make(), ("budget",), rules=rules, by="maya", now=hours(1))
    state = qualification_of(deal, rules)
    assert (state.score, state.qualified) == (50, False)  # 2 of 4 weight; 1 of 3 criteria
    deal = qualifying.qualify(deal, ("need",), rules=rules, by="maya", now=hours(1))
    assert qualification_of(deal, rules).score == 75


def test_the_gate_refuses_naming_the_missing_criteria() -> None:
    deal = qualify(make(), "budget", "need")
    with pytest.raises(
        RuleViolation, match="2 of 3 required criteria met, missing authority, timeline"
    ):
        journey.handoff(deal, pipeline=P, by="maya", now=hours(2), rules=BANT)
    with pytest.raises(RuleViolation, match="not qualified"):
        journey.move(deal, "purchase", pipeline=P, by="maya", now=hours(2), rules=BANT)
    qualified = qualify(deal, "timeline", at=2)
    done = journey.handoff(qualified, pipeline=P, by="maya", now=hours(3), rules=BANT)
    assert "override" not in done.history[-1].data


def test_an_override_is_kept_with_its_reason_and_what_was_missing() -> None:
    deal = qualify(make(), "budget")
    done = journey.move(
        deal,
        "purchase",
        pipeline=P,
        by="maya",
        now=hours(2),
        rules=BANT,
        override=True,
        reason="CFO asked for a call",
    )
    assert done.version == deal.version + 1
    assert done.history[-1].kind is EventKind.HANDOFF
    assert done.history[-1].data == {
        "from": "consideration",
        "to": "purchase",
        "override": True,
        "reason": "CFO asked for a call",
        "missing": ["authority", "need", "timeline"],
    }
    blank = pytest.raises(RuleViolation, match="--override --reason")
    with blank:
        journey.handoff(deal, pipeline=P, by="maya", now=hours(2), rules=BANT, override="  ")


def test_criteria_dropped_from_the_settings_are_ignored() -> None:
    deal = qualify(make(), "budget", "need")
    fewer = QualificationRules(("need", "fit"), 1)
    state = qualification_of(deal, fewer)
    assert (state.met, state.missing, state.score) == (("need",), ("fit",), 50)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("qualification = 3", "qualification: must be a table"),
        ("[qualification]\ncriteria = 'budget'", "qualification.criteria: must be a list"),
        ("[qualification]\ncriteria = ['Budget']", "'Budget' is not a name"),
        ("[qualification]\ncriteria = ['a', 'a']", "'a' is listed twice"),
        ("[qualification]\ncriteria = ['a', 'b']\nrequired = 3", "must be from 1 to 2"),
        ("[qualification]\ncriteria = ['a']\nrequired = 0", "must be from 1 to 1"),
        ("[qualification]\ncriteria = ['a']\nrequired = true", "must be a whole number"),
        ("[qualification]\nrequired = 1", "set criteria first"),
        ("[qualification]\ncriteria = ['a']\nweights = { b = 2 }", "weights.b: not one of"),
        ("[qualification]\ncriteria = ['a']\nweights = { a = 0 }", "from 1 to 100"),
        ("[qualification]\ncriteria = ['a']\nneeded = 1", "qualification.needed: unknown"),
        ("reject_reasons = 'no budget'", "reject_reasons: must be a list"),
    ],
)
def test_bad_qualification_settings_name_file_and_key(
    tmp_path: Path, toml: str, message: str
) -> None:
    path = tmp_path / "funnel.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert caught.value.exit_code == 2
