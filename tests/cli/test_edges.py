"""Input at the edges of what Python and the store can hold: one line and an exit code each.

Every case here was a traceback once (an overflow, a recursion, a 64-bit integer, a byte that
is not UTF-8, a stage the settings dropped); now each is one ``Error:`` line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from storage import open_repository
from tests.cli.conftest import Funnel
from tests.cli_runner import assert_one_line_error

FUNNEL = str(Path(sys.executable).with_name("funnel"))
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["add", "x", "--at", "0001-01-01T00:00+05:00"], "out of range"),
        (["add", "x", "--at", "9999-12-31T23:00-05:00"], "out of range"),
        (["add", "x", "--at", "0001-01-01"], "out of range"),
        (["metrics", "--since", "0001-01-01"], "out of range"),
        (["metrics", "--until", "9999-12-31T23:59-01:00"], "out of range"),
        (["add", "x", "--value", HUGE], "too large"),
        (["add", "x", "--value", "0." + HUGE], "more than two decimal places"),
        (["spend", "add", HUGE, "--team", "marketing"], "too large"),
        (["add", "x\udcff"], "not valid UTF-8"),
        (["add", "x", "--note", "\ud800"], "not valid UTF-8"),
        (["add", "x", "--value", "٣٤٥"], "not an amount"),
        (["add", "x", "--value", "１２３"], "not an amount"),
        (["add", "\u200b"], "invisible"),
        (["add", "\u3164\ufeff"], "invisible"),
        (["add", "ok\U000e0041\U000e0042"], "TAG characters"),
    ],
)
def test_edge_values_are_one_line_and_exit_2(
    funnel: Funnel, add: Callable[..., int], args: list[str], needle: str
) -> None:
    add("existing")
    before = funnel.fingerprint()
    assert_one_line_error(funnel(*args), 2, needle)
    assert funnel.fingerprint() == before


def test_an_error_line_stays_short_for_a_5000_digit_number(funnel: Funnel) -> None:
    result = funnel("add", "x", "--value", HUGE)
    assert len(result.stderr) < 300, result.stderr


@pytest.mark.parametrize(
    "pinned", ["0001-01-01T00:00+05:00", "9999-12-31T23:00-05:00", "9999-12-31T23:59:59Z"]
)
def test_a_pinned_clock_out_of_range_is_one_line(funnel: Funnel, pinned: str) -> None:
    funnel.env["FUNNEL_NOW"] = pinned
    assert_one_line_error(funnel("add", "x"), 2, "FUNNEL_NOW", "out of range")
    assert not funnel.db.exists()


def test_a_deal_made_under_a_far_clock_can_still_be_moved(funnel: Funnel) -> None:
    funnel.env["FUNNEL_NOW"] = "2999-12-31T23:59:59Z"
    funnel.ok("add", "from the future")
    funnel.env["FUNNEL_NOW"] = "2026-11-20T12:00:00Z"
    funnel.ok("move", "1", "interest")  # was: "before the deal's previous event", for ever
    funnel.ok("lost", "1", "--reason", "typo in the clock")
    assert open_repository(funnel.db).get(1).version == 3


def test_bytes_that_are_not_utf8_on_the_command_line_are_one_line(tmp_path: Path) -> None:
    db = tmp_path / "board.json"
    env = {**os.environ, "FUNNEL_DB": str(db), "FUNNEL_CONFIG": str(tmp_path / "none.toml")}
    # What a Latin-1 terminal sends for "Café".
    result = subprocess.run(
        [FUNNEL, "add", b"Caf\xe9"], env=env, capture_output=True, timeout=30, check=False
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "not valid UTF-8" in lines[0] and "Caf\\udce9" in lines[0]
    assert not db.exists()


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_deeply_nested_import_is_refused(funnel: Funnel, tmp_path: Path, suffix: str) -> None:
    source = tmp_path / f"deep{suffix}"
    source.write_text("[" * 100_000 + "]" * 100_000)
    result = funnel("import", str(source))
    assert result.exit_code == 2, result.stderr
    assert "nested" in result.stderr and "Traceback" not in result.stderr
    assert not funnel.db.exists()


def test_a_deeply_nested_settings_file_is_one_line(funnel: Funnel, tmp_path: Path) -> None:
    config = tmp_path / "funnel.toml"
    config.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    funnel.env["FUNNEL_CONFIG"] = str(config)
    assert_one_line_error(funnel("list"), 2, str(config), "nested")


@pytest.mark.parametrize(("field", "value"), [("version", 2**64 - 1), ("id", 2**63)])
def test_an_import_with_a_64_bit_version_or_id_is_refused(
    funnel: Funnel, add: Callable[..., int], tmp_path: Path, field: str, value: int
) -> None:
    add("original")
    exported = orjson.loads(funnel.ok("export", "--format", "json").stdout)
    exported[0][field] = value
    source = tmp_path / "big.json"
    source.write_bytes(orjson.dumps(exported, option=orjson.OPT_PASSTHROUGH_DATACLASS))
    before = funnel.fingerprint()
    result = funnel("import", str(source), "--keep-ids")
    assert result.exit_code == 2, result.stderr
    assert f"{field}: must be a positive whole number below 2**53" in result.stderr
    assert funnel.fingerprint() == before


# A deal in a stage that funnel.toml no longer has.

TWO_STAGES = (
    '[[stages]]\nkey = "lead"\nteam = "marketing"\n[[stages]]\nkey = "won"\nteam = "sales"\n'
)
THREE_STAGES = TWO_STAGES.replace(
    '[[stages]]\nkey = "won"', '[[stages]]\nkey = "talk"\nteam = "sales"\n[[stages]]\nkey = "won"'
)


@pytest.fixture
def stray(funnel: Funnel, add: Callable[..., int], tmp_path: Path) -> Funnel:
    """Deal 1 in 'awareness', then the settings drop that stage."""
    add("stray deal")
    config = tmp_path / "funnel.toml"
    config.write_text(THREE_STAGES)
    funnel.env["FUNNEL_CONFIG"] = str(config)
    return funnel


def test_a_deal_in_a_removed_stage_is_listed_and_shown(stray: Funnel) -> None:
    assert "stray deal" in stray.ok("list").stdout
    assert "awareness (unknown stage)" in stray.ok("show", "1").stdout


@pytest.mark.parametrize(
    "args", [["handoff", "1"], ["won", "1"], ["move", "1", "won"], ["accept", "1"]]
)
def test_rules_on_a_deal_in_a_removed_stage_are_refused_in_one_line(
    stray: Funnel, args: list[str]
) -> None:
    before = stray.fingerprint()
    result = stray(*args)
    assert_one_line_error(result, 1)
    assert stray.fingerprint() == before


def test_a_deal_in_a_removed_stage_can_be_moved_back_into_the_journey(stray: Funnel) -> None:
    stray.ok("move", "1", "talk")
    deal = open_repository(stray.db).get(1)
    assert deal.stage == "talk" and deal.is_open
    stray.ok("won", "1")


def test_doctor_reports_deals_in_removed_stages(stray: Funnel) -> None:
    result = stray("doctor")
    assert result.exit_code == 1, result.stdout
    assert "1 open deal in stage 'awareness'" in result.stdout
    assert "funnel move 1 STAGE" in result.stdout
    report = orjson.loads(stray("doctor", "--json").stdout)
    assert [p["check"] for p in report["problems"]] == ["stages"]


def test_no_home_and_no_passwd_entry_is_one_line(
    funnel: Funnel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import pwd

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    monkeypatch.chdir(tmp_path)
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "FUNNEL_DB", "FUNNEL_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    env = {k: v for k, v in funnel.env.items() if k not in ("FUNNEL_DB", "FUNNEL_CONFIG")}
    runner = Funnel(funnel.db, env)
    assert_one_line_error(runner("add", "x"), 2, "no home directory", "FUNNEL_DB")
    assert list(tmp_path.iterdir()) == []  # no ./~/.local/share/funnel made here


def test_list_pads_by_terminal_cells_so_wide_titles_keep_the_columns(funnel: Funnel) -> None:
    from board.text import cell_width

    for title, company in (("東京の取引", "株式会社"), ("Plain deal", "Acme"), ("🚀 launch", "x")):
        funnel.ok("add", title, "--company", company, "--value", "100")
    lines = funnel.ok("list").stdout.splitlines()
    # Where "$100" ends, counted in terminal cells, is the same on every row.
    ends = {cell_width(line[: line.index("$100") + 4]) for line in lines[1:]}
    assert len(ends) == 1, lines


def test_a_long_wide_title_is_clipped_by_cells(funnel: Funnel) -> None:
    from board.text import cell_width

    funnel.ok("add", "漢" * 60)
    row = funnel.ok("list").stdout.splitlines()[1]
    title = row.split("  ")[2].strip()
    assert title.endswith("…") and cell_width(title) <= 40


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_directory_as_the_store_is_refused(funnel: Funnel, tmp_path: Path, how: str) -> None:
    directory = f"{tmp_path}/stores/"
    if how == "option":
        result = funnel("--db", directory, "add", "x")
    else:
        funnel.env["FUNNEL_DB"] = directory
        result = funnel("add", "x")
    assert_one_line_error(result, 2, "names a directory", f"{directory}board.json")
    assert not (tmp_path / "stores").exists()
