"""The hand-built November of tests/metrics/alignment_month.py, figure by figure.

Every per-source figure, every target and the override count below were worked out by hand
from the story told there, not by running the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from board.cli.context import os_login
from tests.cli_runner import Funnel, assert_one_line_error, make_funnel
from tests.metrics.alignment_month import NOVEMBER, build_month


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Funnel:
    return build_month(tmp_path_factory.mktemp("month"))


@pytest.fixture(scope="module")
def november(month: Funnel) -> Any:
    return month.json("metrics", *NOVEMBER, "--by", "source")


def test_every_figure_of_every_source(november: Any) -> None:
    rows = {row["source"]: row for row in november["by_source"]}
    assert list(rows) == ["ads", "referral", "webinar"]
    assert rows["webinar"] == {
        "source": "webinar",
        "leads": 2,  # D1, D2 ("Webinar" is folded to lower case)
        "mqls": 2,  # D1 created there, D2 moved there
        "handoffs": 2,
        "handoff_overrides": 1,  # D2
        "sqls": 1,  # D1
        "rejections": 1,
        "reject_reasons": {"No budget": 1},
        "sla_breaches": 0,  # D1 answered in 6 h, D2 in exactly 24 h
        "won": 1,
        "lost": 0,
        "lost_reasons": {},
        "revenue": "20000.00",
        "spend": "2000.00",
        "cpl": "1000.00",  # 2,000 / 2 leads
        "cac": "2000.00",  # 2,000 / 1 won
        "win_rate": 1.0,
        "mql_to_sql_rate": 0.5,  # D1 of D1, D2
    }
    assert rows["ads"] == {
        "source": "ads",
        "leads": 2,  # D3, D4
        "mqls": 1,  # D3
        "handoffs": 1,
        "handoff_overrides": 0,
        "sqls": 1,
        "rejections": 0,
        "reject_reasons": {},
        "sla_breaches": 1,  # D3 accepted 48 h after its handoff
        "won": 0,
        "lost": 1,
        "lost_reasons": {"Went with a competitor": 1},
        "revenue": "0.00",
        "spend": "1500.00",
        "cpl": "750.00",
        "cac": None,  # nothing won
        "win_rate": 0.0,
        "mql_to_sql_rate": 1.0,
    }
    assert rows["referral"] == {
        "source": "referral",
        "leads": 1,
        "mqls": 0,  # created in a sales stage: never an MQL
        "handoffs": 0,
        "handoff_overrides": 0,
        "sqls": 0,
        "rejections": 0,
        "reject_reasons": {},
        "sla_breaches": 0,
        "won": 1,
        "lost": 0,
        "lost_reasons": {},
        "revenue": "12000.00",
        "spend": "0.00",  # no spend on the channel: a free lead
        "cpl": "0.00",
        "cac": "0.00",
        "win_rate": 1.0,
        "mql_to_sql_rate": None,
    }


def test_the_team_figures_and_the_override_count(november: Any) -> None:
    assert (november["leads"], november["mqls"], november["sqls"]) == (5, 3, 2)
    assert (november["handoffs"], november["handoff_overrides"]) == (3, 1)
    assert november["revenue"] == "32000.00"
    assert november["marketing_spend"] == "3500.00"


def test_every_target_over_the_month_with_the_pace_for_today(november: Any) -> None:
    # The whole month: each target as configured; expected by now is 19.5 of 30 days of it.
    assert november["targets"] == {
        "leads": {"target": 60, "actual": 5, "progress": 0.0833, "expected": 39},
        "mqls": {"target": 40, "actual": 3, "progress": 0.075, "expected": 26},
        "sqls": {"target": 30, "actual": 2, "progress": 0.0667, "expected": 19.5},
        "revenue": {
            "target": "250000.00",
            "actual": "32000.00",
            "progress": 0.128,
            "expected": "162500.00",
        },
    }


def test_targets_are_prorated_by_the_days_of_each_month_covered(month: Funnel) -> None:
    # 7 of October's 31 days and 4 of November's 30.
    doc = month.json("metrics", "--since", "2026-10-25", "--until", "2026-11-05")
    targets = doc["targets"]
    assert targets["mqls"] == {
        "target": 14.37,  # 40 x 7/31 + 40 x 4/30 = 14.3656
        "actual": 1,  # D1
        "progress": 0.0696,
        "expected": 14.37,  # a past window: the whole target was due
    }
    assert targets["revenue"]["target"] == "89784.95"  # 250,000 x (7/31 + 4/30)


def test_per_owner_rows_and_the_text_output(month: Funnel) -> None:
    rows = {
        row["owner"]: row for row in month.json("metrics", *NOVEMBER, "--by", "owner")["by_owner"]
    }
    assert sorted(rows) == sorted(["ann", "bob", os_login()])
    assert (rows["ann"]["lost"], rows["bob"]["won"], rows[os_login()]["leads"]) == (1, 1, 3)
    assert rows["bob"]["spend"] is None and rows["bob"]["cac"] is None
    text = month.ok("metrics", *NOVEMBER, "--by", "source").stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "MQLs 3 of 40 7.5% ↓ behind pace (expected 26 by now)" in lines
    assert "webinar 2 2 2 1 1 1 1 0 100% $20,000 $2,000 $1,000 $2,000" in lines
    assert "Overrides 1 handed off unqualified" in lines
    assert "webinar rejected: No budget ×1" in text
    assert "ads lost: Went with a competitor ×1" in text


def test_by_is_refused_with_an_owner_filter(month: Funnel) -> None:
    assert_one_line_error(month("metrics", "--by", "source", "--mine"), 2, "drop --owner")
    assert_one_line_error(month("metrics", "--by", "stage"), 2, "'stage' is not one of")


def test_a_channel_with_spend_and_no_leads_still_has_its_row(tmp_path: Path) -> None:
    f = make_funnel(tmp_path)
    assert f.json("metrics", "--by", "source")["by_source"] == []
    assert "nothing in the window" in f.ok("metrics", "--by", "source").stdout
    f.ok("spend", "add", "300", "--team", "marketing", "--channel", "SEO", "--on", "2026-11-03")
    f.ok("spend", "add", "900", "--team", "sales", "--on", "2026-11-03")
    (row,) = f.json("metrics", "--by", "source")["by_source"]
    assert (row["source"], row["leads"], row["spend"], row["cpl"]) == ("seo", 0, "300.00", None)
    assert f.json("metrics")["targets"] == {}  # none configured
    assert f.json("metrics", "--mine")["targets"] is None  # the team's, not one person's


def test_the_owner_table_shows_sla_breaches_instead_of_spend(month: Funnel) -> None:
    text = month.ok("metrics", *NOVEMBER, "--by", "owner").stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    header = next(line for line in lines if line.startswith("OWNER "))
    assert header.endswith("WIN RATE REVENUE SLA BREACHES") and "SPEND" not in header
    assert "ann 1 1 1 0 1 0 0 1 0% $0 1" in lines  # D3: accepted 48 h after its handoff
