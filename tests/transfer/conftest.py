"""Transfer fixtures: the pinned clock, the sample exports, and a `funnel` on a temp store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from board.stages import DEFAULT_PIPELINE
from board.transfer.import_plan import ImportContext
from tests.cli_runner import Funnel, make_funnel

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent.parent / "fixtures"
IMPORTER = "importer"


def context(first_id: int = 1) -> ImportContext:
    """Importing as `IMPORTER` at `NOW` into the default pipeline."""
    return ImportContext(DEFAULT_PIPELINE, IMPORTER, NOW, first_id=first_id)


@pytest.fixture
def funnel(tmp_path: Path) -> Funnel:
    """A `Funnel` on an empty store."""
    return make_funnel(tmp_path / "a")


@pytest.fixture
def other(tmp_path: Path) -> Funnel:
    """A second, fresh store: where exports are imported back."""
    return make_funnel(tmp_path / "b")
