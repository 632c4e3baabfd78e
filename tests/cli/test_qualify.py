"""``funnel qualify`` and the handoff gate from the command line, on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from board.settings import load_settings
from tests.cli_runner import Funnel, assert_one_line_error, make_funnel

BANT = """
[qualification]
criteria = ["budget", "authority", "need", "timeline"]
required = 3
"""


@pytest.fixture
def funnel(tmp_path: Path) -> Funnel:
    """A store whose team agreed on BANT, three of four needed, with one MQL (deal 1)."""
    board = make_funnel(tmp_path)
    config = tmp_path / "funnel.toml"
    config.write_text(BANT)
    board.env["FUNNEL_CONFIG"] = str(config)
    board.ok("add", "Acme", "--stage", "consideration", "--at", "2026-11-01")
    return board


def test_qualify_prints_the_qualification_in_the_deal_json(funnel: Funnel) -> None:
    doc = funnel.json("qualify", "1", "budget", "need", "--at", "2026-11-02")
    assert doc["version"] == 2
    assert doc["qualification"] == {
        "met": ["budget", "need"],
        "missing": ["authority", "timeline"],
        "score": 50,
        "qualified": False,
    }
    assert doc["history"][-1] == {
        "at": "2026-11-02T00:00:00Z",
        "by": doc["history"][0]["by"],
        "kind": "qualified",
        "met": ["budget", "need"],
    }
    unset = funnel.json("qualify", "1", "need", "--unset")
    assert unset["qualification"]["met"] == ["budget"]
    assert funnel.json("list")[0]["qualification"]["score"] == 25
    assert "qualified budget, need" in funnel.ok("log", "1").stdout
    assert "1 of 4 met (budget), score 25" in funnel.ok("show", "1").stdout


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("qualify", "1", "budgte"), 2, "unknown criterion 'budgte'; criteria: budget, author"),
        (("qualify", "1"), 2, "Missing argument"),
        (("qualify", "9", "budget"), 1, "there is no deal 9"),
        (("qualify", "1", "need", "--unset"), 1, "nothing to change"),
        (("qualify", "1", "need", "--at", "2026-10-01"), 2, "before the deal's previous event"),
        (("handoff", "1"), 1, "not qualified: 0 of 3 required criteria met, missing budget,"),
        (("move", "1", "purchase"), 1, "missing budget, authority, need, timeline"),
        (("handoff", "1", "--override"), 2, "--override needs --reason"),
        (("handoff", "1", "--reason", "x"), 2, "--reason goes with --override"),
        (("move", "1", "purchase", "--override"), 2, "--override needs --reason"),
    ],
)
def test_refusals_write_nothing(
    funnel: Funnel, args: tuple[str, ...], code: int, words: str
) -> None:
    before = funnel.fingerprint()
    assert_one_line_error(funnel(*args), code, words)
    assert funnel.fingerprint() == before


def test_qualify_without_criteria_is_a_bad_value(tmp_path: Path) -> None:
    plain = make_funnel(tmp_path)
    plain.ok("add", "Acme", "--stage", "consideration")
    assert_one_line_error(plain("qualify", "1", "budget"), 2, "no qualification criteria")
    plain.ok("handoff", "1")  # no criteria: no gate


def test_a_qualified_deal_passes_and_an_override_is_recorded(funnel: Funnel) -> None:
    funnel.ok("add", "Globex", "--stage", "consideration", "--at", "2026-11-01")
    funnel.ok("qualify", "2", "budget", "authority", "need", "--at", "2026-11-02")
    passed = funnel.json("handoff", "2", "--at", "2026-11-03")
    assert passed["stage"] == "purchase" and "override" not in passed["history"][-1]
    over = funnel.json(
        "move", "1", "purchase", "--override", "--reason", "CFO asked", "--at", "2026-11-03"
    )
    assert over["version"] == 2
    event = over["history"][-1]
    assert (event["kind"], event["override"], event["reason"]) == ("handoff", True, "CFO asked")
    assert event["missing"] == ["budget", "authority", "need", "timeline"]
    metrics = funnel.json("metrics", "--since", "2026-11-01")
    assert metrics["handoffs"] == 2 and metrics["handoff_overrides"] == 1


def test_config_show_prints_the_agreement_and_reads_back(funnel: Funnel, tmp_path: Path) -> None:
    doc = funnel.json("config", "show")
    assert doc["qualification"] == {
        "criteria": ["budget", "authority", "need", "timeline"],
        "required": 3,
        "weights": {"budget": 1, "authority": 1, "need": 1, "timeline": 1},
    }
    assert (doc["targets"], doc["reject_reasons"]) == ({}, [])
    config = Path(funnel.env["FUNNEL_CONFIG"])
    config.write_text('reject_reasons = ["no budget"]\n' + BANT + "[targets]\nrevenue = 9.5e4\n")
    shown = tmp_path / "shown.toml"
    shown.write_text(funnel.ok("config", "show").stdout)
    assert load_settings(shown) == load_settings(config)


def test_an_override_not_needed_is_not_counted(funnel: Funnel) -> None:
    funnel.ok("qualify", "1", "budget", "need", "timeline")
    result = funnel.ok("handoff", "1", "--override", "--reason", "just in case")
    assert "meets the qualification criteria: no override recorded" in result.stderr
    assert "override" not in funnel.json("show", "1")["history"][-1]
    assert funnel.json("metrics")["handoff_overrides"] == 0
