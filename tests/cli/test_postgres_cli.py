"""The command line on a ``postgresql://`` store: the same commands, the same output.

Against a real server (`tests.pg`); skipped, saying why, where PostgreSQL is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from board.cli.context import os_login
from tests.cli_runner import NOW, Funnel, assert_one_line_error, make_funnel
from tests.pg import SKIP_REASON, Server

SCENARIO: list[tuple[str, ...]] = [
    ("add", "Acme renewal", "--company", "Acme", "--value", "12.5k", "--stage", "consideration"),
    ("add", "Globex pilot", "--company", "Globex", "--value", "3000", "--stage", "awareness"),
    ("add", "Initech", "--value", "800", "--stage", "interest", "--owner", "lena"),
    ("move", "2", "interest"),
    ("handoff", "1", "--note", "budget confirmed"),
    ("accept", "1"),
    ("won", "1", "--value", "13k"),
    ("lost", "3", "--reason", "no budget"),
    ("reopen", "3"),
    ("edit", "2", "--note", "call back in Q3"),
    ("move", "2", "purchase"),  # refused: a marketing deal reaches sales by the handoff
    ("accept", "2"),  # refused: never handed off
    ("rm", "3", "--yes"),
    ("add", "Umbrella", "--stage", "awareness"),  # id 4: 3 is never reused
    ("show", "3"),  # refused: gone
    ("spend", "add", "1,500", "--team", "marketing", "--channel", "webinar", "--on", "2026-11-02"),
    ("spend", "add", "900", "--team", "sales", "--on", "2026-11-10"),
    ("spend", "rm", "1", "--yes"),
    ("list",),
    ("list", "--status", "all"),
    ("show", "1"),
    ("log",),
    ("spend", "list"),
    ("export", "--format", "json"),
    ("export", "--format", "csv"),
    ("metrics", "--json"),
    ("metrics",),
]


REFUSED = [("move", "2", "purchase"), ("accept", "2"), ("show", "3")]
"""The steps of `SCENARIO` the rules refuse (exit 1), on either backend."""


@pytest.fixture
def pg_funnel(pg_database: Callable[[], str], pg_server: Server, tmp_path: Path) -> Funnel:
    """``funnel`` on an empty PostgreSQL store (a database of its own), as a database login
    named like the OS login, so that both backends name the same author."""
    url = pg_server.as_login(pg_database(), os_login())
    env = {"FUNNEL_DB": url, "FUNNEL_CONFIG": str(tmp_path / "none.toml"), "FUNNEL_NOW": NOW}
    return Funnel(tmp_path / "no-file-store", env)


def test_every_command_answers_the_same_on_both_backends(pg_funnel: Funnel, tmp_path: Path) -> None:
    files = make_funnel(tmp_path / "files")
    for args in SCENARIO:
        on_file, on_database = files(*args), pg_funnel(*args)
        assert (on_file.exit_code != 0) == (args in REFUSED), (args, on_file.stderr)
        assert (on_database.exit_code, on_database.stdout) == (on_file.exit_code, on_file.stdout), (
            args
        )
        assert on_database.stderr.replace(pg_funnel.env["FUNNEL_DB"], "STORE") == (
            on_file.stderr.replace(str(files.db), "STORE")
        ), args
    assert not list(tmp_path.glob("postgres*")) and not pg_funnel.db.exists()


def test_a_url_never_becomes_a_file(pg_funnel: Funnel, tmp_path: Path) -> None:
    os.chdir(tmp_path)
    pg_funnel.ok("add", "Acme")
    pg_funnel.ok("--db", pg_funnel.env["FUNNEL_DB"], "list")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["postgresql:/db", "mysql://db.example.com/funnel", "pg:funnel"])
def test_another_url_is_refused_not_taken_as_a_path(tmp_path: Path, value: str) -> None:
    os.chdir(tmp_path)
    funnel = make_funnel(tmp_path)
    assert_one_line_error(funnel("--db", value, "add", "Acme"), 2, "neither a store file nor")
    assert_one_line_error(funnel("init", value), 2, "neither a store file nor")
    assert list(tmp_path.iterdir()) == []


def test_a_file_whose_name_has_a_colon_is_still_a_store(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    funnel = make_funnel(tmp_path)
    funnel.ok("--db", "./pg:board.json", "add", "Acme")
    assert (tmp_path / "pg:board.json").exists()


def test_init_is_idempotent_and_doctor_reports_the_store(pg_funnel: Funnel) -> None:
    assert "Created a Funnel store" in pg_funnel.ok("init").stderr
    assert "nothing changed" in pg_funnel.ok("init").stderr
    pg_funnel.ok("add", "Acme")
    report = pg_funnel.json("doctor")
    assert report["healthy"] and report["schema"] == 1 and report["open_deals"] == 1
    assert report["login"] == os_login() and report["problems"] == []


def test_doctor_on_an_empty_database_says_to_init(pg_funnel: Funnel) -> None:
    result = pg_funnel("doctor")
    assert result.exit_code == 1 and "funnel init" in result.stdout


@pytest.mark.parametrize("command", [("backup",), ("backup", "--list"), ("restore", "--yes")])
def test_backup_and_restore_point_to_the_database_s_tools(
    pg_funnel: Funnel, command: tuple[str, ...]
) -> None:
    assert_one_line_error(pg_funnel(*command), 2, "pg_dump", "pg_restore")


def test_init_shared_is_for_store_files(pg_funnel: Funnel) -> None:
    result = pg_funnel("init", "--shared")
    assert result.exit_code == 2 and "roles" in result.stderr


def test_without_psycopg_a_url_is_refused_saying_what_to_install(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    blocked = (
        "import sys\nsys.modules['psycopg'] = None\n"
        "from board.cli import main\nsys.argv[0] = 'funnel'\nmain()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocked, "add", "Acme"],
        env={
            **os.environ,
            "FUNNEL_DB": "postgresql://db.example.com/funnel",
            "FUNNEL_CONFIG": str(tmp_path / "none.toml"),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: a PostgreSQL store needs psycopg, which is not installed:"
        " pip install 'funnel-board[postgres]'"
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_write_while_the_server_is_unreachable_exits_5(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason=SKIP_REASON)
    url = f"postgresql:///funnel?host={tmp_path}"  # no server listens there
    funnel = Funnel(tmp_path / "none", {"FUNNEL_DB": url, "FUNNEL_NOW": NOW})
    assert_one_line_error(
        funnel("add", "Acme"), 5, "postgresql:///funnel: cannot reach the database", "nothing was"
    )


def _filled(root: Path) -> Funnel:
    files = make_funnel(root)
    for args in SCENARIO:
        files(*args)
    return files


READS: list[tuple[str, ...]] = [
    ("export", "--format", "json"),
    ("metrics", "--json"),
    ("list", "--status", "all"),
    ("log",),
    ("spend", "list"),
]


def test_a_file_store_copies_to_postgres_and_back_with_identical_output(
    pg_funnel: Funnel, tmp_path: Path
) -> None:
    files = _filled(tmp_path / "files")
    url = pg_funnel.env["FUNNEL_DB"]
    copied = files.json("copy", "--to", url)
    assert (copied["deals"], copied["spend_entries"], copied["next_deal_id"]) == (3, 1, 5)
    back = make_funnel(tmp_path / "back")
    pg_funnel.ok("copy", "--to", str(back.db))
    for args in READS:
        expected = files.ok(*args).stdout
        assert pg_funnel.ok(*args).stdout == expected, args
        assert back.ok(*args).stdout == expected, args
    for store in (files, pg_funnel, back):  # the next ids came along: 3 is still never reused
        assert store.ok("add", "Next").stdout.strip() == "5"
        assert store.ok("spend", "add", "10", "--team", "sales").stdout.strip() == "3"


def test_a_copy_never_goes_into_a_store_that_was_written(pg_funnel: Funnel, tmp_path: Path) -> None:
    files = _filled(tmp_path / "files")
    pg_funnel.ok("add", "Already here")
    url = pg_funnel.env["FUNNEL_DB"]
    before = pg_funnel.ok("export", "--format", "json").stdout
    assert_one_line_error(files("copy", "--to", url), 1, "not an empty store", "never merges")
    assert pg_funnel.ok("export", "--format", "json").stdout == before
    other = make_funnel(tmp_path / "other")
    other.ok("add", "Mine")
    other.ok("rm", "1", "--yes")  # empty again, but written: its next id is 2
    assert_one_line_error(pg_funnel("copy", "--to", str(other.db)), 1, "not an empty store")
    assert_one_line_error(files("copy", "--to", str(files.db)), 2, "the store itself")


def test_on_postgres_the_author_is_the_database_login(pg_funnel: Funnel, pg_server: Server) -> None:
    url = pg_funnel.env["FUNNEL_DB"]
    theo = Funnel(pg_funnel.db, {**pg_funnel.env, "FUNNEL_DB": pg_server.as_login(url, "theo")})
    theo.ok("add", "Acme", "--stage", "consideration")
    pg_funnel.ok("handoff", "1")
    events = [(e["by"], e["kind"]) for e in pg_funnel.json("show", "1")["history"]]
    assert events == [("theo", "created"), (os_login(), "handoff")]
    assert pg_funnel.json("show", "1")["owner"] == "theo"


ALIGNMENT_SETTINGS = """
[qualification]
criteria = ["budget", "authority", "need", "timeline"]
required = 3

[targets]
leads = 10
sqls = 4
won = 2
revenue = 50000
"""

ALIGNMENT: list[tuple[str, ...]] = [
    ("add", "Acme", "--stage", "consideration", "--source", "webinar", "--at", "2026-11-02"),
    ("add", "Globex", "--stage", "interest", "--source", "seo", "--at", "2026-11-03"),
    ("add", "Initech", "--stage", "consideration", "--owner", "lena", "--at", "2026-11-04"),
    ("qualify", "1", "budget", "authority", "need", "--at", "2026-11-05"),
    ("qualify", "2", "budget", "--at", "2026-11-05"),
    ("qualify", "1", "need", "--unset", "--at", "2026-11-06"),
    ("handoff", "1", "--at", "2026-11-07"),  # refused by the gate: 2 of 3 met
    ("qualify", "1", "timeline", "--at", "2026-11-07"),
    ("handoff", "1", "--at", "2026-11-08"),
    ("handoff", "3", "--override", "--reason", "CFO asked for a call", "--at", "2026-11-08"),
    ("accept", "1", "--at", "2026-11-09"),
    ("won", "1", "--value", "30k", "--at", "2026-11-12"),
    ("import", str(Path(__file__).parents[1] / "fixtures" / "spreadsheet_deals.csv")),
    ("spend", "add", "2,000", "--team", "marketing", "--channel", "webinar", "--on", "2026-11-02"),
    ("list", "--status", "all"),
    ("show", "1", "--json"),
    ("log",),
    ("export", "--format", "json"),
    ("metrics", "--since", "2026-11-01", "--by", "source"),
    ("metrics", "--since", "2026-11-01", "--by", "owner", "--json"),
    ("config", "show", "--json"),
]


def test_qualification_the_gate_targets_import_and_the_report_answer_the_same_on_both(
    pg_funnel: Funnel, tmp_path: Path
) -> None:
    """What came with the alignment features and the direct import, run on both backends:
    every answer, and the weekly report's page, the same."""
    settings = tmp_path / "funnel.toml"
    settings.write_text(ALIGNMENT_SETTINGS)
    files = make_funnel(tmp_path / "files")
    for store in (files, pg_funnel):
        store.env["FUNNEL_CONFIG"] = str(settings)
    for args in ALIGNMENT:
        on_file, on_database = files(*args), pg_funnel(*args)
        gated = args == ALIGNMENT[6]
        assert (on_file.exit_code != 0) == gated, (args, on_file.stderr)
        assert ("not qualified" in on_file.stderr) == gated
        assert (on_database.exit_code, on_database.stdout) == (on_file.exit_code, on_file.stdout), (
            args,
            on_database.stderr,
        )
        assert on_database.stderr.replace(pg_funnel.env["FUNNEL_DB"], "STORE") == (
            on_file.stderr.replace(str(files.db), "STORE")
        ), args
    assert "Oscorp renewal" in pg_funnel.ok("list", "--status", "all").stdout  # imported
    for page in ("week.md", "week.html"):
        window = ("--since", "2026-11-01", "--until", "2026-11-15")
        files.ok("report", *window, "-o", str(tmp_path / f"file-{page}"))
        pg_funnel.ok("report", *window, "-o", str(tmp_path / f"pg-{page}"))
        written = (tmp_path / f"file-{page}").read_text()
        assert "CFO asked for a call" in written
        assert (tmp_path / f"pg-{page}").read_text() == written, page
