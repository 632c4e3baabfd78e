"""CLI fixtures: a real store in a temp dir, a pinned clock, and a runner that keeps stderr apart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_runner import NOW, Funnel, make_funnel

__all__ = ["NOW", "Funnel"]


@pytest.fixture
def funnel(tmp_path: Path) -> Funnel:
    """A `Funnel` on an empty store under tmp_path, clock pinned to NOW."""
    return make_funnel(tmp_path)


@pytest.fixture
def add(funnel: Funnel) -> Callable[..., int]:
    """Add a deal and return its id."""

    def _add(title: str = "Acme renewal", *args: str) -> int:
        result = funnel("add", title, *args)
        assert result.exit_code == 0, result.stderr
        return int(result.stdout)

    return _add
