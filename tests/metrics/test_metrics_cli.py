"""``funnel metrics`` and ``funnel spend`` against a real store in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from board.cli.context import os_login
from tests.cli_runner import NOW, Funnel, assert_one_line_error, make_funnel


@pytest.fixture
def funnel(tmp_path: Path) -> Funnel:
    return make_funnel(tmp_path)


@pytest.fixture
def november(funnel: Funnel) -> Funnel:
    """Three deals and two spend entries, all in November 2026."""
    funnel.ok(
        "add",
        "Acme renewal",
        "--company",
        "Acme",
        "--value",
        "10k",
        "--stage",
        "consideration",
        "--at",
        "2026-11-01",
    )
    funnel.ok("handoff", "1", "--at", "2026-11-02")
    funnel.ok("accept", "1", "--at", "2026-11-02T06:00")
    funnel.ok("won", "1", "--at", "2026-11-10")
    funnel.ok("add", "Globex pilot", "--value", "5k", "--owner", "ann", "--at", "2026-11-05")
    funnel.ok("add", "Initech seats", "--value", "2k", "--stage", "purchase", "--at", "2026-11-06")
    funnel.ok("lost", "3", "--reason", "no budget", "--at", "2026-11-07")
    funnel.ok(
        "spend", "add", "1000", "--team", "marketing", "--channel", "Ads", "--on", "2026-11-03"
    )
    funnel.ok("spend", "add", "500", "--team", "sales", "--on", "2026-11-04", "--note", "SDR")
    return funnel


def test_metrics_json_on_a_small_board(november: Funnel) -> None:
    doc = november.json("metrics", "--since", "2026-11-01")
    assert isinstance(doc, dict)
    assert doc["window"] == {"since": "2026-11-01T00:00:00Z", "until": NOW}
    expected = {
        "leads": 3,
        "mqls": 1,
        "handoffs": 1,
        "sqls": 1,
        "mql_to_sql_rate": 1.0,
        "handoff_acceptance_rate": 1.0,
        "median_hours_to_handoff": 24.0,
        "median_hours_to_accept": 6.0,
        "sla_breaches": 0,
        "won": 1,
        "lost": 1,
        "win_rate": 0.5,
        "revenue": "10000.00",
        "avg_deal_size": "10000.00",
        "sales_cycle_days": 9.0,
        "open_deals": 1,
        "pipeline_value": "5000.00",
        "weighted_pipeline": "250.00",
        "velocity_per_day": "0.00",
        "marketing_spend": "1000.00",
        "sales_spend": "500.00",
        "cpl": "333.33",
        "cac": "1500.00",
        "clv": "10000.00",
        "clv_to_cac": 6.67,
        "marketing_spend_pct": 0.1,
        "sales_spend_pct": 0.05,
        "sourced_revenue": {"marketing": "10000.00", "sales": "0.00"},
    }
    assert {key: doc[key] for key in expected} == expected


def test_metrics_per_owner(november: Funnel) -> None:
    ann = november.json("metrics", "--since", "2026-11-01", "--owner", "ann")
    assert isinstance(ann, dict)
    assert (ann["owner"], ann["leads"], ann["won"], ann["open_deals"]) == ("ann", 1, 0, 1)
    assert ann["marketing_spend"] is None and ann["cpl"] is None
    mine = november.json("metrics", "--since", "2026-11-01", "--mine")
    assert isinstance(mine, dict)
    assert (mine["owner"], mine["leads"], mine["won"], mine["lost"]) == (os_login(), 2, 1, 1)


def test_metrics_report_is_grouped_and_readable(november: Funnel) -> None:
    result = november("metrics", "--since", "2026-11-01", "--until", "2026-11-15")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Metrics 2026-11-01 → 2026-11-15 (14 days), all owners"
    assert [line for line in lines if line and not line.startswith(" ")][1:] == [
        "Marketing",
        "Handoff",
        "Sales",
        "Budget",
    ]
    assert "10% of revenue, ✓ within 6–12%" in result.stdout


def test_metrics_default_window_and_a_missing_store(funnel: Funnel) -> None:
    doc = funnel.json("metrics")
    assert isinstance(doc, dict)
    assert doc["window"] == {"since": "2026-08-22T12:00:00Z", "until": NOW}
    assert (doc["leads"], doc["win_rate"], doc["revenue"]) == (0, None, "0.00")
    assert not funnel.db.exists()  # reading never creates the store
    assert "—" in funnel.ok("metrics").stdout


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--since", "2026-11-10", "--until", "2026-11-01"], ["is after --until"]),
        (["--since", "2026-12-01"], ["is after --until"]),
        (["--since", "last week"], ["--since", "not a date"]),
        (["--until", "2026-13-01"], ["--until", "not a date"]),
        (["--owner", "ann", "--mine"], ["--owner or --mine"]),
        (["--owner", "two words"], ["--owner must be a login name"]),
        (["--window", "30"], ["No such option"]),
    ],
)
def test_metrics_refuses_bad_windows(november: Funnel, args: list[str], needles: list[str]) -> None:
    before = november.fingerprint()
    assert_one_line_error(november("metrics", *args), 2, *needles)
    assert november.fingerprint() == before


def test_spend_add_prints_the_id_and_stores_the_entry(funnel: Funnel) -> None:
    assert (
        funnel.ok(
            "spend",
            "add",
            "$1,500.50",
            "--team",
            "marketing",
            "--channel",
            " Webinar ",
            "--on",
            "2026-11-02",
            "--note",
            "Autumn webinar",
        ).stdout
        == "1\n"
    )
    entry = funnel.json("spend", "add", "20k", "--team", "sales")
    assert entry == {
        "id": 2,
        "amount": "20000.00",
        "team": "sales",
        "channel": "",
        "on": "2026-11-20",
        "note": "",
        "by": os_login(),
        "created_at": NOW,
    }
    listed = funnel.json("spend", "list")
    assert isinstance(listed, list)
    assert [(e["id"], e["amount"], e["channel"], e["on"]) for e in listed] == [
        (1, "1500.50", "webinar", "2026-11-02"),
        (2, "20000.00", "", "2026-11-20"),
    ]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["abc", "--team", "sales"], ["not an amount"]),
        (["0", "--team", "sales"], ["more than zero"]),
        (["1.234", "--team", "sales"], ["more than two decimal places"]),
        (["nan", "--team", "sales"], ["not an amount"]),
        (["-5", "--team", "sales"], ["No such option"]),
        (["5"], ["missing --team: marketing or sales"]),
        (["5", "--team", "hr"], ["'hr' is not one of"]),
        (["5", "--team", "marketing"], ["marketing spend needs --channel"]),
        (["5", "--team", "marketing", "--channel", "   "], ["marketing spend needs --channel"]),
        (["5", "--team", "sales", "--on", "2026-11-21"], ["--on 2026-11-21 is in the future"]),
        (["5", "--team", "sales", "--on", "yesterday"], ["--on", "not a date"]),
        (["5", "--team", "sales", "--channel", "ads\x1b[2J"], ["channel contains a control"]),
        (["5", "--team", "sales", "--note", "bidi\u202e"], ["note contains a control"]),
    ],
)
def test_bad_spend_writes_nothing(november: Funnel, args: list[str], needles: list[str]) -> None:
    before = november.fingerprint()
    assert_one_line_error(november("spend", "add", *args), 2, *needles)
    assert november.fingerprint() == before


def test_bad_spend_on_a_missing_store_creates_nothing(funnel: Funnel) -> None:
    assert_one_line_error(funnel("spend", "add", "5", "--team", "marketing"), 2, "--channel")
    assert not funnel.db.parent.exists() or not any(funnel.db.parent.iterdir())


def test_spend_list_filters(november: Funnel) -> None:
    november.ok(
        "spend", "add", "250", "--team", "marketing", "--channel", "seo", "--on", "2026-10-31"
    )

    def ids(*args: str) -> list[object]:
        listed = november.json("spend", "list", *args)
        assert isinstance(listed, list)
        return [entry["id"] for entry in listed]

    assert ids() == [3, 1, 2]  # by day
    assert ids("--since", "2026-11-01") == [1, 2]
    assert ids("--until", "2026-11-03") == [3]  # the day of --until is out
    assert ids("--team", "sales") == [2]
    assert ids("--channel", "ADS") == [1]
    assert ids("--team", "sales", "--channel", "ads") == []
    table = november.ok("spend", "list").stdout
    assert table.splitlines()[-1] == "Total: marketing $1,250, sales $500"


def test_spend_list_says_so_when_nothing_matches(funnel: Funnel) -> None:
    result = funnel("spend", "list")
    assert result.exit_code == 0 and result.stdout == ""
    assert "funnel spend add" in result.stderr
    assert funnel.json("spend", "list") == []


def test_spend_list_refuses_a_backwards_window(november: Funnel) -> None:
    assert_one_line_error(
        november("spend", "list", "--since", "2026-11-05", "--until", "2026-11-01"),
        2,
        "is after --until",
    )


def test_spend_rm(november: Funnel) -> None:
    before = november.fingerprint()
    assert_one_line_error(november("spend", "rm", "1"), 2, "without --yes")
    assert_one_line_error(november("spend", "rm", "9", "--yes"), 1, "spend entry 9 not found")
    assert_one_line_error(november("spend", "rm", "0", "--yes"), 2, "ID")
    assert november.fingerprint() == before
    result = november("spend", "rm", "1", "--yes")
    assert result.exit_code == 0 and "Spend 1 deleted." in result.stderr
    listed = november.json("spend", "list")
    assert isinstance(listed, list)
    assert [entry["id"] for entry in listed] == [2]
    assert november.json("spend", "add", "7", "--team", "sales")["id"] == 3  # type: ignore[index]


def test_spend_shows_in_the_metrics(november: Funnel) -> None:
    november.ok("spend", "rm", "2", "--yes")
    doc = november.json("metrics", "--since", "2026-11-01")
    assert isinstance(doc, dict)
    assert (doc["sales_spend"], doc["cac"]) == ("0.00", "1000.00")


def test_the_installed_command_prints_metrics_json(november: Funnel) -> None:
    funnel_bin = Path(sys.executable).with_name("funnel")
    env = {**os.environ, "FUNNEL_DB": str(november.db), **november.env}
    done = subprocess.run(
        [str(funnel_bin), "metrics", "--since", "2026-11-01", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    doc = orjson.loads(done.stdout)
    assert (doc["leads"], doc["revenue"], doc["cpl"]) == (3, "10000.00", "333.33")
    bad = subprocess.run(
        [str(funnel_bin), "metrics", "--since", "2026-12-01"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and bad.stdout == ""
