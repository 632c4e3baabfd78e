"""The change feed: what changed since a cursor, costing what changed, for every backend."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

import pytest

from board import journey
from board.deal import Deal, DealChanges
from board.spend import Spend, Team
from storage.repository import Changes, Repository
from tests.storage.conftest import T0, OpenRepository, P, maker, won


def apply(held: dict[int, Deal], changes: Changes) -> dict[int, Deal]:
    """What a reader holds after taking in ``changes``."""
    held = {} if changes.reset else dict(held)
    for deal_id in changes.deleted:
        held.pop(deal_id, None)
    held.update((deal.id, deal) for deal in changes.deals)
    return held


def everything(repo: Repository, *, include_closed: bool = True) -> dict[int, Deal]:
    return {d.id: d for d in repo.snapshot(include_closed=include_closed).deals}


def spend_entry(repo: Repository, amount: str) -> Spend:
    return repo.add_spend(
        lambda i: Spend(i, Decimal(amount), Team.MARKETING, T0, "ads", "", "maya", T0)
    )


def test_from_nothing_the_feed_gives_everything(repo: Repository) -> None:
    repo.add(maker("Acme"))
    repo.add(maker("Globex", stage="customer"))
    first = repo.changes(None)
    assert first.reset and [d.title for d in first.deals] == ["Acme", "Globex"]
    assert first.spend == () and first.meta.next_deal_id == 3
    assert [d.title for d in repo.changes(None, include_closed=False).deals] == ["Acme"]


def test_a_whole_answer_offers_each_deal_and_keeps_those_taken(repo: Repository) -> None:
    for i in range(6):
        repo.add(maker(f"Deal {i}", stage="customer" if i % 2 else "awareness"))
    offered: list[int] = []

    def take(deal: Deal) -> bool:
        offered.append(deal.id)
        return deal.is_open

    whole = repo.changes(None, take=take)
    assert whole.reset and sorted(offered) == [1, 2, 3, 4, 5, 6]
    assert [d.id for d in whole.deals] == [1, 3, 5]
    repo.change(2, lambda d: journey.edit(d, DealChanges(notes="x"), by="sam", now=T0))
    offered.clear()
    later = repo.changes(whole.cursor, take=take)  # not a whole answer: nothing is offered
    assert not later.reset and [d.id for d in later.deals] == [2] and offered == []


def test_nothing_changed_is_an_empty_answer(repo: Repository) -> None:
    repo.add(maker())
    cursor = repo.changes(None).cursor
    quiet = repo.changes(cursor)
    assert not quiet.reset and quiet.deals == () and quiet.deleted == frozenset()
    assert quiet.spend is None and quiet.cursor == cursor


def test_each_kind_of_change_comes_through_exactly(repo: Repository) -> None:
    for i in range(5):
        repo.add(maker(f"Deal {i}", stage="purchase"))
    cursor = repo.changes(None).cursor
    held = everything(repo)
    steps = [
        lambda: repo.add(maker("New")),
        lambda: repo.change(2, lambda d: journey.move(d, "customer", pipeline=P, by="sam", now=T0)),
        lambda: repo.change(3, lambda d: journey.lose(d, by="sam", now=T0, reason="price")),
        lambda: repo.delete(4),
        lambda: repo.change(3, lambda d: journey.reopen(d, pipeline=P, by="sam", now=T0)),
    ]
    for step in steps:
        step()
        changes = repo.changes(cursor)
        assert not changes.reset
        assert len(changes.deals) + len(changes.deleted) == 1  # exactly what changed
        held = apply(held, changes)
        assert held == everything(repo)
        cursor = changes.cursor


def test_an_open_only_reader_sees_a_closed_deal_leave(repo: Repository) -> None:
    repo.add(maker(stage="purchase"))
    repo.add(maker())
    start = repo.changes(None, include_closed=False)
    repo.change(1, won)
    changes = repo.changes(start.cursor, include_closed=False)
    assert changes.deleted == {1} and changes.deals == ()
    assert apply(everything(repo, include_closed=False), changes) == everything(
        repo, include_closed=False
    )


def test_spend_comes_whole_when_it_changed(repo: Repository) -> None:
    cursor = repo.changes(None).cursor
    spend_entry(repo, "100")
    changes = repo.changes(cursor)
    assert changes.spend == tuple(repo.spend()) and changes.deals == ()
    assert changes.spend is not None and changes.spend[0].amount == Decimal("100")
    assert repo.changes(changes.cursor).spend is None


def test_a_cursor_from_another_reader_still_gives_a_true_answer(
    backend: OpenRepository, store_path: Path
) -> None:
    mine, theirs = backend(store_path), backend(store_path)
    for i in range(30):
        mine.add(maker(f"Deal {i}"))
    held = everything(mine)
    cursor = mine.changes(None).cursor
    theirs.delete(7)
    theirs.change(8, lambda d: journey.move(d, "interest", pipeline=P, by="sam", now=T0))
    fresh = backend(store_path)  # knows nothing of what the cursor saw
    changes = fresh.changes(cursor)
    assert not changes.reset and 7 in changes.deleted
    assert apply(held, changes) == everything(mine)


def test_a_store_made_anew_resets_every_reader(
    backend: OpenRepository, store_path: Path, other_store: Path
) -> None:
    repo = backend(store_path)
    repo.add(maker("Old"))
    cursor = repo.changes(None).cursor
    other = backend(other_store)
    other.add(maker("Elsewhere"))
    changes = other.changes(cursor)
    assert changes.reset and [d.title for d in changes.deals] == ["Elsewhere"]


def test_a_write_leaves_a_receipt_its_author_can_follow(repo: Repository) -> None:
    repo.add(maker())
    cursor = repo.changes(None).cursor
    assert repo.last_write is not None
    moved = repo.change(1, lambda d: journey.move(d, "interest", pipeline=P, by="sam", now=T0))
    receipt = repo.last_write
    assert receipt is not None and receipt.before == cursor
    assert repo.changes(receipt.after).deals == ()  # nothing to read back
    assert repo.stamp() == receipt.stamp
    assert repo.get(1) == moved


@pytest.mark.parametrize("blocks", [1, 3])
def test_a_change_reads_only_the_blocks_it_touched(repo: Repository, blocks: int) -> None:
    repo.add_many(lambda first: [maker(f"Deal {i}")(first + i) for i in range(blocks * 1000)])
    cursor = repo.changes(None).cursor
    repo.change(5, lambda d: journey.move(d, "interest", pipeline=P, by="sam", now=T0))
    changes = repo.changes(cursor)
    assert [d.id for d in changes.deals] == [5] and changes.deleted == frozenset()


def test_a_reader_holds_no_closed_deal_between_reads(store_path: Path) -> None:
    """The file store keeps fingerprints of closed deals between reads, never the deals: years
    of them would cost a board hundreds of megabytes for nothing."""
    from storage.tinydb_store import TinyDBRepository

    repo = TinyDBRepository(store_path)
    repo.add_many(
        lambda first: [
            maker(f"Deal {i}", stage="customer" if i < 1200 else "awareness")(first + i)
            for i in range(1500)
        ]
    )
    first = repo.changes(None)
    assert len(first.deals) == 1500
    cursor = first.cursor
    del first
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, Deal)]
    assert len(alive) == 300  # the open ones, kept to diff their blocks cheaply

    decoded: list[int] = []
    decode = repo._decode

    def counting(doc: dict[str, object], deal_id: int, where: Path) -> Deal:
        decoded.append(deal_id)
        return decode(doc, deal_id, where)

    repo._decode = counting  # type: ignore[method-assign]
    repo.change(7, lambda d: journey.edit(d, DealChanges(notes="renewed"), by="sam", now=T0))
    decoded.clear()  # the change itself read deal 7
    changes = repo.changes(cursor)
    assert [d.id for d in changes.deals] == [7] and changes.deleted == frozenset()
    assert decoded == [7]  # its closed block's other 999 deals were not decoded again
    assert [d.id for d in repo.changes(None).deals] == list(range(1, 1501))  # a whole read


def test_a_whole_read_taken_deal_by_deal_keeps_no_writer_waiting(store_path: Path) -> None:
    """The board's read of a large store decodes it outside the store's lock: a colleague
    writing meanwhile is not kept waiting (at 100,000 deals the decoding takes seconds)."""
    from storage.tinydb_store import TinyDBRepository

    reader = TinyDBRepository(store_path)
    reader.add_many(lambda first: [maker(f"Deal {i}")(first + i) for i in range(2500)])
    colleague = TinyDBRepository(store_path, lock_timeout=0.2)
    written: list[Deal] = []

    def take(deal: Deal) -> bool:
        if deal.id == 1500:  # half-way through the decoding
            written.append(colleague.add(maker("Written meanwhile")))
        return True

    whole = reader.changes(None, take=take)
    assert whole.reset and len(whole.deals) == 2500 and written[0].id == 2501
    later = reader.changes(whole.cursor)
    assert [d.title for d in later.deals] == ["Written meanwhile"]
