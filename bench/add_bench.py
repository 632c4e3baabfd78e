"""Wall time of ``funnel add`` from process start to exit, at 1k, 10k and 100k deals.

Prints medians beside floors measured in the same run: ``python -c pass`` and a bare
``import click, tinydb``. The stores are realistic: 5% of deals open (years of closed deals
behind them) and 70% open (a pipeline just imported from a CRM), the rest won or lost, each
with the history the journey's rules produce (built by `board.demo`). An add must cost the
same whatever the number of open deals: it reads and writes one block.

    python bench/add_bench.py [--runs 15] [--sizes 1000,10000,100000] [--open 0.05,0.7]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from board.demo import demo_deals
from board.stages import DEFAULT_PIPELINE
from storage import open_repository

NOW = datetime(2026, 11, 20, tzinfo=UTC)
FUNNEL = str(Path(sys.executable).with_name("funnel"))


def build_store(path: Path, size: int, open_share: float = 0.05) -> None:
    """A store of ``size`` deals: a pool of generated histories, re-used under new ids."""
    pool = demo_deals(DEFAULT_PIPELINE, NOW, count=4000, seed=11, days=365)
    open_pool = [d for d in pool if d.is_open]
    closed_pool = [d for d in pool if not d.is_open]
    percent = round(open_share * 100)
    repo = open_repository(path)

    def make(first: int) -> list:  # type: ignore[type-arg]
        deals = []
        for i in range(size):
            # Open deals spread over every block of ids, as in a store used for years: the
            # block a new deal lands in holds its share of open ones.
            is_open = (i * 37) % 100 < percent
            source = open_pool[i % len(open_pool)] if is_open else closed_pool[i % len(closed_pool)]
            deals.append(dataclasses.replace(source, id=first + i))
        return deals

    repo.add_many(make)


def median_wall(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall seconds of a command, after one warm-up run."""
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--open", default="0.05,0.7", help="shares of open deals")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shares = [float(s) for s in args.open.split(",")]
    env = {**os.environ, "FUNNEL_CONFIG": os.devnull + ".none"}
    # An installed Funnel has compiled bytecode; without it every run recompiles our modules.
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    floor_pass = median_wall([sys.executable, "-c", "pass"], args.runs, env)
    floor_import = median_wall([sys.executable, "-c", "import click, tinydb"], args.runs, env)
    print(f"floor  python -c pass                 {floor_pass * 1000:7.1f} ms")
    print(f"floor  python -c 'import click, tinydb' {floor_import * 1000:5.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            for share in shares:
                db = Path(tmp) / f"s{size}-{share}" / "board.json"
                started = time.perf_counter()
                build_store(db, size, share)
                built = time.perf_counter() - started
                files = [db, *sorted(db.parent.rglob("*.json"))]
                total = sum(p.stat().st_size for p in set(files))
                run_env = {**env, "FUNNEL_DB": str(db)}
                add = median_wall(
                    [FUNNEL, "add", "Bench deal", "--value", "1200"], args.runs, run_env
                )
                show = median_wall([FUNNEL, "show", "1"], args.runs, run_env)
                print(
                    f"{size:>7} deals, {share:4.0%} open ({total / 1e6:6.1f} MB,"
                    f" manifest {db.stat().st_size / 1e3:5.1f} kB, built in {built:4.1f} s):"
                    f" add {add * 1000:6.1f} ms = {add / floor_import:4.2f}x import floor;"
                    f" show {show * 1000:6.1f} ms = {show / floor_import:4.2f}x"
                )


if __name__ == "__main__":
    main()
