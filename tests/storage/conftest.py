"""Fixtures for storage tests: a repository per backend, a fixed clock, deal builders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from board import journey
from board.deal import Deal, DealDraft
from board.stages import DEFAULT_PIPELINE
from storage import open_repository
from storage.repository import Repository

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
P = DEFAULT_PIPELINE

OpenRepository = Callable[..., Repository]

BACKENDS: dict[str, OpenRepository] = {"tinydb": open_repository}
"""Every Repository implementation; the contract tests run against each."""


def minutes(n: int) -> datetime:
    """The moment n minutes after T0."""
    return T0 + timedelta(minutes=n)


def draft(title: str = "Acme renewal", stage: str = "awareness", **fields: object) -> DealDraft:
    """What a rep would type for a new deal."""
    return DealDraft(title=title, stage=stage, **fields)  # type: ignore[arg-type]


def maker(
    title: str = "Acme renewal", stage: str = "awareness", by: str = "maya", **fields: object
) -> Callable[[int], Deal]:
    """A ``make`` callback for `Repository.add`: the deal built with the id it is given."""

    def make(deal_id: int) -> Deal:
        return journey.new_deal(
            draft(title, stage, **fields), deal_id=deal_id, pipeline=P, by=by, now=T0
        )

    return make


def won(deal: Deal, by: str = "sam", at: int = 5) -> Deal:
    """The deal handed off if needed, then won."""
    if not P.is_sales(deal.stage):
        if deal.stage != P.mql.key:
            deal = journey.move(deal, P.mql.key, pipeline=P, by=by, now=minutes(at - 1))
        deal = journey.handoff(deal, pipeline=P, by=by, now=minutes(at - 1))
    return journey.win(deal, pipeline=P, by=by, now=minutes(at), value=Decimal("900"))


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> OpenRepository:
    """The function that opens a repository of one backend."""
    return BACKENDS[request.param]


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where the store under test lives (nothing there yet)."""
    return tmp_path / "board.json"


@pytest.fixture
def repo(backend: OpenRepository, store_path: Path) -> Repository:
    """A repository on a fresh, empty store."""
    return backend(store_path, lock_timeout=5.0)


def block_file(store_path: Path, kind: str, number: int = 0) -> Path:
    """The file that holds one block of a store now (the one its manifest names)."""
    from storage.layout import Kind, StoreLayout
    from storage.meta_doc import block_generations
    from storage.transaction import transaction

    layout = StoreLayout(store_path)
    with transaction(layout, write=False, currency="USD", timeout=5) as txn:
        generation = block_generations(txn.meta_doc)[(Kind(kind), number)]
    return layout.block((Kind(kind), number), generation)
