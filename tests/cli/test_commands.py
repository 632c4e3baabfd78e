"""Every command's happy path, asserting on output and on the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from board.cli.context import os_login
from tests.cli.conftest import NOW, Funnel


def test_add_prints_the_new_id_and_ids_are_never_reused(
    funnel: Funnel, add: Callable[..., int]
) -> None:
    assert add("first") == 1
    assert add("second") == 2
    assert funnel("rm", "2", "--yes").exit_code == 0
    assert add("third") == 3


def test_add_json_is_the_documented_deal(funnel: Funnel) -> None:
    deal: Any = funnel.json(
        "add",
        "Acme renewal",
        "--company",
        "Acme",
        "--contact",
        "Ada",
        "--value",
        "12,500.50",
        "--stage",
        "consideration",
        "--source",
        "Webinar",
        "--tag",
        "q4",
        "--tag",
        "VIP",
        "--note",
        "warm",
    )
    assert deal["id"] == 1 and deal["value"] == "12500.50" and deal["currency"] == "USD"
    assert (deal["stage"], deal["status"], deal["owner"]) == ("consideration", "open", os_login())
    assert (deal["source"], deal["tags"], deal["notes"]) == ("webinar", ["q4", "vip"], "warm")
    assert deal["created_at"] == NOW and deal["version"] == 1 and deal["handoff"] is None
    assert deal["history"] == [
        {"at": NOW, "by": os_login(), "kind": "created", "to": "consideration"}
    ]


def test_add_back_dated_with_at(funnel: Funnel) -> None:
    deal: Any = funnel.json("add", "Old lead", "--at", "2026-11-01")
    assert deal["created_at"] == "2026-11-01T00:00:00Z"
    assert deal["updated_at"] == NOW


def test_full_journey_through_the_handoff(funnel: Funnel, add: Callable[..., int]) -> None:
    deal_id = str(add("Globex expansion", "--value", "20k"))
    assert funnel("move", deal_id, "consideration").exit_code == 0
    handed: Any = funnel.json("handoff", deal_id, "--note", "budget confirmed")
    assert handed["stage"] == "purchase"
    assert handed["handoff"]["by"] == os_login() and handed["handoff"]["note"] == "budget confirmed"
    assert handed["handoff"]["accepted_at"] is None
    accepted: Any = funnel.json("accept", deal_id)
    assert accepted["handoff"]["accepted_at"] == NOW
    won: Any = funnel.json("won", deal_id, "--value", "22,000")
    assert (won["status"], won["stage"], won["value"], won["won_at"]) == (
        "won",
        "customer",
        "22000.00",
        NOW,
    )
    reopened: Any = funnel.json("reopen", deal_id)
    assert (reopened["status"], reopened["stage"]) == ("open", "purchase")
    lost: Any = funnel.json("lost", deal_id, "--reason", "went with a competitor")
    assert (lost["status"], lost["lost_reason"]) == ("lost", "went with a competitor")
    shown: Any = funnel.json("show", deal_id)
    assert [e["kind"] for e in shown["history"]] == [
        "created",
        "moved",
        "handoff",
        "accepted",
        "won",
        "reopened",
        "lost",
    ]
    assert shown["version"] == 7


def test_reject_sends_back_to_mql(funnel: Funnel, add: Callable[..., int]) -> None:
    deal_id = str(add("x", "--stage", "consideration"))
    funnel("handoff", deal_id)
    rejected: Any = funnel.json("reject", deal_id, "--reason", "no budget")
    assert rejected["stage"] == "consideration"
    assert rejected["handoff"]["reason"] == "no budget"
    assert rejected["handoff"]["rejected_by"] == os_login()


def test_move_back_across_the_line_with_reason_rejects(
    funnel: Funnel, add: Callable[..., int]
) -> None:
    deal_id = str(add("x", "--stage", "consideration"))
    funnel("move", deal_id, "purchase")
    moved: Any = funnel.json("move", deal_id, "consideration", "--reason", "too early")
    assert moved["handoff"]["rejected_at"] == NOW


def test_edit_changes_only_given_fields(funnel: Funnel, add: Callable[..., int]) -> None:
    deal_id = str(add("x", "--tag", "a", "--tag", "b"))
    edited: Any = funnel.json(
        "edit",
        deal_id,
        "--value",
        "15k",
        "--owner",
        "bob",
        "--tag",
        "c",
        "--untag",
        "a",
        "--title",
        "Acme 2",
    )
    assert (edited["value"], edited["owner"], edited["tags"], edited["title"]) == (
        "15000.00",
        "bob",
        ["b", "c"],
        "Acme 2",
    )
    assert edited["history"][-1]["kind"] == "edited"
    assert set(edited["history"][-1]["changes"]) == {"value", "owner", "tags", "title"}


def test_list_filters_and_json(funnel: Funnel, add: Callable[..., int]) -> None:
    add("a")
    add("b", "--owner", "bob", "--stage", "purchase")
    third = add("c", "--stage", "purchase")
    funnel("lost", str(third), "--reason", "gone")
    assert [d["title"] for d in funnel.json("list")] == ["a", "b"]  # type: ignore[union-attr]
    assert [d["title"] for d in funnel.json("list", "--owner", "bob")] == ["b"]  # type: ignore[union-attr]
    assert [d["title"] for d in funnel.json("list", "--mine")] == ["a"]  # type: ignore[union-attr]
    assert [d["title"] for d in funnel.json("list", "--status", "all")] == ["a", "b", "c"]  # type: ignore[union-attr]
    assert [d["title"] for d in funnel.json("list", "--status", "lost")] == ["c"]  # type: ignore[union-attr]
    assert [d["title"] for d in funnel.json("list", "--stage", "purchase")] == ["b"]  # type: ignore[union-attr]
    listed: Any = funnel.json("list")
    assert "history" not in listed[0]


def test_list_search_finds_every_word_in_any_field(funnel: Funnel, add: Callable[..., int]) -> None:
    add("Acme renewal", "--company", "Acme Corp", "--tag", "priority")
    add("Globex pilot", "--company", "Globex", "--source", "webinar")
    lost = add("Acme expansion", "--company", "Acme Corp")
    funnel("lost", str(lost), "--reason", "no budget")

    def titles(*args: str) -> list[str]:
        found: Any = funnel.json("list", *args)
        return [deal["title"] for deal in found]

    assert titles("--search", "acme") == ["Acme renewal"]
    assert titles("--search", "ACME", "--status", "all") == ["Acme renewal", "Acme expansion"]
    assert titles("--search", "acme priority") == ["Acme renewal"]  # every word, any field
    assert titles("--search", "webinar") == ["Globex pilot"]
    assert titles("--search", "nothing") == []


def test_list_human_table(funnel: Funnel, add: Callable[..., int]) -> None:
    add("Acme renewal", "--value", "12.5k", "--company", "Acme")
    result = funnel("list")
    header, row = result.stdout.splitlines()
    assert header.split() == ["ID", "STAGE", "TITLE", "COMPANY", "VALUE", "OWNER", "AGE", "FLAGS"]
    assert "Acme renewal" in row and "$12,500" in row and "awareness" in row


def test_empty_list_says_how_to_start(funnel: Funnel) -> None:
    result = funnel("list")
    assert result.exit_code == 0 and result.stdout == ""
    assert 'funnel add "Title"' in result.stderr


def test_show_human_has_fields_and_timeline(funnel: Funnel, add: Callable[..., int]) -> None:
    deal_id = str(add("Acme", "--stage", "consideration", "--note", "line one\nline two"))
    funnel("handoff", deal_id, "--note", "hot")
    out = funnel("show", deal_id).stdout
    assert "#1  Acme" in out and "awaiting accept (24h left)" in out
    assert "line two" in out
    assert "handoff Consideration → Purchase: hot" in out
    # The same moments as the board's detail view, not raw ISO stamps.
    assert "Created  2026-11-20 12:00 UTC (just now)" in out
    assert "Handoff  2026-11-20 12:00 UTC (just now) by" in out


def test_log_whole_board_and_one_deal(funnel: Funnel, add: Callable[..., int]) -> None:
    add("a")
    second = str(add("b"))
    funnel("move", second, "interest")
    events: Any = funnel.json("log")
    assert [(e["deal"], e["kind"]) for e in events] == [
        (1, "created"),
        (2, "created"),
        (2, "moved"),
    ]
    assert [e["kind"] for e in funnel.json("log", second)] == ["created", "moved"]  # type: ignore[union-attr]
    assert "moved Awareness → Interest" in funnel("log", second).stdout


def test_stages_json(funnel: Funnel) -> None:
    stages: Any = funnel.json("stages")
    assert [s["key"] for s in stages] == [
        "awareness",
        "interest",
        "consideration",
        "purchase",
        "customer",
    ]
    assert stages[3] == {
        "key": "purchase",
        "label": "Purchase",
        "team": "sales",
        "question": "I'm ready to buy",
        "lifecycle": "SQL",
        "probability": 0.5,
        "rot_days": 14,
    }
    assert "handoff: marketing → sales" in funnel("stages").stdout


def test_team_config_beside_the_store(funnel: Funnel) -> None:
    funnel.db.parent.mkdir(parents=True, exist_ok=True)
    (funnel.db.parent / "funnel.toml").write_text('currency = "EUR"\nhandoff_sla_hours = 8\n')
    del funnel.env["FUNNEL_CONFIG"]
    funnel.env["XDG_CONFIG_HOME"] = str(funnel.db.parent / "xdg")
    assert funnel("config", "path").stdout.strip() == str(funnel.db.parent / "funnel.toml")
    shown: Any = funnel.json("config", "show")
    assert shown["currency"] == "EUR" and shown["handoff_sla_hours"] == 8
    deal: Any = funnel.json("add", "x")
    assert deal["currency"] == "EUR"


def test_demo_fills_an_empty_store_once(funnel: Funnel) -> None:
    result = funnel("demo")
    assert result.exit_code == 0 and "Added 80 sample deals" in result.stderr
    deals: Any = funnel.json("list", "--status", "all")
    assert len(deals) == 80 and len({d["owner"] for d in deals}) >= 4
    refused = funnel("demo")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert funnel("demo", "--force", "--count", "5").exit_code == 0
    assert len(funnel.json("list", "--status", "all")) == 85  # type: ignore[arg-type]


def test_rm_asks_when_interactive_and_refuses_without_yes_otherwise(
    funnel: Funnel, add: Callable[..., int]
) -> None:
    add("x")
    result = funnel("rm", "1")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert funnel("show", "1").exit_code == 0


def test_version_and_no_command(funnel: Funnel) -> None:
    result = funnel("--version")
    assert result.exit_code == 0 and "funnel, version" in result.stdout
