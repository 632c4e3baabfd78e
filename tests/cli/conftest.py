"""CLI fixtures: a real store in a temp dir, a pinned clock, and a runner that keeps stderr apart."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from board.cli import cli

NOW = "2026-11-20T12:00:00Z"


@dataclass
class Funnel:
    """Runs ``funnel`` in-process against one temp store."""

    db: Path
    env: dict[str, str]

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=self.env, input=input,
                                  catch_exceptions=False)

    def json(self, *args: str) -> object:
        """Run with ``--json`` and parse stdout, asserting success."""
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return orjson.loads(result.stdout)

    def fingerprint(self) -> str:
        """A digest of every file of the store, to prove a command wrote nothing."""
        digest = hashlib.sha256()
        for path in sorted(self.db.parent.rglob("*")):
            if path.is_file() and not path.name.endswith(".lock"):
                digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()


@pytest.fixture
def funnel(tmp_path: Path) -> Funnel:
    """A `Funnel` on an empty store under tmp_path, clock pinned to NOW."""
    db = tmp_path / "team" / "board.json"
    return Funnel(db, {"FUNNEL_DB": str(db), "FUNNEL_CONFIG": str(tmp_path / "none.toml"),
                       "FUNNEL_NOW": NOW})


@pytest.fixture
def add(funnel: Funnel) -> Callable[..., int]:
    """Add a deal and return its id."""

    def _add(title: str = "Acme renewal", *args: str) -> int:
        result = funnel("add", title, *args)
        assert result.exit_code == 0, result.stderr
        return int(result.stdout)

    return _add
