"""Eight writers at once on one team store, and two edits from the same stale read."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from storage import open_repository
from storage.layout import StoreLayout
from storage.store_check import read_contents
from tests.storage.conftest import maker
from tests.team.conftest import FUNNEL, Store

CLI_WRITERS = 6
ROUNDS = 3
SEEDED = 4

# One rep at the command line: adds a deal, then edits one of the seeded deals, ROUNDS times.
# An add is acknowledged by its id on stdout, an edit by "edit N" after `funnel` exits 0.
CLI_LOOP = f"""
for i in $(seq {ROUNDS}); do
  {FUNNEL} add "cli $1 $i" || exit 1
  deal=$(( (i + $1) % {SEEDED} + 1 ))
  {FUNNEL} edit $deal --note "cli $1 $i" 2>/dev/null && echo "edit $deal"
done
"""

# A board: reads the open deals, edits one with the version it read (a colleague's change in
# between makes that a conflict, as on the board), and adds a deal now and then.
BOARD = """
import random, sys, time
from datetime import UTC, datetime
from pathlib import Path
from board import journey
from board.deal import DealChanges, DealDraft
from board.errors import Conflict
from board.stages import DEFAULT_PIPELINE as P
from storage import open_repository

repo = open_repository(Path(sys.argv[1]), lock_timeout=30)
name, rng, now = sys.argv[2], random.Random(sys.argv[2]), datetime(2026, 11, 20, 12, tzinfo=UTC)
for n in range(int(sys.argv[3])):
    deals = repo.snapshot(include_closed=False).deals
    seen = rng.choice(deals)
    time.sleep(rng.uniform(0, 0.05))  # a person looks before they type
    try:
        done = repo.change(seen.id, lambda d: journey.edit(
            d, DealChanges(notes=f"{name} {n}"), by=name, now=now), expected_version=seen.version)
        print("edit", done.id, flush=True)
    except Conflict:
        print("conflict", seen.id, flush=True)
    if n % 3 == 0:
        draft = DealDraft(f"{name} {n}", stage="interest")
        added = repo.add(lambda i: journey.new_deal(draft, deal_id=i, pipeline=P, by=name, now=now))
        print(added.id, flush=True)
"""


@pytest.mark.slow
def test_eight_writers_lose_nothing_and_never_share_an_id(team: Store, tmp_path: Path) -> None:
    (team.db.parent / "funnel.toml").write_text("lock_timeout = 60\n")
    env = {**os.environ, **team.env, "FUNNEL_CONFIG": str(team.db.parent / "funnel.toml")}
    open_repository(team.db).add_many(
        lambda first: [maker(f"seed {n}")(first + n) for n in range(SEEDED)]
    )
    started = time.monotonic()
    writers = [
        subprocess.Popen(
            ["sh", "-c", CLI_LOOP, "sh", str(w)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(CLI_WRITERS)
    ]
    writers += [
        subprocess.Popen(
            [sys.executable, "-c", BOARD, str(team.db), f"board{b}", "12"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for b in range(2)
    ]
    lines: list[str] = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        lines += out.splitlines()
    elapsed = time.monotonic() - started

    added = [int(line) for line in lines if line.isdigit()]
    acks = [line.split() for line in lines]
    edits = Counter(int(words[1]) for words in acks if words[0] == "edit")
    conflicts = sum(1 for words in acks if words[0] == "conflict")
    deals = {deal.id: deal for deal in open_repository(team.db).snapshot().deals}
    assert len(added) == CLI_WRITERS * ROUNDS + 2 * 4
    assert len(deals) == SEEDED + len(added) and set(added) <= deals.keys()
    assert len(set(added)) == len(added)
    assert read_contents(StoreLayout(team.db)).findings == []  # no id in two places
    for deal_id, deal in deals.items():
        assert deal.version == 1 + edits[deal_id], (deal_id, deal.version, edits[deal_id])
    print(
        f"\n8 writers in {elapsed:.1f} s: {len(added)} adds, {sum(edits.values())} edits,"
        f" {conflicts} refused as conflicts, 0 lost"
    )


STALE = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from board import journey
from board.deal import DealChanges
from board.errors import Conflict
from storage import open_repository

repo = open_repository(Path(sys.argv[1]), lock_timeout=10)
seen = repo.get(1)
print("read", seen.version, flush=True)
sys.stdin.readline()  # both have read: now both write
try:
    repo.change(1, lambda d: journey.edit(d, DealChanges(notes=sys.argv[2]), by=sys.argv[2],
                now=datetime(2026, 11, 20, 12, tzinfo=UTC)), expected_version=seen.version)
    print("applied", flush=True)
except Conflict as exc:
    print("refused", exc, flush=True)
"""


def test_two_edits_from_stale_reads_one_applied_one_refused(team: Store) -> None:
    team.ok("add", "Acme")
    reps = [
        subprocess.Popen(
            [sys.executable, "-c", STALE, str(team.db), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("maya", "sam")
    ]
    for rep in reps:
        assert rep.stdout is not None and rep.stdout.readline() == "read 1\n"
    outcomes = [rep.communicate("go\n", timeout=30)[0] for rep in reps]
    assert sorted(line.split()[0] for line in outcomes) == ["applied", "refused"]
    refused = next(line for line in outcomes if line.startswith("refused"))
    deal = open_repository(team.db).get(1)
    assert deal.version == 2 and deal.notes in ("maya", "sam")
    assert f"changed by {deal.notes}" in refused and "reload it and try again" in refused
