"""The board's session without a terminal: a real store, a colleague writing beside it, the
person's own writes through the same jobs the board queues, undo, and the metrics window."""

from __future__ import annotations

import dataclasses
import platform
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from board import journey
from board.deal import Deal, DealDraft, Status
from board.demo import demo_deals
from board.errors import Conflict
from board.metrics import Window, compute_metrics
from board.settings import Settings
from screens.board_session import BoardSession, Update
from screens.store_writer import Intent, WriteJob
from screens.undo_log import Transition, reverse
from storage import open_repository
from storage.repository import Repository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SETTINGS = Settings()
P = SETTINGS.pipeline


def _add(repo: Repository, title: str, stage: str = "interest", *, at: datetime = NOW) -> Deal:
    return repo.add(
        lambda i: journey.new_deal(
            DealDraft(title=title, stage=stage, value=Decimal(1000)),
            deal_id=i,
            pipeline=P,
            by="theo",
            now=at,
        )
    )


def _close(repo: Repository, deal_id: int, *, at: datetime, won: bool = True) -> Deal:
    def close(deal: Deal) -> Deal:
        if won:
            return journey.win(deal, pipeline=P, by="theo", now=at)
        return journey.lose(deal, by="theo", now=at, reason="price")

    return repo.change(deal_id, close)


def _read(session: BoardSession, *, force: bool = False) -> Update | None:
    fetched = session.fetch(force, session.write_seq)
    return None if fetched is None else session.take(fetched)


def _loaded(repo: Repository) -> BoardSession:
    session = BoardSession(repo, SETTINGS, lambda: NOW)
    first = _read(session, force=True)
    assert first is not None and first.stages is None and not first.metrics
    assert session.loaded and not session.complete  # open deals first: the board can show
    second = _read(session)  # then everything, for the metrics
    assert second is not None and second.metrics and session.complete
    return session


def _metrics_equal_a_full_count(session: BoardSession, repo: Repository) -> None:
    request = session.metrics_request(None)
    assert request is not None
    everything = repo.snapshot().deals
    expected = compute_metrics(
        everything, (), settings=SETTINGS, window=request.window, now=NOW, owner=None
    )
    assert session.compute(request) == expected


def _write(session: BoardSession, repo: Repository, job: WriteJob) -> Transition:
    """What the board's writer thread does with a job, then hands back to the session."""
    session.queued()
    transition = job.write(repo)
    session.written(job, transition, repo.last_write)
    return transition


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return open_repository(tmp_path / "board.json")


@pytest.fixture
def colleague(tmp_path: Path) -> Repository:
    return open_repository(tmp_path / "board.json")


def test_the_session_needs_no_terminal_library() -> None:
    code = "import sys, screens.board_session; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_years_of_closed_deals_are_not_held_whole(repo: Repository) -> None:
    old = NOW - timedelta(days=800)
    for i in range(30):
        deal = _add(repo, f"Old {i}", "purchase", at=old)
        _close(repo, deal.id, at=old + timedelta(days=3), won=i % 3 != 0)
    recent = _add(repo, "Recent", "purchase", at=NOW - timedelta(days=10))
    _close(repo, recent.id, at=NOW - timedelta(days=2))
    _add(repo, "Open")
    session = _loaded(repo)
    # The 90-day window needs the open deal and the recent win whole; the thirty old deals
    # are held as their wins to date only.
    assert sorted(d.title for d in session.deals.values()) == ["Open", "Recent"]
    assert len(session.live) == 2 + 20
    _metrics_equal_a_full_count(session, repo)


def test_a_colleague_change_comes_in_alone_and_touches_its_stages(
    repo: Repository, colleague: Repository
) -> None:
    for i in range(5):
        _add(repo, f"Deal {i}")
    session = _loaded(repo)
    assert _read(session) is None  # nothing changed
    moved = colleague.change(
        3, lambda d: journey.move(d, "consideration", pipeline=P, by="theo", now=NOW)
    )
    update = _read(session)
    assert update is not None
    assert update.stages == {"interest", "consideration"} and update.metrics
    assert session.deals[3] == moved
    _metrics_equal_a_full_count(session, repo)
    colleague.delete(4)
    update = _read(session)
    assert update is not None and update.stages == {"interest"} and 4 not in session.deals
    _metrics_equal_a_full_count(session, repo)


def test_my_write_is_adopted_not_read_back_and_undo_finds_a_closed_deal(
    repo: Repository,
) -> None:
    deal = _add(repo, "Acme", "purchase")
    session = _loaded(repo)

    def win(current: Deal) -> Deal:
        return journey.win(current, pipeline=P, by="maya", now=NOW)

    shown = win(deal)
    assert session.show(deal.id, shown) == {"purchase", "customer"}
    assert session.deals[deal.id].status is Status.WON  # shown before it is written
    job = WriteJob(
        "win",
        lambda r: Transition("win", deal.id, deal, r.change(deal.id, win, expected_version=1)),
    )
    _write(session, repo, job)
    assert not session.saving and not session.pending
    assert _read(session) is None  # my own write is not read back
    # The win is closed, yet kept whole: undo needs the deal as it is now.
    transition = session.undo_log.next_undo()
    assert transition is not None and session.deals[deal.id].version == 2
    undo = WriteJob("win", lambda r: reverse(transition, r, NOW), Intent.UNDO, transition)
    written = _write(session, repo, undo)
    assert written.new is not None and written.new.status is Status.OPEN
    assert session.deals[deal.id].status is Status.OPEN
    _metrics_equal_a_full_count(session, repo)


def test_a_refused_write_drops_what_was_shown_and_reads_again(
    repo: Repository, colleague: Repository
) -> None:
    deal = _add(repo, "Acme")
    session = _loaded(repo)
    colleague.change(deal.id, lambda d: journey.move(d, "awareness", pipeline=P, by="t", now=NOW))
    mine = journey.move(deal, "consideration", pipeline=P, by="maya", now=NOW)
    session.show(deal.id, mine)
    session.queued()
    job = WriteJob("move", lambda r: Transition("move", deal.id, deal, mine))
    with pytest.raises(Conflict) as refused:
        repo.change(deal.id, lambda d: mine, expected_version=1)
    assert session.failed(job, refused.value) == "Changed by someone else"
    assert not session.pending and not session.saving
    update = _read(session)
    assert update is not None and session.deals[deal.id].stage == "awareness"


def test_a_read_that_raced_my_write_is_dropped(repo: Repository) -> None:
    _add(repo, "Acme")
    session = _loaded(repo)
    _add(repo, "Globex")
    fetched = session.fetch(False, session.write_seq)
    assert fetched is not None
    session.queued()
    session.written(
        WriteJob("add", lambda r: Transition("add", 1, None, None)),
        Transition("add", 9, None, None),
        None,
    )
    assert session.take(fetched) is None  # it may predate my write: the next read follows
    update = _read(session)
    assert update is not None and {d.title for d in session.deals.values()} == {"Acme", "Globex"}


def test_a_longer_window_reads_the_store_again_then_counts_right(repo: Repository) -> None:
    old = NOW - timedelta(days=200)
    for i in range(6):
        deal = _add(repo, f"Deal {i}", "purchase", at=old)
        _close(repo, deal.id, at=old + timedelta(days=i), won=i % 2 == 0)
    session = _loaded(repo)
    assert session.window_label == "last 90 days"
    assert session.deals == {}
    assert session.next_window()  # last year: these deals are needed whole now
    assert session.metrics_request(None) is None and not session.complete
    update = _read(session)
    assert update is not None and update.metrics and session.complete
    assert len(session.deals) == 6
    _metrics_equal_a_full_count(session, repo)
    assert session.next_window()  # all time: the store may hold older deals, so read again
    assert _read(session) is not None and session.live.horizon is None
    _metrics_equal_a_full_count(session, repo)
    assert not session.next_window()  # back to 30 days: fewer are needed, none missing
    request = session.metrics_request("theo")
    assert request is not None and request.window == Window(NOW - timedelta(days=30), NOW)


def test_undo_and_redo_find_an_old_closed_deal_i_touched(repo: Repository) -> None:
    """A deal closed years ago is held as figures only, unless I changed it: undo and redo
    must see it as it is now to know nobody else changed it since."""
    old = NOW - timedelta(days=800)
    deal = _close(repo, _add(repo, "Old", "purchase", at=old).id, at=old, won=False)
    session = _loaded(repo)
    assert deal.id not in session.deals  # settled: a loss long before the window

    def reopen(current: Deal) -> Deal:
        return journey.reopen(current, pipeline=P, by="maya", now=NOW)

    session.show(deal.id, reopen(deal))
    job = WriteJob(
        "reopen",
        lambda r: Transition(
            "reopen", deal.id, deal, r.change(deal.id, reopen, expected_version=2)
        ),
    )
    _write(session, repo, job)
    transition = session.undo_log.next_undo()
    assert transition is not None
    _write(
        session,
        repo,
        WriteJob("reopen", lambda r: reverse(transition, r, NOW), Intent.UNDO, transition),
    )
    # Lost again at its old date, yet still held whole: the redo can check it.
    assert session.deals[deal.id].status is Status.LOST
    redo = session.undo_log.next_redo()
    assert redo is not None and redo.new is not None
    assert session.deals[deal.id].version == redo.new.version
    _metrics_equal_a_full_count(session, repo)


RSS_AFTER_A_WHOLE_READ = """
import sys
from datetime import UTC, datetime
from board.settings import Settings
import screens.board_session as board_session
from storage import open_repository
if sys.argv[2] == "keep":  # what the board did before it handed freed memory back
    board_session.release_free_memory = lambda: None
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
now = datetime(2026, 11, 20, tzinfo=UTC)
session = board_session.BoardSession(open_repository(sys.argv[1]), Settings(), lambda: now)
for _ in range(3):  # open deals, everything, and everything again: what a board does all day
    before = rss()
    session.take(session.fetch(True, session.write_seq))
print(rss() - before)
"""


@pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc" or not Path("/proc/self/status").exists(),
    reason="the GNU C library's allocator, measured from /proc",
)
def test_a_whole_read_hands_the_memory_it_let_go_back(tmp_path: Path) -> None:
    """Reading years of deals holds their lines for a moment; once the read is taken in, the
    board's memory is what it keeps, not what it read (it stayed ~90 MB larger at 100k)."""
    pool = demo_deals(P, NOW, count=2000, seed=11, days=365)
    store = tmp_path / "board.json"
    open_repository(store).add_many(
        lambda first: [
            dataclasses.replace(pool[i % len(pool)], id=first + i) for i in range(20_000)
        ]
    )
    size = sum(f.stat().st_size for f in tmp_path.rglob("*") if f.is_file()) // 1024

    def growth(mode: str) -> int:
        run = subprocess.run(
            [sys.executable, "-c", RSS_AFTER_A_WHOLE_READ, str(store), mode],
            check=True,
            capture_output=True,
            text=True,
        )
        return int(run.stdout)

    released, kept = growth("release"), growth("keep")
    assert released < size / 2 < kept, (released, size, kept)
