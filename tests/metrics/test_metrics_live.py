"""The board's live metrics: kept from the change feed, settled deals held as two figures, and
always equal to the metrics computed from every deal, whatever the feed brought."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from board.deal import Deal
from board.metrics import Window, compute_metrics
from board.metrics_live import LiveMetrics
from tests.metrics.test_metrics_properties import NOW, SETTINGS, boards, deals, moments


def _everything(board: dict[int, Deal], since: datetime, owner: str | None) -> object:
    return compute_metrics(
        board.values(), [], settings=SETTINGS, window=Window(since, NOW), now=NOW, owner=owner
    )


def _live(live: LiveMetrics, since: datetime, owner: str | None) -> object:
    return LiveMetrics.compute(
        live.view(), [], settings=SETTINGS, window=Window(since, NOW), now=NOW, owner=owner
    )


@settings(max_examples=100, deadline=None)
@given(boards(), moments, moments, st.sampled_from([None, "ann", "bob"]), st.data())
def test_the_feed_keeps_the_metrics_equal_to_a_full_count(
    start: list[Deal],
    horizon: datetime,
    since: datetime,
    owner: str | None,
    data: st.DataObject,
) -> None:
    horizon, since = min(horizon, since), max(horizon, since)
    board = {deal.id: deal for deal in start}
    live = LiveMetrics(SETTINGS)
    live.reset(board.values(), horizon)
    assert live.covers(since)
    assert _live(live, since, owner) == _everything(board, since, owner)
    # Then the feed: deals replaced by other versions (worked on, closed, reopened), new
    # deals, deletions; after each batch the live figures equal a count of every deal.
    for _ in range(data.draw(st.integers(1, 4))):
        ids = data.draw(st.lists(st.integers(1, 20), max_size=5, unique=True))
        changed = [data.draw(deals(deal_id)) for deal_id in ids]
        gone = data.draw(st.lists(st.sampled_from(sorted(board) or [1]), max_size=2))
        gone = [deal_id for deal_id in gone if deal_id not in ids]
        for deal in changed:
            board[deal.id] = deal
        for deal_id in gone:
            board.pop(deal_id, None)
        live.apply(changed, gone)
        assert _live(live, since, owner) == _everything(board, since, owner)


def test_settled_deals_are_not_kept_whole() -> None:
    board = [deal for deal in _a_board() if deal.closed_at is not None]
    assert board, "the sample board has closed deals"
    live = LiveMetrics(SETTINGS)
    live.reset(board, NOW)
    assert list(live.kept.values()) == []  # all closed before the horizon: none kept whole
    assert live.covers(NOW)
    assert not live.covers(NOW - timedelta(seconds=1))  # a longer window needs a new read


def test_no_horizon_keeps_every_deal() -> None:
    board = _a_board()
    live = LiveMetrics(SETTINGS)
    assert not live.covers(NOW)  # nothing read yet
    live.reset(board, None)
    assert sorted(d.id for d in live.kept.values()) == sorted(d.id for d in board)
    assert live.first_created == min(d.created_at for d in board)


def _a_board() -> list[Deal]:
    from board.demo import demo_deals

    return demo_deals(SETTINGS.pipeline, NOW, count=60, seed=3)
