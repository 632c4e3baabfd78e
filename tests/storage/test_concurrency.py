"""Several processes writing one store at once: every add lands, once, under its own id (against
every backend)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from storage import open_repository

ADDER = """
import sys
from pathlib import Path
from board.journey import new_deal
from board.deal import DealDraft
from board.stages import DEFAULT_PIPELINE
from datetime import UTC, datetime

from storage import open_repository

target = sys.argv[1]
repo = open_repository(target if "://" in target else Path(target), lock_timeout=60)
name, count = sys.argv[2], int(sys.argv[3])
now = datetime(2026, 11, 2, tzinfo=UTC)
for n in range(count):
    # Every tenth deal is created as a customer, so archive files are written concurrently too.
    stage = "customer" if n % 10 == 9 else "awareness"
    draft = DealDraft(f"{name} {n}", stage=stage)
    repo.add(lambda i: new_deal(draft, deal_id=i, pipeline=DEFAULT_PIPELINE, by=name, now=now))
"""


@pytest.mark.slow
def test_four_processes_adding_250_deals_each(store_path: Path, backend_name: str) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(store_path), f"rep{n}", "250"])
        for n in range(4)
    ]
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0, 0]
    repo = open_repository(store_path)
    deals = repo.snapshot().deals
    assert [d.id for d in deals] == list(range(1, 1001))
    assert sorted(d.title for d in deals) == sorted(
        f"rep{w} {n}" for w in range(4) for n in range(250)
    )
    assert repo.meta().next_deal_id == 1001
    if backend_name == "tinydb":
        orjson.loads(store_path.read_bytes())  # still one valid JSON document
        assert not list(store_path.parent.rglob("*.tmp"))
