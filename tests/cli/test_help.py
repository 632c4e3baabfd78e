"""Every command has help with an example, reachable with -h and --help."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from board.cli import cli
from tests.cli.conftest import Funnel


def walk(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))


COMMANDS = list(walk(cli))


def test_the_tree_has_the_contracted_commands() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {
        "add",
        "list",
        "show",
        "move",
        "handoff",
        "accept",
        "reject",
        "won",
        "lost",
        "reopen",
        "edit",
        "rm",
        "log",
        "stages",
        "demo",
        "config path",
        "config show",
    } <= names


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_has_an_example(funnel: Funnel, path: tuple[str, ...]) -> None:
    for flag in ("-h", "--help"):
        result = funnel(*path, flag)
        assert result.exit_code == 0, result.stderr
        assert "Example:" in result.stdout
        assert f"funnel {' '.join(path)}" in result.stdout.split("Example:")[1]
