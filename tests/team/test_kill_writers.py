"""200 writers on a team store killed with SIGKILL at random instants: nothing acknowledged lost.

The writers are forked from one process that imported everything once, so a kill costs a
fork, not a Python start-up: 200 kills take seconds. Every write snapshots the store first
(``every=0``), so kills land in the snapshot and rotation code as well as in the commit.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from storage import BackupPolicy, open_repository
from storage.backups import list_backups
from storage.layout import StoreLayout
from storage.store_check import content_problems, read_contents
from tests.storage.conftest import maker
from tests.team.conftest import Store, mode

KILLS = 200
POLICY = "BackupPolicy(keep=3, daily_days=1, every=0)"

FORK_SERVER = f"""
import os, sys
from datetime import UTC, datetime
from pathlib import Path
from board import journey
from board.deal import DealDraft
from board.stages import DEFAULT_PIPELINE as P
from storage import BackupPolicy, open_repository

store = Path(sys.argv[1])
now = datetime(2026, 11, 2, tzinfo=UTC)

def say(*words):  # one write per line: a pipe never splits it, a kill never halves it
    os.write(1, (" ".join(map(str, words)) + "\\n").encode())

def work(n):  # n picks which actions come first: add, win, reopen, delete
    repo = open_repository(store, lock_timeout=30, backups={POLICY})
    while True:
        n += 1
        draft = DealDraft(f"deal {{n}}", stage="customer" if n % 4 == 0 else "purchase")
        deal = repo.add(lambda i: journey.new_deal(draft, deal_id=i, pipeline=P, by="w", now=now))
        say("add", deal.id)
        if n % 3 == 0 and deal.is_open:
            deal = repo.change(deal.id, lambda d: journey.win(d, pipeline=P, by="w", now=now))
            say("change", deal.id, deal.version)
        if n % 4 == 0:
            deal = repo.change(deal.id, lambda d: journey.reopen(d, pipeline=P, by="w", now=now))
            say("change", deal.id, deal.version)
        if n % 7 == 0:
            say("deleting", deal.id)
            repo.delete(deal.id)
            say("delete", deal.id)

while line := sys.stdin.readline():
    command, *args = line.split()
    if command == "fork":
        pid = os.fork()
        if pid == 0:
            try:
                work(int(args[0]))
            finally:
                os._exit(0)
        say("forked", pid)
    else:
        os.waitpid(int(args[0]), 0)
        say("reaped")
"""


@dataclass
class Ledger:
    """What the killed writers acknowledged."""

    added: set[int] = field(default_factory=set)
    deleting: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    versions: dict[int, int] = field(default_factory=dict)

    def note(self, words: list[str]) -> None:
        kind, deal_id = words[0], int(words[1])
        if kind == "add":
            self.added.add(deal_id)
        elif kind == "change":
            self.versions[deal_id] = int(words[2])
        elif kind == "deleting":
            self.deleting.add(deal_id)
        else:
            self.deleted.add(deal_id)


@pytest.fixture
def fork_server(team: Store) -> Iterator[subprocess.Popen[str]]:
    server = subprocess.Popen(
        [sys.executable, "-c", FORK_SERVER, str(team.db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    yield server
    server.kill()
    server.wait()


def _until(server: subprocess.Popen[str], word: str, ledger: Ledger) -> list[str]:
    assert server.stdout is not None
    while True:
        words = server.stdout.readline().split()
        assert words, "the fork server died"
        if words[0] == word:
            return words
        ledger.note(words)


def _send(server: subprocess.Popen[str], line: str) -> None:
    assert server.stdin is not None
    server.stdin.write(line + "\n")
    server.stdin.flush()


def _temps(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_sigkill_at_random_instants_loses_nothing_acknowledged(
    team: Store, fork_server: subprocess.Popen[str]
) -> None:
    rng = random.Random(20261120)
    ledger = Ledger()
    repo = open_repository(team.db, backups=BackupPolicy(keep=3, daily_days=1, every=0))
    # Kills land anywhere in a few writes: the window follows how long a write takes on this
    # machine now (a loaded machine writes slower), so the writers get work done between kills.
    timings = []
    for _ in range(5):
        began = time.monotonic()
        repo.add(maker("timing"))
        timings.append(time.monotonic() - began)
    window = max(0.08, 10 * sorted(timings)[2])
    started = time.monotonic()
    for _ in range(KILLS):
        _send(fork_server, f"fork {rng.randrange(84)}")
        pid = int(_until(fork_server, "forked", ledger)[1])
        time.sleep(rng.uniform(0, window))
        os.kill(pid, signal.SIGKILL)
        _send(fork_server, f"reap {pid}")
        _until(fork_server, "reaped", ledger)

        stored = {deal.id: deal for deal in repo.snapshot().deals}  # parses, or raises
        assert ledger.added - ledger.deleted - ledger.deleting <= stored.keys()
        assert not ledger.deleted & stored.keys()
        for deal_id, version in ledger.versions.items():
            if deal_id not in ledger.deleting:
                assert stored[deal_id].version >= version, deal_id
        assert repo.meta().next_deal_id > max(ledger.added | stored.keys(), default=0)
        repo.add(maker("after the kill"))  # the next write cleans up what the dead one left
        assert _temps(team.db.parent) == []
    elapsed = time.monotonic() - started

    contents = read_contents(StoreLayout(team.db))
    assert contents.findings == []  # every id once, every document valid
    backups = list_backups(StoreLayout(team.db))
    assert backups and all(not content_problems(b.layout(StoreLayout(team.db))) for b in backups)
    files = [p for p in team.db.parent.rglob("*") if p.is_file()]
    dirs = [p for p in team.db.parent.rglob("*") if p.is_dir()]
    assert {oct(mode(p)) for p in files} == {oct(0o660)}
    assert {oct(mode(p)) for p in dirs} == {oct(0o2770)}
    # The writers got real work of every kind done between the kills.
    assert len(ledger.added) > KILLS / 2 and ledger.versions and ledger.deleted
    print(
        f"\n{KILLS} kills in {elapsed:.1f} s: {len(ledger.added)} acknowledged adds,"
        f" {len(ledger.versions)} deals changed, {len(ledger.deleted)} deleted, 0 lost"
    )
