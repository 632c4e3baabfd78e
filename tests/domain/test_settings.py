"""Stages and team settings from TOML: good configs load, bad ones name file, key and problem."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from board.errors import ConfigError
from board.settings import Settings, load_settings
from board.stages import DEFAULT_PIPELINE, Team


def test_default_journey() -> None:
    p = DEFAULT_PIPELINE
    assert p.keys == ("awareness", "interest", "consideration", "purchase", "customer")
    assert (p.mql.key, p.first_sales.key, p.customer.key) == (
        "consideration",
        "purchase",
        "customer",
    )
    assert [s.probability for s in p.stages] == [
        Decimal(x) for x in ("0.05", "0.10", "0.20", "0.50", "1")
    ]
    assert [s.rot_days for s in p.stages] == [30, 21, 14, 14, 90]
    assert p.get("purchase").question == "I'm ready to buy"
    assert p.closest("Consideration") == "consideration" and p.closest("zzzz") is None


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.toml") == Settings()


def test_a_team_pipeline_with_more_sales_stages(tmp_path: Path) -> None:
    path = tmp_path / "funnel.toml"
    path.write_text("""
currency = "eur"
handoff_sla_hours = 8
[[stages]]
key = "lead"
team = "marketing"
probability = "5%"
[[stages]]
key = "mql"
label = "Qualified"
team = "marketing"
probability = 0.2
[[stages]]
key = "proposal"
team = "sales"
probability = 0.4
rot_days = 10
[[stages]]
key = "negotiation"
team = "sales"
probability = 0.7
[[stages]]
key = "won"
team = "sales"
""")
    settings = load_settings(path)
    p = settings.pipeline
    assert settings.currency == "EUR" and settings.handoff_sla_hours == 8
    assert (p.mql.label, p.first_sales.key, p.customer.key) == ("Qualified", "proposal", "won")
    assert p.get("lead").probability == Decimal("0.05")
    assert p.customer.probability == 1 and p.customer.lifecycle == "customer"
    assert [s.team for s in p.stages].count(Team.SALES) == 3


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[[stages]]\nkey="a"\nteam="sales"\n[[stages]]\nkey="b"\nteam="marketing"\n',
            r"stages\[1\]\.team: marketing stage 'b' comes after a sales stage",
        ),
        (
            '[[stages]]\nkey="a"\nteam="marketing"\n[[stages]]\nkey="a"\nteam="sales"\n',
            r"stages\[1\]\.key: 'a' is used twice",
        ),
        ('[[stages]]\nkey="a"\nteam="marketing"\n', "at least one marketing and one sales stage"),
        (
            '[[stages]]\nkey="a"\nteam="buyers"\n',
            r"stages\[0\]\.team: must be 'marketing' or 'sales'",
        ),
        ('[[stages]]\nkey="A B"\nteam="sales"\n', r"stages\[0\]\.key"),
        ('[[stages]]\nkey="a"\nteam="marketing"\nprobability=1.5\n', r"stages\[0\]\.probability"),
        (
            '[[stages]]\nkey="a"\nteam="marketing"\ncolour="red"\n',
            r"stages\[0\]\.colour: unknown setting",
        ),
        ("handoff_sla_hours = 0\n", "handoff_sla_hours: must be a whole number"),
        ('currency = "dollars"\n', "currency: must be a 3-letter code"),
        ("lock_timout = 3\n", "lock_timout: unknown setting"),
        ("currency = \n", "line 1"),
    ],
)
def test_bad_configs_name_file_key_and_problem(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "funnel.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)
