"""Every error path: one line on stderr, the documented exit code, nothing written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli.conftest import Funnel
from tests.cli_runner import assert_one_line_error


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--value", "-5"], ["negative"]),
        (["--value", "nan"], ["not an amount"]),
        (["--value", "inf"], ["not an amount"]),
        (["--value", "1.234"], ["more than two decimal places"]),
        (["--value", "12,50"], ["not an amount"]),
        (
            ["--stage", "purchse"],
            [
                "unknown stage 'purchse'",
                "did you mean 'purchase'",
                "awareness, interest, consideration, purchase, customer",
            ],
        ),
        (["--at", "2099-01-01"], ["future"]),
        (["--at", "last tuesday"], ["not a date"]),
        (["--owner", "two words"], ["owner must be a login name"]),
        (["--company", "evil\x1b[2Jcorp"], ["company contains a control character", "U+001B"]),
        (["--contact", "nul\x00"], ["control character"]),
        (["--source", "rtl\u202eabc"], ["RIGHT-TO-LEFT OVERRIDE"]),
        (["--tag", "two words"], ["spaces"]),
        (["--note", "osc\x1b]8;;x\x07"], ["notes contains a control character"]),
    ],
)
def test_bad_add_options_write_nothing(
    funnel: Funnel, add: Callable[..., int], args: list[str], needles: list[str]
) -> None:
    add("existing")
    before = funnel.fingerprint()
    result = funnel("add", "New deal", *args)
    assert_one_line_error(result, 2, *needles)
    assert funnel.fingerprint() == before


@pytest.mark.parametrize(
    ("title", "needle"),
    [
        ("", "title must not be empty"),
        ("   ", "title must not be empty"),
        ("x" * 201, "201 characters long; the limit is 200"),
        ("\x1b[31mred", "control character"),
        ("bidi\u2066", "control character"),
    ],
)
def test_bad_titles(funnel: Funnel, title: str, needle: str) -> None:
    result = funnel("add", title)
    assert_one_line_error(result, 2, needle)
    assert not funnel.db.exists()


def test_not_found_is_exit_1(funnel: Funnel, add: Callable[..., int]) -> None:
    add("x")
    for args in (
        ["show", "99"],
        ["move", "99", "interest"],
        ["accept", "99"],
        ["log", "99"],
        ["rm", "99", "--yes"],
        ["edit", "99", "--title", "y"],
    ):
        assert_one_line_error(funnel(*args), 1, "99")


@pytest.mark.parametrize(
    ("setup", "args", "needle"),
    [
        ([], ["accept", "1"], "never handed off"),
        ([], ["handoff", "1"], "only a marketing-qualified deal"),
        ([], ["won", "1"], "hand it off to sales first"),
        ([], ["move", "1", "awareness"], "already in Awareness"),
        ([], ["reopen", "1"], "open already"),
        ([], ["edit", "1", "--title", "x"], "nothing to change"),
        ([["lost", "1", "--reason", "gone"]], ["move", "1", "interest"], "reopen it"),
        (
            [["move", "1", "consideration"], ["handoff", "1"], ["accept", "1"]],
            ["move", "1", "interest"],
            "needs a reason",
        ),
        (
            [["move", "1", "consideration"], ["handoff", "1"], ["accept", "1"]],
            ["accept", "1"],
            "already accepted",
        ),
    ],
)
def test_rule_refusals_are_exit_1_and_write_nothing(
    funnel: Funnel, setup: list[list[str]], args: list[str], needle: str
) -> None:
    assert funnel("add", "x").exit_code == 0
    for step in setup:
        assert funnel(*step).exit_code == 0, funnel(*step).stderr
    before = funnel.fingerprint()
    assert_one_line_error(funnel(*args), 1, needle)
    assert funnel.fingerprint() == before


@pytest.mark.parametrize(
    "args",
    [
        ["reject", "1"],  # --reason is required
        ["lost", "1"],
        ["reject", "1", "--reason", "  "],
        ["lost", "1", "--reason", ""],
        ["move", "1"],
        ["move", "1", "nowhere"],
        ["list", "--owner", "a", "--mine"],
        ["list", "--status", "maybe"],
        ["show", "abc"],
        ["show", "0"],
        ["move", "1", "interest", "--at", "2026-13-01"],
        ["add"],
        ["frobnicate"],
    ],
)
def test_bad_usage_is_exit_2_in_one_line(
    funnel: Funnel, add: Callable[..., int], args: list[str]
) -> None:
    add("x")
    before = funnel.fingerprint()
    assert_one_line_error(funnel(*args), 2)
    assert funnel.fingerprint() == before


def test_at_before_previous_event_is_refused(funnel: Funnel) -> None:
    assert funnel("add", "x", "--at", "2026-11-10").exit_code == 0
    assert_one_line_error(
        funnel("move", "1", "interest", "--at", "2026-11-09"), 2, "before the deal's previous event"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"[]",
        b"null",
        b'"x"',
        b"\xff\xfe garbage",
        b"\xef\xbb\xbf{}",
        b'{"deals": {}} trailing',
    ],
)
def test_corrupt_store_is_exit_4_and_left_untouched(funnel: Funnel, content: bytes) -> None:
    funnel.db.parent.mkdir(parents=True)
    funnel.db.write_bytes(content)
    for args in (["list"], ["add", "x"]):
        assert_one_line_error(funnel(*args), 4, str(funnel.db), "restore")
    assert funnel.db.read_bytes() == content


def test_bad_config_names_file_and_key(funnel: Funnel, tmp_path: object) -> None:
    config = funnel.db.parent / "bad.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[[stages]]\nkey = "a"\nteam = "buyers"\n')
    funnel.env["FUNNEL_CONFIG"] = str(config)
    assert_one_line_error(funnel("list"), 2, str(config), "stages[0].team")
