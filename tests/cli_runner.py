"""Runs ``funnel`` in-process against one store, for the CLI tests of every package."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from click.testing import CliRunner, Result

from board.cli import cli

NOW = "2026-11-20T12:00:00Z"


@dataclass
class Funnel:
    """``funnel`` on the store ``db``; ``env`` (store, config, clock) is set for every run."""

    db: Path
    env: dict[str, str]

    def __call__(self, *args: str, input: bytes | str | None = None) -> Result:
        return CliRunner().invoke(
            cli, list(args), env=self.env, input=input, catch_exceptions=False
        )

    def ok(self, *args: str, input: bytes | str | None = None) -> Result:
        """Run and assert success."""
        result = self(*args, input=input)
        assert result.exit_code == 0, result.stderr
        return result

    def json(self, *args: str) -> Any:
        """Run with ``--json`` and parse stdout, asserting success."""
        return orjson.loads(self.ok(*args, "--json").stdout)

    def fingerprint(self) -> str:
        """A digest of every file of the store, to prove a command wrote nothing."""
        digest = hashlib.sha256()
        for path in sorted(self.db.parent.rglob("*")):
            if path.is_file() and not path.name.endswith(".lock"):
                digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()


def make_funnel(root: Path) -> Funnel:
    """A `Funnel` on an empty store under ``root``, clock pinned to NOW, no config file."""
    db = root / "team" / "board.json"
    return Funnel(
        db, {"FUNNEL_DB": str(db), "FUNNEL_CONFIG": str(root / "none.toml"), "FUNNEL_NOW": NOW}
    )


def assert_one_line_error(result: Result, code: int, *needles: str) -> None:
    """The error contract: exit ``code``, one ``Error:`` line on stderr holding each needle."""
    assert result.exit_code == code, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert result.stdout == ""
