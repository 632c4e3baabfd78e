"""A small board with every awkward history, built through the journey's own rules.

The window under test is October 2026; ``NOW`` is ten days after it ends. The expected
figures in test_metrics_by_hand.py are worked out by hand from the comments here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from board import journey
from board.deal import Deal, DealDraft
from board.metrics_window import Window
from board.settings import Settings
from board.spend import Spend, new_spend

SETTINGS = Settings()  # default pipeline, SLA 24 h
P = SETTINGS.pipeline
NOW = datetime(2026, 11, 10, tzinfo=UTC)
OCTOBER = Window(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))


def at(month: int, day: int, hour: int = 0) -> datetime:
    """A moment in 2026, UTC."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _new(
    deal_id: int, title: str, stage: str, when: datetime, value: int, owner: str, company: str = ""
) -> Deal:
    draft = DealDraft(title=title, company=company, value=Decimal(value), stage=stage, owner=owner)
    return journey.new_deal(draft, deal_id=deal_id, pipeline=P, by=owner, now=NOW, at=when)


def _move(deal: Deal, stage: str, when: datetime, reason: str = "") -> Deal:
    return journey.move(deal, stage, pipeline=P, by=deal.owner, now=NOW, at=when, reason=reason)


def _handoff(deal: Deal, when: datetime) -> Deal:
    return journey.handoff(deal, pipeline=P, by=deal.owner, now=NOW, at=when)


def _accept(deal: Deal, when: datetime) -> Deal:
    return journey.accept(deal, by="sam", now=NOW, at=when)


def _reject(deal: Deal, when: datetime) -> Deal:
    return journey.reject(deal, pipeline=P, by="sam", now=NOW, at=when, reason="too early")


def _win(deal: Deal, when: datetime) -> Deal:
    return journey.win(deal, pipeline=P, by="sam", now=NOW, at=when)


def _lose(deal: Deal, when: datetime) -> Deal:
    return journey.lose(deal, by="sam", now=NOW, at=when, reason="no budget")


def _reopen(deal: Deal, when: datetime) -> Deal:
    return journey.reopen(deal, pipeline=P, by="sam", now=NOW, at=when)


def october_deals() -> list[Deal]:
    """Twelve deals; each comment says what it adds to October's figures."""
    # D1 (maya): MQL since Sep 25; handed off Oct 2 09:00 (177 h after), rejected 27 h later
    # (a breach), re-handed off Oct 5 12:00 (48 h after the rejection put it back), accepted
    # 8 h later, won Oct 20 after a 30-day cycle. Marketing-sourced, customer Acme.
    d1 = _new(1, "Acme renewal", "awareness", at(9, 20), 10_000, "maya", "Acme")
    d1 = _move(d1, "consideration", at(9, 25))
    d1 = _reject(_handoff(d1, at(10, 2, 9)), at(10, 3, 12))
    d1 = _accept(_handoff(d1, at(10, 5, 12)), at(10, 5, 20))
    d1 = _win(d1, at(10, 20))
    # D2 (theo): a lead of October; MQL Oct 4; handed off Oct 6 (48 h); never answered, so a
    # breach at the window's end. Open in purchase.
    d2 = _new(2, "Globex pilot", "awareness", at(10, 2), 5_000, "theo", "Globex")
    d2 = _move(_move(d2, "interest", at(10, 3)), "consideration", at(10, 4))
    d2 = _handoff(d2, at(10, 6))
    # D3 (sam): sales-sourced lead of Oct 10, won Oct 25 00:00 (the last week's first second),
    # 15-day cycle.
    d3 = _win(_new(3, "Initech seats", "purchase", at(10, 10), 8_000, "sam", "Initech"), at(10, 25))
    # D4 (maya): won in September, reopened Oct 10, lost Oct 12: lost in October, not won.
    d4 = _new(4, "Umbrella migration", "awareness", at(9, 1), 20_000, "maya", "Umbrella")
    d4 = _accept(_handoff(_move(d4, "consideration", at(9, 2)), at(9, 3)), at(9, 4))
    d4 = _lose(_reopen(_win(d4, at(9, 15)), at(10, 10)), at(10, 12))
    # D5 (sam): sales-sourced, won Sep 10, reopened and won again Oct 16: one win, in October,
    # 41-day cycle. "ACME " is the same customer as D1's "Acme".
    d5 = _new(5, "Acme expansion", "purchase", at(9, 5), 4_000, "sam", " ACME ")
    d5 = _win(_reopen(_win(d5, at(9, 10)), at(10, 15)), at(10, 16))
    # D6 (theo, no company): a lead of Oct 20; MQL Oct 21 (skipping interest); handed off
    # Oct 31 20:00 (260 h); accepted Nov 2 08:00, after the window and 36 h late: a breach,
    # but no SQL of October. Open in purchase.
    d6 = _new(6, "Wonka add-on", "awareness", at(10, 20), 3_000, "theo")
    d6 = _handoff(_move(d6, "consideration", at(10, 21)), at(10, 31, 20))
    d6 = _accept(d6, at(11, 2, 8))
    # D7 (maya): a lead of Oct 25, lost the next day without leaving awareness.
    d7 = _lose(
        _new(7, "Soylent plan", "awareness", at(10, 25), 2_000, "maya", "Soylent"), at(10, 26)
    )
    # D8 (priya): created in November: on the board now, nothing in October.
    d8 = _new(8, "Tyrell deal", "awareness", at(11, 3), 1_000, "priya", "Tyrell")
    # D9 (priya): MQL at the window's first second; handed off 6 h later; won 4 h after that
    # (the win accepts on the way); 3-day cycle.
    d9 = _new(9, "Cyberdyne platform", "awareness", at(9, 28, 10), 6_000, "priya", "Cyberdyne")
    d9 = _handoff(_move(d9, "consideration", at(10, 1)), at(10, 1, 6))
    d9 = _win(d9, at(10, 1, 10))
    # D10 (theo): a lead of Oct 5; MQL Oct 6; handed off Oct 7 (24 h); accepted exactly 24 h
    # later (not a breach); sent back to nurture Oct 9; handed off again Oct 12 (72 h) and
    # never answered (a breach). Open in purchase.
    d10 = _new(10, "Stark upgrade", "awareness", at(10, 5), 7_000, "theo", "Stark")
    d10 = _handoff(_move(d10, "consideration", at(10, 6)), at(10, 7))
    d10 = _accept(d10, at(10, 8))
    d10 = _move(d10, "consideration", at(10, 9), reason="not ready")
    d10 = _handoff(d10, at(10, 12))
    # D11 (sam, no company): sales-sourced, won in August: counts only towards CLV.
    d11 = _win(_new(11, "Wayne yearly", "purchase", at(8, 1), 12_000, "sam"), at(8, 15))
    # D12 (priya): created as an MQL Oct 1 12:00 (a lead); handed off 24 h later; lost while
    # still waiting, 48 h after the handoff: the loss stops the clock, late: a breach.
    d12 = _new(12, "Oscorp suite", "consideration", at(10, 1, 12), 9_000, "priya", "Oscorp")
    d12 = _lose(_handoff(d12, at(10, 2, 12)), at(10, 4, 12))
    return [d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12]


def october_spend() -> list[Spend]:
    """Marketing 1,500 and sales 2,000 in October; two entries just outside it."""
    entries = [
        (1, "1500", "marketing", at(10, 1), "ads"),
        (2, "500", "marketing", at(9, 30), "webinar"),
        (3, "2000", "sales", at(10, 31), ""),
        (4, "700", "sales", at(11, 1), ""),
    ]
    return [
        new_spend(
            spend_id=i,
            amount=Decimal(amount),
            team=team,
            on=on,
            by="maya",
            now=NOW,
            channel=channel,
        )
        for i, amount, team, on, channel in entries
    ]
