"""How long one `add` takes in a fresh process, next to the floors of starting Python.

Builds stores of 1k, 10k and 100k deals (8% open, the rest won or lost, each with a history
of 3 to 6 events) and times, in fresh processes, ``python -c pass``, ``python -c "import
click, tinydb"`` (the floor), the imports an add needs, and a script that opens the repository
and adds one deal, and one that reads the open board (`snapshot(include_closed=False)`, what
the board does at start-up). The commands run in interleaved rounds so that a busy machine slows all of
them alike; the table gives medians and each one's ratio to the floor (the target for an add
is at most 2x).

Every command runs once untimed first, with bytecode writing allowed, so Funnel's modules are
timed from their compiled bytecode, as they are when installed (the floors' modules are
compiled at install time).

    python bench/store_bench.py [--runs 15] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from board import journey
from board.codec import deal_to_json
from board.deal import Deal, DealChanges, DealDraft
from board.stages import DEFAULT_PIPELINE as PIPELINE
from storage.layout import StoreLayout
from storage.transaction import transaction

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

ADD_ONE = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from board.deal import DealDraft
from board.journey import new_deal
from board.stages import DEFAULT_PIPELINE
from storage import open_repository
repo = open_repository(Path(sys.argv[1]))
now = datetime.now(UTC)
draft = DealDraft("Bench lead", company="Bench Ltd")
repo.add(lambda i: new_deal(draft, deal_id=i, pipeline=DEFAULT_PIPELINE, by="bench", now=now))
"""

OPEN_BOARD = """
import sys
from pathlib import Path
from storage import open_repository
open_repository(Path(sys.argv[1])).snapshot(include_closed=False)
"""


def _shapes() -> tuple[list[Deal], list[Deal]]:
    """Open deals with 3 to 5 events, closed ones with 5 or 6."""
    draft = DealDraft(
        "Prototype",
        company="Northwind Traders",
        contact="Ana Silva",
        value=Decimal("12500.00"),
        source="webinar",
        tags=("enterprise", "emea"),
        notes="Met at the spring webinar.",
    )
    at = [T0 + timedelta(hours=h) for h in range(8)]
    lead = journey.new_deal(draft, deal_id=1, pipeline=PIPELINE, by="maya", now=at[0])
    interested = journey.move(lead, "interest", pipeline=PIPELINE, by="maya", now=at[1])
    mql = journey.move(interested, "consideration", pipeline=PIPELINE, by="maya", now=at[2])
    handed = journey.handoff(mql, pipeline=PIPELINE, by="maya", now=at[3], note="budget ok")
    accepted = journey.accept(handed, by="sam", now=at[4])
    raised = journey.edit(accepted, DealChanges(value=Decimal("14000")), by="sam", now=at[5])
    won = journey.win(raised, pipeline=PIPELINE, by="sam", now=at[6])
    lost = journey.lose(handed, by="sam", now=at[5], reason="went with a competitor")
    won_on_handoff = journey.win(handed, pipeline=PIPELINE, by="sam", now=at[5])
    return [mql, handed, accepted], [won, lost, won_on_handoff]


def _documents(count: int) -> list[dict[str, Any]]:
    open_shapes, closed_shapes = ([deal_to_json(d) for d in group] for group in _shapes())
    docs = []
    for deal_id in range(1, count + 1):
        shapes = open_shapes if deal_id % 25 < 2 else closed_shapes  # 8% open
        shape = shapes[deal_id % len(shapes)]
        docs.append(
            {
                **shape,
                "id": deal_id,
                "title": f"Deal {deal_id}",
                "company": f"Customer {deal_id % 3000}",
            }
        )
    return docs


def build_store(path: Path, size: int) -> None:
    """A store of ``size`` deals, written in one transaction of the store's own module."""
    with transaction(StoreLayout(path), write=True, currency="USD", timeout=60) as txn:
        txn.put_many(_documents(size), new=True)
        txn.bump_next_deal_id(size)


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Build the stores, time the floors and the adds in rounds, print a table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    python = sys.executable
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import click, tinydb'": [python, "-c", "import click, tinydb"],
        "imports of an add": [python, "-c", "import board.journey, storage"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(n) for n in args.sizes.split(",")):
            path = Path(tmp) / f"board-{size}.json"
            start = time.perf_counter()
            build_store(path, size)
            mb = path.stat().st_size / 1e6
            print(
                f"built {size:,} deals in {time.perf_counter() - start:.1f} s"
                f" (main file {mb:.1f} MB)"
            )
            commands[f"add at {size:,} deals"] = [python, "-c", ADD_ONE, str(path)]
            commands[f"open board at {size:,} deals"] = [python, "-c", OPEN_BOARD, str(path)]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for argv in commands.values():
            _timed(argv, env)  # compiles and caches bytecode, warms the page cache
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(_timed(argv, env))
    floor = statistics.median(times["python -c 'import click, tinydb'"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:34} {median:8.1f} ms  {median / floor:5.2f}x the floor")


if __name__ == "__main__":
    main()
