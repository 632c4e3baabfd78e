"""Whatever is typed after ``funnel``: never a traceback, always a documented exit code.

Hypothesis drives every command with its own options and generated values: ids from -5 to
2**70, dates from year 1 to 9999 with offsets, amounts of thousands of digits, text with lone
surrogates, bidi and control characters, and bytes that are not UTF-8 (as Python receives them
from a Latin-1 terminal); the clock (``FUNNEL_NOW``) too. The store holds a few deals, one in a
stage the settings dropped.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from board.cli import LAZY_COMMANDS, cli
from storage import open_repository
from tests.storage.conftest import maker

EXIT_CODES = {0, 1, 2, 3, 4, 5}
"""The codes `funnel --help` documents."""

SKIPPED = {"demo"}
"""`demo` makes up to 100,000 deals: right, but slow; its options are checked by click alone."""

UNSAFE_OPTIONS = {"--output", "-o"}
"""Generated paths stay relative to a scratch directory; these would still write files there."""


def _commands() -> dict[str, click.Command]:
    """Every leaf command by its words (``spend add``), loading the lazy ones."""
    ctx = click.Context(cli)
    found: dict[str, click.Command] = {}

    def walk(prefix: str, group: click.Group) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is None or name in SKIPPED:
                continue
            words = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                walk(words, command)
            else:
                found[words] = command

    walk("", cli)
    assert set(LAZY_COMMANDS) - SKIPPED <= {words.split()[0] for words in found}
    return found


COMMANDS = _commands()


def _not_a_path_outside(text: str) -> bool:
    return not text.startswith(("/", "~", "-"))


ODD_TEXT = st.text(
    st.characters(exclude_categories=()),  # surrogates, controls, bidi, private use: all of it
    max_size=12,
)
NOT_UTF8 = st.binary(min_size=1, max_size=8).map(lambda b: b.decode("utf-8", "surrogateescape"))
DATES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.date().isoformat()),
    st.tuples(st.datetimes(), st.integers(-23, 23)).map(
        lambda p: f"{p[0].replace(microsecond=0).isoformat()}{p[1]:+03d}:00"
    ),
    st.sampled_from(["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "0001-01-01"]),
)
NUMBERS = st.one_of(
    st.integers(-5, 2**70).map(str),
    st.integers(1, 3).map(lambda n: "9" * (10**n)),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["٣٤٥", "１２３", "12.5k", "1e400", "-0", "0.001", "١"]),
)
SENSIBLE = st.sampled_from(
    (
        *("1", "2", "3", "awareness", "purchase", "customer", "webinar", "marketing", "sales"),
        *("all", "Acme", "10", "12.5k", "2026-11-01", "2026-11-20T11:00Z", "csv", "json"),
    )
)
"""Values that get past parsing, so that the rules and the store are reached too."""
VALUES = st.one_of(SENSIBLE, SENSIBLE, SENSIBLE, NUMBERS, DATES, ODD_TEXT, NOT_UTF8).filter(
    _not_a_path_outside
)


@st.composite
def invocations(draw: st.DrawFn) -> list[str]:
    """A command's words, its arguments, then a few of its options, values generated."""
    words = draw(st.sampled_from(sorted(COMMANDS)))
    command = COMMANDS[words]
    args = words.split()
    for param in command.params:
        if isinstance(param, click.Argument) and (param.required or draw(st.booleans())):
            args.append(draw(VALUES))
    options = [
        param
        for param in command.params
        if isinstance(param, click.Option)
        and not set(param.opts) & (UNSAFE_OPTIONS | {"--help", "-h"})
    ]
    for _ in range(draw(st.integers(0, 3)) if options else 0):
        option = draw(st.sampled_from(options))
        args.append(draw(st.sampled_from(option.opts)))
        if not option.is_flag:
            args.append(draw(VALUES))
    if draw(st.integers(0, 9)) == 0:  # now and then, something where nothing is expected
        args.append(draw(VALUES))
    return args


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with deals in several stages, one in a stage the settings no longer have."""
    root = tmp_path_factory.mktemp("any-arguments")
    db = root / "store" / "board.json"
    repo = open_repository(db)
    repo.add(maker("plain"))
    repo.add(maker("handed", stage="consideration"))
    repo.add(lambda deal_id: dataclasses.replace(maker("stray")(deal_id), stage="webinar"))
    before = Path.cwd()
    os.chdir(root)  # relative paths that commands make land here
    yield db
    os.chdir(before)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=invocations(), now=st.one_of(st.just("2026-11-20T12:00:00Z"), DATES))
def test_any_arguments_give_a_documented_exit_and_no_traceback(
    scratch: Path, args: list[str], now: str
) -> None:
    env = {
        "FUNNEL_DB": str(scratch),
        "FUNNEL_CONFIG": str(scratch.parent / "none.toml"),
        "FUNNEL_NOW": now,
    }
    result = CliRunner().invoke(cli, args, env=env, input="")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"funnel {args!r} raised") from result.exception
    assert result.exit_code in EXIT_CODES, (args, result.exit_code, result.stderr)
    event(f"exit {result.exit_code}")  # --hypothesis-show-statistics: how many got through
    assert "Traceback" not in result.stderr
    if result.exit_code != 0 and args[0] != "doctor":  # the doctor's findings go to stdout
        lines = result.stderr.strip().splitlines()
        assert lines and lines[-1].startswith("Error: "), (args, result.stderr)
