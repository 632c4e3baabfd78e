"""The Repository contract, run against every backend (see `BACKENDS` in conftest)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from board import journey
from board.codec import deal_to_json
from board.deal import Deal, DealChanges, Status
from board.errors import Conflict, NotFound
from board.spend import new_spend
from storage.layout import doc_is_open, doc_version
from storage.repository import Repository
from tests.storage.conftest import T0, OpenRepository, P, maker, minutes, won


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_a_missing_store_reads_as_empty_and_creates_nothing(
    repo: Repository, store_path: Path
) -> None:
    meta = repo.meta()
    assert (meta.schema, meta.currency, meta.next_deal_id, meta.next_spend_id) == (2, "USD", 1, 1)
    snapshot = repo.snapshot()
    assert (snapshot.deals, snapshot.spend, snapshot.stamp) == ((), (), ())
    assert repo.query(status=None) == [] and repo.history() == [] and repo.spend() == []
    assert repo.stamp() == ()
    with pytest.raises(NotFound):
        repo.get(1)
    assert _files(store_path.parent) == []


def test_add_gives_fresh_ids_and_stores_the_deal_as_built(repo: Repository) -> None:
    first = repo.add(maker("Acme"))
    second = repo.add(maker("Globex", stage="purchase"))
    assert (first.id, second.id) == (1, 2)
    assert repo.get(1) == first and repo.get(2) == second
    assert repo.meta().next_deal_id == 3


def test_add_refuses_a_deal_built_with_another_id(repo: Repository) -> None:
    repo.add(maker())
    stamp = repo.stamp()
    with pytest.raises(ValueError, match="ids from 2"):
        repo.add(lambda deal_id: maker()(deal_id + 5))
    assert repo.stamp() == stamp and repo.meta().next_deal_id == 2


def test_add_many_is_all_or_nothing(repo: Repository) -> None:
    def broken(first: int) -> list[Deal]:
        raise RuntimeError("the import failed halfway")

    with pytest.raises(RuntimeError):
        repo.add_many(broken)
    assert repo.snapshot().deals == ()
    added = repo.add_many(lambda first: [maker(f"Deal {i}")(first + i) for i in range(3)])
    assert [d.id for d in added] == [1, 2, 3]
    assert list(repo.snapshot().deals) == added


def test_add_many_stores_open_and_closed_deals_together(repo: Repository) -> None:
    deals = repo.add_many(
        lambda first: [maker()(first), won(maker()(first + 1)), maker(stage="customer")(first + 2)]
    )
    assert [d.status for d in deals] == [Status.OPEN, Status.WON, Status.WON]
    assert list(repo.snapshot().deals) == deals
    assert [d.id for d in repo.snapshot(include_closed=False).deals] == [1]


def test_change_writes_the_successor(repo: Repository) -> None:
    deal = repo.add(maker(stage="consideration"))
    moved = repo.change(
        deal.id, lambda d: journey.handoff(d, pipeline=P, by="maya", now=minutes(1))
    )
    assert moved.version == 2 and moved.stage == "purchase"
    assert repo.get(deal.id) == moved


def test_a_stale_change_conflicts_naming_who_changed_it_and_when(repo: Repository) -> None:
    deal = repo.add(maker(stage="consideration"))
    repo.change(
        deal.id,
        lambda d: journey.handoff(d, pipeline=P, by="lena", now=minutes(7)),
        expected_version=1,
    )
    stamp = repo.stamp()
    with pytest.raises(Conflict) as caught:
        repo.change(
            deal.id,
            lambda d: journey.accept(d, by="sam", now=minutes(8)),
            expected_version=1,
        )
    assert "lena" in str(caught.value) and "2026-11-02T09:07:00Z" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert repo.stamp() == stamp and repo.get(deal.id).version == 2


@pytest.mark.parametrize(
    "successor",
    [
        lambda d: dataclasses.replace(d, title="same version"),
        lambda d: dataclasses.replace(d, version=d.version + 2),
        lambda d: dataclasses.replace(d, id=d.id + 1, version=d.version + 1),
    ],
    ids=["same-version", "skips-a-version", "other-id"],
)
def test_change_refuses_a_successor_that_is_not_the_next_version(
    repo: Repository, successor: object
) -> None:
    deal = repo.add(maker())
    stamp = repo.stamp()
    with pytest.raises(ValueError, match="must give deal 1 v2"):
        repo.change(deal.id, successor)  # type: ignore[arg-type]
    assert repo.stamp() == stamp and repo.get(deal.id) == deal


def test_change_of_a_missing_deal_is_not_found(repo: Repository) -> None:
    with pytest.raises(NotFound, match="7"):
        repo.change(7, lambda d: d)


def test_closing_and_reopening_keeps_the_deal_findable(repo: Repository) -> None:
    deal = repo.add(maker(stage="purchase"))
    closed = repo.change(deal.id, lambda d: journey.win(d, pipeline=P, by="sam", now=minutes(3)))
    assert repo.get(deal.id) == closed
    assert repo.snapshot(include_closed=False).deals == ()
    assert repo.query(status=Status.WON) == [closed]
    assert repo.query() == []
    reopened = repo.change(
        deal.id, lambda d: journey.reopen(d, pipeline=P, by="sam", now=minutes(4))
    )
    assert repo.get(deal.id) == reopened and reopened.is_open
    assert repo.snapshot(include_closed=False).deals == (reopened,)
    assert repo.snapshot().deals == (reopened,)


def test_a_lost_deal_can_be_edited_and_stays_closed(repo: Repository) -> None:
    deal = repo.add(maker())
    repo.change(deal.id, lambda d: journey.lose(d, by="sam", now=minutes(1), reason="no budget"))
    edited = repo.change(
        deal.id,
        lambda d: journey.edit(d, DealChanges(notes="try again in Q3"), by="sam", now=minutes(2)),
    )
    assert repo.get(deal.id) == edited and edited.status is Status.LOST
    assert repo.query(status=Status.LOST) == [edited]


def test_deleted_ids_are_never_reused(repo: Repository) -> None:
    repo.add(maker())
    last = repo.add(maker())
    removed = repo.delete(last.id)
    assert removed == last
    with pytest.raises(NotFound):
        repo.get(last.id)
    assert repo.add(maker()).id == 3
    assert repo.meta().next_deal_id == 4


def test_delete_checks_the_version_and_works_for_closed_deals(repo: Repository) -> None:
    deal = repo.add(maker(stage="purchase"))
    closed = repo.change(deal.id, lambda d: journey.win(d, pipeline=P, by="sam", now=minutes(1)))
    with pytest.raises(Conflict, match="sam"):
        repo.delete(deal.id, expected_version=1)
    assert repo.delete(deal.id, expected_version=2) == closed
    assert repo.snapshot().deals == ()
    with pytest.raises(NotFound):
        repo.delete(deal.id)


@pytest.mark.parametrize("closed", [False, True])
def test_restore_deleted_puts_the_deal_back_under_its_id(repo: Repository, closed: bool) -> None:
    deal = repo.add(maker(stage="purchase"))
    if closed:
        deal = repo.change(deal.id, lambda d: journey.win(d, pipeline=P, by="sam", now=T0))
    repo.add(maker())
    repo.delete(deal.id)
    assert repo.restore_deleted(deal) == deal
    assert repo.get(deal.id) == deal
    with pytest.raises(Conflict, match="exists"):
        repo.restore_deleted(deal)
    assert repo.add(maker()).id == 3


def test_history_of_one_deal_and_of_all_in_time_order(repo: Repository) -> None:
    a = repo.add(maker("A", stage="consideration"))
    b = repo.add(maker("B"))
    repo.change(a.id, lambda d: journey.handoff(d, pipeline=P, by="maya", now=minutes(5)))
    repo.change(b.id, lambda d: journey.move(d, "interest", pipeline=P, by="maya", now=minutes(2)))
    assert [e.kind for _, e in repo.history(a.id)] == ["created", "handoff"]
    timeline = repo.history()
    assert [(i, e.at) for i, e in timeline] == [(1, T0), (2, T0), (2, minutes(2)), (1, minutes(5))]
    with pytest.raises(NotFound):
        repo.history(9)


def test_query_filters_by_status_stage_and_owner(repo: Repository) -> None:
    a = repo.add(maker("A", by="maya"))
    b = repo.add(maker("B", stage="purchase", by="sam"))
    c = repo.add(maker("C", stage="purchase", by="sam"))
    c = repo.change(c.id, lambda d: journey.win(d, pipeline=P, by="sam", now=minutes(1)))
    assert repo.query() == [a, b]
    assert repo.query(status=None) == [a, b, c]
    assert repo.query(status=Status.WON) == [c]
    assert repo.query(status=Status.LOST) == []
    assert repo.query(stage="purchase") == [b]
    assert repo.query(status=None, owner="sam") == [b, c]
    assert repo.query(owner="nobody") == []


def test_spend_entries_are_ordered_by_day_then_id_and_removable(repo: Repository) -> None:
    def entry(day: int, amount: str) -> object:
        return lambda spend_id: new_spend(
            spend_id=spend_id,
            amount=Decimal(amount),
            team="marketing",
            on=T0.replace(day=day, hour=0),
            by="maya",
            now=T0,
            channel="ads",
        )

    first = repo.add_spend(entry(3, "100"))  # type: ignore[arg-type]
    second = repo.add_spend(entry(1, "250.50"))  # type: ignore[arg-type]
    third = repo.add_spend(entry(3, "5"))  # type: ignore[arg-type]
    assert [s.id for s in (first, second, third)] == [1, 2, 3]
    assert repo.spend() == [second, first, third]
    assert repo.remove_spend(1) == first
    assert repo.spend() == [second, third]
    with pytest.raises(NotFound):
        repo.remove_spend(1)
    assert repo.add_spend(entry(2, "1")).id == 4  # type: ignore[arg-type]
    assert repo.snapshot().spend == tuple(repo.spend())


def test_stamp_changes_with_every_write_and_only_then(repo: Repository) -> None:
    repo.add(maker())
    stamps = [repo.stamp()]
    assert repo.snapshot().stamp == stamps[0]
    repo.get(1)
    repo.snapshot()
    assert repo.stamp() == stamps[0]
    repo.change(1, lambda d: journey.move(d, "interest", pipeline=P, by="maya", now=T0))
    stamps.append(repo.stamp())
    repo.add(maker())
    stamps.append(repo.stamp())
    assert len(set(stamps)) == 3


def test_a_reopened_repository_sees_everything(
    repo: Repository, backend: OpenRepository, store_path: Path
) -> None:
    deal = repo.add(maker(stage="purchase"))
    closed = repo.change(deal.id, lambda d: journey.win(d, pipeline=P, by="sam", now=T0))
    other = repo.add(maker("Other"))
    again = backend(store_path)
    assert again.snapshot().deals == (closed, other)
    assert again.meta() == repo.meta()


def test_the_store_keeps_the_currency_it_was_created_with(
    backend: OpenRepository, store_path: Path
) -> None:
    backend(store_path, currency="EUR").add(maker())
    assert backend(store_path, currency="USD").meta().currency == "EUR"


def test_the_raw_accessors_agree_with_the_codec() -> None:
    deal = maker(stage="purchase")(4)
    for version in (deal, won(deal), journey.lose(deal, by="sam", now=T0, reason="price")):
        doc = deal_to_json(version)
        assert doc_version(doc) == version.version
        assert doc_is_open(doc) == version.is_open
