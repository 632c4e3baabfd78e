"""``funnel import``: CRM exports without maps, all-or-nothing, dry runs, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from board.cli.context import os_login
from board.deal import EventKind, Status
from storage import open_repository
from tests.transfer.conftest import FIXTURES, Funnel

BAD_ROWS = (
    "Deal Name,Amount,Deal Stage,Create Date,Notes,Pipeline\n"
    "Good one,100,Appointment Scheduled,2026-05-01,,Sales\n"  # line 2
    "Bad amount,12 euros,Appointment Scheduled,2026-05-01,,Sales\n"  # line 3
    'Multi-line notes,100,Contract Sent,2026-05-01,"one\ntwo",Sales\n'  # lines 4-5
    "Unknown stage,100,Shrugging,2026-05-01,,Sales\n"  # line 6
    "Control char,100,Contract Sent,2026-05-01,,Sa\x1bles\n"  # line 7
    ",100,Contract Sent,2026-05-01,,Sales\n"  # line 8
    "From the future,100,Contract Sent,2027-01-01,,Sales\n"  # line 9
    "Too many,100,Contract Sent,2026-05-01,,Sales,extra\n"  # line 10
)


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def test_a_hubspot_export_imports_without_any_map(funnel: Funnel) -> None:
    result = funnel.ok("import", str(FIXTURES / "hubspot_deals.csv"))
    assert "Imported 8 deals (ids 1–8): 5 open, 2 won, 1 lost." in result.stderr
    deals = {d.title: d for d in open_repository(funnel.db).query(status=None)}
    acme = deals["Acme renewal"]
    assert (acme.value, acme.company, acme.contact, acme.owner, acme.stage) == (
        pytest.approx(12500),
        "Acme",
        "Ada Lovelace",
        "jane.doe",
        "purchase",
    )
    assert (
        acme.source == "organic search"
        and acme.created_at.isoformat() == "2026-09-01T14:30:00+00:00"
    )
    assert [e.kind for e in acme.history] == [
        EventKind.CREATED,
        EventKind.HANDOFF,
        EventKind.ACCEPTED,
    ]
    assert {e.by for e in acme.history} == {os_login()}  # the importing OS user
    won = deals["Initech pilot"]
    assert (won.stage, won.status, won.won_at.isoformat()) == (
        "customer",
        Status.WON,
        "2026-10-03T00:00:00+00:00",
    )  # type: ignore[union-attr]
    lost = deals["Umbrella seats"]
    assert (lost.status, lost.lost_reason) == (Status.LOST, "Went with a competitor")
    assert deals["Wayne onboarding package"].sales_sourced  # source "outbound"
    assert deals["Stark add-on"].owner == "jose.nunez"
    assert deals["Globex platform deal"].notes == "Two teams, one budget.\nWants SSO."


def test_a_pipedrive_export_imports_without_any_map(funnel: Funnel) -> None:
    funnel.ok("import", str(FIXTURES / "pipedrive_deals.csv"))
    deals = {d.title: d for d in open_repository(funnel.db).query(status=None)}
    assert len(deals) == 6 and {d.currency for d in deals.values()} == {"EUR"}
    wonka = deals["Wonka platform deal"]
    assert wonka.status is Status.WON and wonka.won_at and wonka.won_at.day == 5
    assert deals["Vandelay imports"].lost_reason == "No budget"
    assert deals["Cyberdyne annual contract"].tags == ("hot-lead", "enterprise")
    assert (
        deals["Cyberdyne annual contract"].stage_entered_at.isoformat()
        == "2026-09-22T16:00:00+00:00"
    )  # Last stage change: handed off when it entered sales
    assert deals["Tyrell migration"].owner == "priya.patel"


def test_a_spreadsheet_with_semicolons_a_bom_and_day_first_dates_imports(funnel: Funnel) -> None:
    funnel.ok("import", str(FIXTURES / "spreadsheet_deals.csv"))
    deals = {d.title: d for d in open_repository(funnel.db).query(status=None)}
    assert (
        deals["Oscorp renewal"].value == 12500 and deals["Oscorp renewal"].stage == "consideration"
    )
    assert deals["Massive Dynamic pilot"].created_at.isoformat() == "2026-08-14T00:00:00+00:00"
    assert deals["Black Mesa platform deal"].won_at is not None
    assert deals["Monarch add-on"].lost_reason == "price too high"


def test_bad_rows_are_all_reported_by_line_and_nothing_is_written(
    funnel: Funnel, tmp_path: Path
) -> None:
    funnel.ok("add", "Already here")
    before = funnel.fingerprint()
    result = funnel("import", write(tmp_path, "deals.csv", BAD_ROWS))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [
        "line 3",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "line 10",
    ]
    assert "'12 euros' is not an amount" in lines[0]
    assert "unknown stage 'Shrugging'" in lines[1] and "--stage-map" in lines[1]
    assert "column 'Pipeline' contains a control character" in lines[2]
    assert "title must not be empty" in lines[3]
    assert "created_at 2027-01-01T00:00:00Z is in the future" in lines[4]
    assert "7 cells, but the header names 6 columns" in lines[5]
    assert lines[-1] == "Error: 6 of 8 rows cannot be imported; nothing was imported"
    assert funnel.fingerprint() == before
    assert "\x1b" not in result.stderr


def test_a_dry_run_shows_the_outcome_and_writes_nothing(funnel: Funnel) -> None:
    result = funnel.ok("import", str(FIXTURES / "hubspot_deals.csv"), "--dry-run")
    assert result.stdout.startswith("Would import 8 deals (5 open, 2 won, 1 lost)")
    assert "By stage: customer 2, purchase 6" in result.stdout
    assert "column Deal Name → title" in result.stdout
    assert "stage 'closedlost' → purchase (lost), by a CRM default" in result.stdout
    assert "owner 'Jane Doe' → jane.doe" in result.stdout
    assert "Acme renewal" in result.stdout and "Soylent" not in result.stdout  # first 5 only
    assert not funnel.db.parent.exists()


def test_a_dry_run_in_json(funnel: Funnel) -> None:
    data = json.loads(
        funnel.ok("import", str(FIXTURES / "pipedrive_deals.csv"), "--dry-run", "--json").stdout
    )
    assert data["dry_run"] is True and data["deals"] == 6
    assert data["by_status"] == {"open": 3, "won": 2, "lost": 1}
    assert len(data["preview"]) == 5 and data["preview"][0]["history"][0]["kind"] == "created"
    assert not funnel.db.parent.exists()


def test_import_json_output_and_stdin(funnel: Funnel) -> None:
    text = (FIXTURES / "spreadsheet_deals.csv").read_bytes()
    data = json.loads(funnel.ok("import", "-", "--json", input=text).stdout)
    assert data == {
        "dry_run": False,
        "deals": 5,
        "by_status": {"open": 3, "won": 1, "lost": 1},
        "by_stage": {"consideration": 1, "customer": 1, "interest": 1, "purchase": 2},
        "errors": [],
        "ids": [1, 5],
    }


def test_maps_name_columns_stages_and_owners(funnel: Funnel, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "odd.csv",
        "Opp,Deal Size,Phase,Rep\nAcme,12.5k,Won it,山田\nGlobex,1000,Talking,Jane Doe\n",
    )
    result = funnel("import", path)
    assert result.exit_code == 2 and "no column holds the deal's title" in result.stderr
    funnel.ok(
        "import",
        path,
        "--map",
        "Opp=title",
        "--map",
        "deal size=value",
        "--map",
        "Phase=stage",
        "--map",
        "Rep=owner",
        "--stage-map",
        "Won it=customer",
        "--stage-map",
        "talking=interest",
        "--owner-map",
        "山田=yamada",
    )
    deals = open_repository(funnel.db).query(status=None)
    assert [(d.title, d.value, d.stage, d.status, d.owner) for d in deals] == [
        ("Acme", 12500, "customer", Status.WON, "yamada"),
        ("Globex", 1000, "interest", Status.OPEN, "jane.doe"),
    ]


def test_ambiguous_dates_need_a_date_order(funnel: Funnel, tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "title,created\nA,03/04/2026\nB,05/06/2026\n")
    result = funnel("import", path)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--date-order" in result.stderr and "'03/04/2026'" in result.stderr
    funnel.ok("import", path, "--date-order", "dmy")
    assert [d.created_at.month for d in open_repository(funnel.db).query()] == [4, 6]


@pytest.mark.parametrize(
    ("args", "content", "code", "message"),
    [
        (["--map", "Nope=title"], "title\nA\n", 2, "no column named 'Nope'"),
        (["--map", "title=wat"], "title\nA\n", 2, "unknown field 'wat'"),
        (["--map", "title"], "title\nA\n", 2, "expected NAME=VALUE"),
        (["--stage-map", "X=nowhere"], "title\nA\n", 2, "unknown stage 'nowhere'"),
        (["--owner-map", "Jane=no way"], "title\nA\n", 2, "must be a login name"),
        (["--keep-ids"], "title\nA\n", 2, "--keep-ids applies to Funnel's own JSON"),
        (["--format", "json"], "[1, 2", 2, "line 1: not valid JSON"),
        (["--format", "json"], '{"a": 1}', 2, "expected a JSON array"),
        ([], b"title\ncaf\xe9\n", 2, "line 2: the file is not UTF-8 text"),
        ([], "", 2, "the file has no header row"),
        ([], 'title\n"unclosed\n', 2, "not valid CSV"),
        ([], "title,created\nA,01/02/2026\nB,13/02/2026\nC,02/13/2026\n", 2, "both day-first"),
    ],
    ids=lambda v: str(v)[:24],
)
def test_each_error_is_one_line_with_its_exit_code(
    funnel: Funnel, tmp_path: Path, args: list[str], content: str | bytes, code: int, message: str
) -> None:
    result = funnel("import", write(tmp_path, "in.csv", content), *args)
    assert result.exit_code == code
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert not funnel.db.parent.exists()


def test_a_missing_file_is_a_usage_error(funnel: Funnel, tmp_path: Path) -> None:
    result = funnel("import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "nope.csv" in result.stderr


def test_a_bad_jsonl_line_is_reported_by_its_line(funnel: Funnel, tmp_path: Path) -> None:
    path = write(tmp_path, "in.jsonl", '{"title": "A"}\n\n{"title": \n{"title": "B\\u001b"}\n')
    result = funnel("import", path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "line 3: not valid JSON (Expecting value)",
        "line 4: column 'title' contains a control character; remove it",
    ]


def test_flat_json_objects_import_like_rows(funnel: Funnel, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "in.json",
        json.dumps(
            [
                {
                    "Deal Name": "A",
                    "Amount": 10,
                    "Deal Stage": "closedwon",
                    "Close Date": "2026-10-01",
                    "Create Date": "2026-09-01",
                    "Tags": ["q4", "Big Fish"],
                }
            ]
        ),
    )
    funnel.ok("import", path)
    (deal,) = open_repository(funnel.db).query(status=None)
    assert (deal.status, deal.value, deal.tags) == (Status.WON, 10, ("q4", "big-fish"))


def test_an_empty_table_imports_nothing(funnel: Funnel, tmp_path: Path) -> None:
    result = funnel.ok("import", write(tmp_path, "in.csv", "Deal Name,Amount\n"))
    assert "Nothing to import" in result.stderr
    assert not funnel.db.parent.exists()


def test_export_errors_are_one_line(funnel: Funnel, tmp_path: Path) -> None:
    result = funnel("export", "--format", "json", "--excel")
    assert (result.exit_code, result.stderr.count("\n")) == (2, 1)
    assert "--excel applies to CSV only" in result.stderr
    result = funnel("export", "-o", str(tmp_path / "missing" / "out.csv"))
    assert (result.exit_code, result.stderr.count("\n")) == (5, 1)


def test_bad_rows_with_json_list_the_errors_on_stdout_too(funnel: Funnel, tmp_path: Path) -> None:
    result = funnel(
        "import", write(tmp_path, "in.csv", "Deal Name,Amount\nA,lots\nB,2\n"), "--json"
    )
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["deals"] == 0 and data["errors"] == [
        {
            "where": "line 2",
            "message": "value 'lots' is not an amount (try 12500, 12,500.50 or 12.5k)",
        }
    ]


def test_items_of_a_json_array_that_are_not_deals(funnel: Funnel, tmp_path: Path) -> None:
    result = funnel("import", write(tmp_path, "in.json", '[{"title": "A"}, 3, ["B"]]'))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "item 2: expected a deal (a JSON object), got int",
        "item 3: expected a deal (a JSON object), got list",
    ]


def test_a_dry_run_with_keep_ids_checks_the_ids(
    funnel: Funnel, other: Funnel, tmp_path: Path
) -> None:
    funnel.ok("import", str(FIXTURES / "pipedrive_deals.csv"))
    path = tmp_path / "out.json"
    funnel.ok("export", "-o", str(path))
    other.ok("add", "Takes id 1")
    before = other.fingerprint()
    result = other("import", str(path), "--keep-ids", "--dry-run")
    assert result.exit_code == 1 and "deal 1 cannot keep its id" in result.stderr
    assert other.fingerprint() == before
