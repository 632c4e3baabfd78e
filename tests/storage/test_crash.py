"""A writer killed with SIGKILL at random instants never costs an acknowledged change."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.tinydb_store import TinyDBRepository
from tests.storage.conftest import maker

# Adds deals (some created as customers, so straight into the archive), wins, reopens and
# deletes some, and acknowledges each change on stdout only after the repository returned.
WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from board import journey
from board.deal import DealDraft
from board.stages import DEFAULT_PIPELINE as P
from storage import open_repository

repo = open_repository(Path(sys.argv[1]), lock_timeout=30)
now = datetime(2026, 11, 2, tzinfo=UTC)
n = 0
while True:
    n += 1
    draft = DealDraft(f"deal {n}", stage="customer" if n % 4 == 0 else "purchase")
    deal = repo.add(lambda i: journey.new_deal(draft, deal_id=i, pipeline=P, by="w", now=now))
    print("add", deal.id, flush=True)
    if n % 3 == 0 and deal.is_open:
        deal = repo.change(deal.id, lambda d: journey.win(d, pipeline=P, by="w", now=now))
        print("change", deal.id, deal.version, flush=True)
    if n % 4 == 0:
        deal = repo.change(deal.id, lambda d: journey.reopen(d, pipeline=P, by="w", now=now))
        print("change", deal.id, deal.version, flush=True)
    if n % 7 == 0:
        print("deleting", deal.id, flush=True)  # a kill from here on may or may not delete it
        repo.delete(deal.id)
        print("delete", deal.id, flush=True)
"""

KILLS = 100


def _acknowledged(output: str) -> list[list[str]]:
    lines = output.split("\n")[:-1]  # a line cut by the kill has no newline: not acknowledged
    return [line.split() for line in lines]


@pytest.mark.slow
def test_sigkill_at_random_instants(store_path: Path) -> None:
    rng = random.Random(20261102)
    added: set[int] = set()
    deleted: set[int] = set()
    deleting: set[int] = set()
    versions: dict[int, int] = {}
    for _ in range(KILLS):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store_path)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None
        first = writer.stdout.readline()
        time.sleep(rng.uniform(0, 0.08))
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate()
        for ack in _acknowledged(first + rest):
            if ack[0] == "add":
                added.add(int(ack[1]))
            elif ack[0] == "change":
                versions[int(ack[1])] = int(ack[2])
            elif ack[0] == "deleting":
                deleting.add(int(ack[1]))
            else:
                deleted.add(int(ack[1]))

        repo = TinyDBRepository(store_path)
        stored = {deal.id: deal for deal in repo.snapshot().deals}
        assert added - deleted - deleting <= stored.keys()
        assert not deleted & stored.keys()
        for deal_id, version in versions.items():
            if deal_id not in deleting:
                assert stored[deal_id].version >= version
        assert repo.meta().next_deal_id > max(added | stored.keys())

        repo.add(maker("after the crash"))  # the next write cleans up what the dead one left
        assert not list(store_path.parent.rglob("*.tmp"))
    assert len(added) > KILLS  # the writers got real work done between the kills
