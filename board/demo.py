"""A realistic, deterministic sample pipeline, built through the journey's own rules.

Used by ``funnel demo`` and by benchmarks. The same ``now``, ``count`` and ``seed`` always
give the same deals; every history is one the rules allow (handoffs, rejections,
re-handoffs, accepts, wins, losses), spread over the six months before ``now``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from board import journey
from board.deal import Deal, DealDraft
from board.errors import FunnelError
from board.stages import Pipeline

MARKETERS = ("maya", "theo", "priya")
SELLERS = ("sam", "lena", "diego", "grace")
SOURCES = ("webinar", "seo", "ads", "referral", "events", "content")
COMPANIES = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Vandelay",
    "Pied Piper",
    "Dunder Mifflin",
    "Oscorp",
    "Massive Dynamic",
    "Aperture",
    "Black Mesa",
    "Gringotts",
    "Monarch",
    "Nakatomi",
    "Bluth",
    "Prestige Worldwide",
    "Sterling Cooper",
    "Los Pollos",
    "Krusty",
)
PRODUCTS = (
    "renewal",
    "expansion",
    "pilot",
    "platform deal",
    "team plan",
    "enterprise seats",
    "annual contract",
    "add-on",
    "migration",
    "onboarding package",
)
LOST_REASONS = (
    "went with a competitor",
    "no budget",
    "no decision",
    "timing",
    "price too high",
    "lost contact",
)
Step = Callable[[Deal, datetime], Deal]
"""One scripted action: the deal and a moment in, the next deal out."""

REJECT_REASONS = (
    "not a decision maker",
    "no budget this year",
    "too small",
    "wrong region",
    "needs more nurturing",
)


def demo_deals(
    pipeline: Pipeline,
    now: datetime,
    *,
    count: int = 80,
    seed: int = 7,
    currency: str = "USD",
    first_id: int = 1,
    days: int = 182,
) -> list[Deal]:
    """``count`` deals with ids from ``first_id``, created over the last ``days`` days."""
    rng = random.Random(seed)
    return [_one(pipeline, now, rng, first_id + i, currency, days) for i in range(count)]


def _one(
    pipeline: Pipeline, now: datetime, rng: random.Random, deal_id: int, currency: str, days: int
) -> Deal:
    created = now - timedelta(days=rng.uniform(1, days), minutes=rng.randrange(600))
    sales_sourced = rng.random() < 0.15
    company = rng.choice(COMPANIES)
    draft = DealDraft(
        title=f"{company} {rng.choice(PRODUCTS)}",
        company=company,
        contact=rng.choice(("Ada", "Ben", "Chloe", "Dev", "Eva", "Finn", "Gus", "Hana")),
        value=Decimal(rng.choice((1, 2, 3, 5, 8, 12, 20, 35, 50))) * 1000
        + Decimal(rng.randrange(0, 1000, 50)),
        stage=pipeline.first_sales.key if sales_sourced else pipeline.first.key,
        owner=rng.choice(SELLERS if sales_sourced else MARKETERS),
        source="outbound" if sales_sourced else rng.choice(SOURCES),
        tags=tuple(
            rng.sample(("q4", "priority", "smb", "enterprise", "expansion"), rng.randrange(0, 3))
        ),
    )
    deal = journey.new_deal(
        draft,
        deal_id=deal_id,
        pipeline=pipeline,
        by=draft.owner or "",
        now=created,
        currency=currency,
        at=created,
    )
    clock = created
    pace = rng.uniform(1, 40)  # days between steps: some deals move fast, some stall
    for step, answer in _plan(pipeline, deal, rng):
        # Sales answers a handoff within hours, now and then a day or two late; other steps
        # take the deal's own pace.
        gap = rng.choice((2, 5, 9, 20, 30, 50, 80)) / 24 if answer else rng.uniform(0.1, pace)
        clock += timedelta(days=gap)
        if clock >= now:
            break
        try:
            deal = step(deal, clock)
        except FunnelError:
            break
    return deal


def _plan(pipeline: Pipeline, deal: Deal, rng: random.Random) -> Iterator[tuple[Step, bool]]:
    """The steps of one deal's story; the flag marks sales answering a handoff."""
    marketer, seller = deal.owner, rng.choice(SELLERS)
    if not deal.sales_sourced:
        for stage in pipeline.marketing[1:]:
            if rng.random() < 0.25:
                yield _lose(marketer, rng), False
                return
            yield _move(pipeline, stage.key, marketer), False
        yield _handoff(pipeline, marketer, rng), False
        if rng.random() < 0.2:
            yield _reject(pipeline, seller, rng), True
            if rng.random() < 0.5:
                return
            yield _handoff(pipeline, marketer, rng), False
        yield _accept(seller), True
    for stage in pipeline.sales[1:-1]:
        if rng.random() < 0.3:
            yield _lose(seller, rng), False
            return
        yield _move(pipeline, stage.key, seller), False
    roll = rng.random()
    if roll < 0.45:
        yield _win(pipeline, seller), False
    elif roll < 0.75:
        yield _lose(seller, rng), False


def _move(pipeline: Pipeline, stage: str, by: str) -> Step:
    return lambda d, t: journey.move(d, stage, pipeline=pipeline, by=by, now=t)


def _handoff(pipeline: Pipeline, by: str, rng: random.Random) -> Step:
    note = rng.choice(("", "asked for a demo", "budget confirmed", "came from the webinar"))
    return lambda d, t: journey.handoff(d, pipeline=pipeline, by=by, now=t, note=note)


def _reject(pipeline: Pipeline, by: str, rng: random.Random) -> Step:
    reason = rng.choice(REJECT_REASONS)
    return lambda d, t: journey.reject(d, pipeline=pipeline, by=by, now=t, reason=reason)


def _accept(by: str) -> Step:
    return lambda d, t: journey.accept(d, by=by, now=t)


def _win(pipeline: Pipeline, by: str) -> Step:
    return lambda d, t: journey.win(d, pipeline=pipeline, by=by, now=t)


def _lose(by: str, rng: random.Random) -> Step:
    reason = rng.choice(LOST_REASONS)
    return lambda d, t: journey.lose(d, by=by, now=t, reason=reason)
