"""Every kind of write, killed at every one of its durable steps: the store is as before or after.

Each step of a write (a file created, written, fsynced, renamed, linked or removed, a directory
made or fsynced) calls a test-only hook; ``FUNNEL_CRASH_AT=count`` lists them and
``FUNNEL_CRASH_AT=N`` kills the process with SIGKILL just before step N. For each kind of write
the real ``funnel`` runs once per step on a fresh copy of the same store and dies there; then
the store must read exactly as before the write or exactly as after it, every snapshot must
read, and the next write must succeed and leave no debris. ``N:INT`` sends Ctrl-C there
instead: before the commit point the command says nothing was written and nothing was; after
it, the command finishes and says it succeeded.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from board.codec import deal_to_json, spend_to_json
from storage import open_repository
from storage.backups import list_backups
from storage.layout import StoreLayout
from storage.store_check import content_problems, read_contents

FUNNEL = str(Path(sys.executable).with_name("funnel"))
NOW = "2026-11-20T12:00:00Z"

WRITES: dict[str, tuple[str, ...]] = {
    "add": ("add", "Initech", "--value", "1200"),
    "change": ("move", "1", "interest"),
    "win into a closed block": ("won", "2", "--value", "5000"),
    "delete": ("rm", "3", "--yes"),
    "import": ("import", "rows.csv"),
    "restore": ("restore", "--yes"),
    "backup": ("backup",),
    "spend": ("spend", "add", "800", "--team", "sales", "--channel", "ads"),
}


@dataclass(frozen=True)
class State:
    """What a store holds, as its users see it."""

    deals: tuple[bytes, ...]
    spend: tuple[bytes, ...]
    next_ids: tuple[int, int]


def state_of(db: Path) -> State:
    import orjson

    snapshot = open_repository(db, backups=None).snapshot()
    return State(
        tuple(orjson.dumps(deal_to_json(d)) for d in snapshot.deals),
        tuple(orjson.dumps(spend_to_json(s)) for s in snapshot.spend),
        (snapshot.meta.next_deal_id, snapshot.meta.next_spend_id),
    )


def funnel(db: Path, *args: str, crash: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FUNNEL_DB": str(db),
        "FUNNEL_CONFIG": str(db.parent / "none.toml"),
        "FUNNEL_NOW": NOW,
        "FUNNEL_CRASH_AT": crash,
    }
    return subprocess.run(
        [FUNNEL, *args],
        cwd=db.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three deals and a spend entry, snapshotted, then a fourth; the rows of an import beside.

    The import's 1,100 rows start a second block of ids, so it writes several block files.
    """
    db = tmp_path_factory.mktemp("pristine") / "store" / "board.json"
    db.parent.mkdir()
    for args in (
        ("add", "Acme renewal", "--value", "12k"),
        ("add", "Globex seats", "--stage", "purchase", "--value", "30k"),
        ("add", "Hooli pilot"),
        ("spend", "add", "300", "--team", "marketing", "--channel", "webinar"),
        ("backup",),
        ("add", "Initech, after the snapshot"),
    ):
        assert funnel(db, *args).returncode == 0
    rows = ["Deal,Company,Amount,Stage"]
    rows += [f"Deal {i},Company {i % 40},{100 + i},interest" for i in range(1100)]
    (db.parent / "rows.csv").write_text("\n".join(rows) + "\n")
    return db


def fresh_copy(pristine: Path, where: Path, write: str) -> Path:
    """The pristine store copied; its snapshots dropped unless the write restores one, so the
    write takes an automatic snapshot first and its steps are killed too."""
    target = where / "store"
    shutil.copytree(pristine.parent, target, symlinks=True)
    if write != "restore":
        shutil.rmtree(target / "board.backups")
    return target / pristine.name


def crash_points(pristine: Path, where: Path, write: str) -> list[str]:
    db = fresh_copy(pristine, where, write)
    result = funnel(db, *WRITES[write], crash="count")
    assert result.returncode == 0, result.stderr
    return re.findall(r"^crash-point \d+: (.*)$", result.stderr, flags=re.M)


def check_whole(db: Path) -> None:
    """The store and every snapshot read in full; the next write works and leaves nothing."""
    assert [f for f in read_contents(StoreLayout(db)).findings if f.check != "temp"] == []
    for backup in list_backups(StoreLayout(db)):
        assert content_problems(backup.layout(StoreLayout(db))) == [], backup.name
    assert funnel(db, "add", "After the crash").returncode == 0
    assert read_contents(StoreLayout(db)).findings == []
    assert not [p for p in db.parent.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow
@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_write_killed_at_any_of_its_steps_leaves_the_store_before_or_after(
    pristine: Path, tmp_path: Path, write: str
) -> None:
    points = crash_points(pristine, tmp_path / "count", write)
    assert len(points) >= 4, points  # it really writes: at least a file, an fsync, a rename
    before = state_of(fresh_copy(pristine, tmp_path / "before", write))
    done = fresh_copy(pristine, tmp_path / "after", write)
    assert funnel(done, *WRITES[write]).returncode == 0
    after = state_of(done)
    if write != "backup":
        assert after != before
    outcomes = []
    for n, point in enumerate(points, start=1):
        db = fresh_copy(pristine, tmp_path / f"kill-{n}", write)
        result = funnel(db, *WRITES[write], crash=str(n))
        assert result.returncode == -signal.SIGKILL, (n, point, result.stderr)
        state = state_of(db)
        assert state in (before, after), (n, point)
        outcomes.append("after" if state == after and after != before else "before")
        check_whole(db)
        shutil.rmtree(db.parent)
    # The store changes at one step, and only there: before it every kill leaves it as it
    # was, from it on as it will be.
    if write != "backup":
        flip = outcomes.index("after")
        assert outcomes == ["before"] * flip + ["after"] * (len(outcomes) - flip), outcomes
        assert points[flip - 1].startswith("rename") and points[flip - 1].endswith("board.json")


@pytest.mark.slow
@pytest.mark.parametrize("write", ["import", "win into a closed block"])
def test_ctrl_c_before_the_commit_point_writes_nothing_and_after_it_finishes(
    pristine: Path, tmp_path: Path, write: str
) -> None:
    points = crash_points(pristine, tmp_path / "count", write)
    before = state_of(fresh_copy(pristine, tmp_path / "before", write))
    done = fresh_copy(pristine, tmp_path / "after", write)
    assert funnel(done, *WRITES[write]).returncode == 0
    after = state_of(done)
    commit = next(
        n for n, p in enumerate(points, 1) if p.startswith("rename") and p.endswith("board.json")
    )
    for n in sorted({1, commit - 1, commit, commit + 1, len(points)}):
        db = fresh_copy(pristine, tmp_path / f"int-{n}", write)
        result = funnel(db, *WRITES[write], crash=f"{n}:INT")
        # The last look for Ctrl-C is just before the rename of the manifest: a signal from
        # there on finds the write committing, and the command finishes it.
        if n < commit:
            assert result.returncode == 130, (n, result.stderr)
            assert result.stderr.strip().endswith("Interrupted; nothing was written.")
            assert state_of(db) == before
        else:
            assert result.returncode == 0, (n, result.stderr)
            assert "Interrupted" not in result.stderr
            assert state_of(db) == after
        check_whole(db)
