"""A hand-built November: five deals, three sources, two spend entries, back-dated with --at.

Every figure the tests expect of it was worked out by hand from the story told here, not by
running the code.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli_runner import Funnel, assert_one_line_error, make_funnel

SETTINGS = """
[qualification]
criteria = ["budget", "authority", "need", "timeline"]
required = 3

[targets]
leads = 60
mqls = 40
sqls = 30
revenue = 250000
"""
NOVEMBER = ("--since", "2026-11-01", "--until", "2026-12-01")


def build_month(root: Path) -> Funnel:
    """The month in a store under ``root``; the clock stands at 2026-11-20T12:00Z, 19.5 days
    into its 30."""
    f = make_funnel(root)
    (root / "funnel.toml").write_text(SETTINGS)
    f.env["FUNNEL_CONFIG"] = str(root / "funnel.toml")
    # D1 webinar: an MQL from the start, qualified on three criteria, accepted in 6 h, won.
    f.ok("add", "Acme", "--source", "webinar", "--value", "20k", "--stage", "consideration",
         "--at", "2026-11-02")  # fmt: skip
    f.ok("qualify", "1", "budget", "authority", "need", "--at", "2026-11-03")
    f.ok("handoff", "1", "--at", "2026-11-04")
    f.ok("accept", "1", "--at", "2026-11-04T06:00")
    f.ok("won", "1", "--at", "2026-11-12")
    # D2 webinar: one criterion met, handed off past the gate, rejected exactly 24 h later.
    f.ok("add", "Globex", "--source", "Webinar", "--value", "8k", "--stage", "interest",
         "--at", "2026-11-03")  # fmt: skip
    f.ok("move", "2", "consideration", "--at", "2026-11-05")
    f.ok("qualify", "2", "budget", "--at", "2026-11-05T01:00")
    refused = f("handoff", "2", "--at", "2026-11-06")
    assert_one_line_error(refused, 1, "missing authority, need, timeline")
    f.ok("handoff", "2", "--override", "--reason", "asked for a demo", "--at", "2026-11-06")
    f.ok("reject", "2", "--reason", "No budget", "--at", "2026-11-07")
    # D3 ads (ann): qualified, accepted 48 h after the handoff (an SLA breach), then lost.
    f.ok("add", "Initech", "--source", "ads", "--value", "5k", "--stage", "consideration",
         "--owner", "ann", "--at", "2026-11-06")  # fmt: skip
    f.ok("qualify", "3", "budget", "need", "timeline", "--at", "2026-11-06T02:00")
    f.ok("handoff", "3", "--at", "2026-11-08")
    f.ok("accept", "3", "--at", "2026-11-10")
    f.ok("lost", "3", "--reason", "Went with a competitor", "--at", "2026-11-15")
    # D4 ads: a lead that never got further.
    f.ok("add", "Umbrella", "--source", "ads", "--value", "3k", "--at", "2026-11-09")
    # D5 referral (bob): found by sales directly, won.
    f.ok("add", "Hooli", "--source", "referral", "--value", "12k", "--stage", "purchase",
         "--owner", "bob", "--at", "2026-11-10")  # fmt: skip
    f.ok("won", "5", "--at", "2026-11-18")
    f.ok(
        "spend", "add", "2000", "--team", "marketing", "--channel", "webinar", "--on", "2026-11-01"
    )
    f.ok("spend", "add", "1500", "--team", "marketing", "--channel", "ads", "--on", "2026-11-02")
    return f
