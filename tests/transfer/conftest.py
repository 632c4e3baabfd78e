"""Transfer fixtures: the pinned clock, the sample exports, and a `funnel` on a temp store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from board.cli import cli
from board.stages import DEFAULT_PIPELINE
from board.transfer.import_plan import ImportContext

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent.parent / "fixtures"
IMPORTER = "importer"


def context(first_id: int = 1) -> ImportContext:
    """Importing as `IMPORTER` at `NOW` into the default pipeline."""
    return ImportContext(DEFAULT_PIPELINE, IMPORTER, NOW, first_id=first_id)


@dataclass
class Funnel:
    """Runs ``funnel`` in-process against one temp store, clock pinned to `NOW`."""

    db: Path
    env: dict[str, str]

    def __call__(self, *args: str, input: bytes | str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=self.env, input=input,
                                  catch_exceptions=False)

    def ok(self, *args: str, input: bytes | str | None = None) -> Result:
        """Run and assert success."""
        result = self(*args, input=input)
        assert result.exit_code == 0, result.stderr
        return result

    def fingerprint(self) -> str:
        """A digest of every file of the store, to prove a command wrote nothing."""
        digest = hashlib.sha256()
        for path in sorted(self.db.parent.rglob("*")):
            if path.is_file() and not path.name.endswith(".lock"):
                digest.update(path.name.encode() + path.read_bytes())
        return digest.hexdigest()


def make_funnel(root: Path) -> Funnel:
    """A `Funnel` on an empty store under ``root``."""
    db = root / "team" / "board.json"
    return Funnel(db, {"FUNNEL_DB": str(db), "FUNNEL_CONFIG": str(root / "none.toml"),
                       "FUNNEL_NOW": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")})


@pytest.fixture
def funnel(tmp_path: Path) -> Funnel:
    """A `Funnel` on an empty store."""
    return make_funnel(tmp_path / "a")


@pytest.fixture
def other(tmp_path: Path) -> Funnel:
    """A second, fresh store: where exports are imported back."""
    return make_funnel(tmp_path / "b")
