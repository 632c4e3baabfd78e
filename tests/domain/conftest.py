"""Fixtures for domain tests: a fixed clock and a deal factory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from board import journey
from board.deal import Deal, DealDraft
from board.stages import DEFAULT_PIPELINE

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
P = DEFAULT_PIPELINE


def hours(n: float) -> datetime:
    """The moment n hours after T0."""
    return T0 + timedelta(hours=n)


def make(stage: str = "consideration", **fields: object) -> Deal:
    """A fresh deal created at T0 by maya in the given stage."""
    draft = DealDraft(title=str(fields.pop("title", "Acme renewal")), stage=stage, **fields)  # type: ignore[arg-type]
    return journey.new_deal(draft, deal_id=1, pipeline=P, by="maya", now=T0)


@pytest.fixture
def mql() -> Deal:
    """A deal in the MQL stage."""
    return make("consideration")
