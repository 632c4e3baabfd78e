"""How long computing every metric takes for 10k and 100k deals, next to floors of the same run.

The deals come from `board.demo.demo_deals` (realistic histories: handoffs, rejections,
re-handoffs, wins, losses; six months before a fixed now), in chunks of 10k with different
seeds. Building 100k takes about half a minute, so the deals are pickled once into the temp
dir and reused (``--fresh`` rebuilds them).

Two floors are measured beside the metrics: one pass over the deals summing their values,
and one pass over every event of every deal reading its kind. The goals are 30 ms for 10k
deals and 300 ms for 100k (default 90-day window, every owner).

    python bench/metrics_bench.py [--runs 15] [--sizes 10000,100000] [--fresh]
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from board.deal import Deal
from board.demo import demo_deals
from board.metrics import compute_metrics, window_from
from board.settings import Settings
from board.spend import Spend, new_spend

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CHUNK = 10_000
GOALS_MS = {10_000: 30.0, 100_000: 300.0}
SETTINGS = Settings()


def load_deals(count: int, fresh: bool) -> list[Deal]:
    """``count`` demo deals, from the temp-dir cache when it has them."""
    cache = Path(tempfile.gettempdir()) / f"funnel-metrics-bench-{count}-v1.pickle"
    if cache.exists() and not fresh:
        with cache.open("rb") as file:
            deals: list[Deal] = pickle.load(file)  # written by this script, just below
        return deals
    started = time.perf_counter()
    deals = []
    for chunk, first in enumerate(range(0, count, CHUNK)):
        deals += demo_deals(
            SETTINGS.pipeline,
            NOW,
            count=min(CHUNK, count - first),
            seed=1000 + chunk,
            first_id=first + 1,
        )
    print(
        f"  built {count:,} demo deals in {time.perf_counter() - started:.1f} s"
        f" (cached in {cache.name})"
    )
    with cache.open("wb") as file:
        pickle.dump(deals, file, protocol=pickle.HIGHEST_PROTOCOL)
    return deals


def spend_ledger() -> list[Spend]:
    """A year of weekly marketing and sales spend."""
    entries = []
    for week in range(52):
        day = NOW - timedelta(weeks=week)
        for offset, (team, channel) in enumerate((("marketing", "ads"), ("sales", ""))):
            entries.append(
                new_spend(
                    spend_id=2 * week + offset + 1,
                    amount=Decimal(2500),
                    team=team,
                    on=day,
                    by="bench",
                    now=NOW,
                    channel=channel,
                )
            )
    return entries


def timed_ms(job: Callable[[], object], runs: int) -> tuple[float, float]:
    """The median and the best wall time of ``runs`` calls, after one untimed warm-up.

    The best shows what the code costs when nothing else competes for the machine.
    """
    job()
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, min(times) * 1000


def bench(count: int, runs: int, fresh: bool) -> None:
    """Print the floors and the metrics timings for one size."""
    deals = load_deals(count, fresh)
    spend = spend_ledger()
    window = window_from(None, None, now=NOW, days=SETTINGS.metrics_window_days)
    events = sum(len(deal.history) for deal in deals)

    def sum_values() -> Decimal:
        return sum((deal.value for deal in deals), Decimal(0))

    def read_events() -> int:
        seen = 0
        for deal in deals:
            for event in deal.history:
                seen += event.kind is not None
        return seen

    def everyone() -> object:
        return compute_metrics(deals, spend, settings=SETTINGS, window=window, now=NOW)

    def one_owner() -> object:
        return compute_metrics(deals, spend, settings=SETTINGS, window=window, now=NOW, owner="sam")

    year = window_from(NOW - timedelta(days=365), None, now=NOW, days=365)

    def whole_year() -> object:
        return compute_metrics(deals, spend, settings=SETTINGS, window=year, now=NOW)

    print(f"{count:,} deals, {events:,} events; median (best) of {runs} runs")
    floor, floor_best = timed_ms(sum_values, runs)
    rows = [
        ("floor: sum of values", (floor, floor_best)),
        ("floor: read every event", timed_ms(read_events, runs)),
        ("metrics, 90 days", timed_ms(everyone, runs)),
        ("metrics, 90 days, one owner", timed_ms(one_owner, runs)),
        ("metrics, 365 days", timed_ms(whole_year, runs)),
    ]
    for name, (median, best) in rows:
        print(f"  {name:<28} {median:7.1f} ms ({best:6.1f})  {median / floor:5.1f}x floor")
    goal = GOALS_MS.get(count)
    if goal is not None:
        median, best = rows[2][1]
        verdict = (
            "met" if median <= goal else "met by the best run only" if best <= goal else "missed"
        )
        print(f"  goal {goal:.0f} ms for the 90-day window: {verdict}")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options and run each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--fresh", action="store_true", help="Rebuild the cached deals.")
    args = parser.parse_args(argv)
    for size in (int(text) for text in args.sizes.split(",")):
        bench(size, args.runs, args.fresh)


if __name__ == "__main__":
    main()
