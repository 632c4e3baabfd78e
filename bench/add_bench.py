"""Wall time of ``funnel add`` from process start to exit, at 1k, 10k and 100k deals.

Prints medians beside floors measured in the same run: ``python -c pass`` and a bare
``import click, tinydb``. The stores are realistic: about 5% of deals open, the rest won or
lost, each with the history the journey's rules produce (built by `board.demo`).

    python bench/add_bench.py [--runs 15] [--sizes 1000,10000,100000]
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
    n_open = int(size * open_share)
    repo = open_repository(path)

    def make(first: int) -> list:  # type: ignore[type-arg]
        deals = []
        for i in range(size):
            source = (
                open_pool[i % len(open_pool)] if i < n_open else closed_pool[i % len(closed_pool)]
            )
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
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
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
            db = Path(tmp) / f"s{size}" / "board.json"
            started = time.perf_counter()
            build_store(db, size)
            built = time.perf_counter() - started
            files = [db, *sorted(db.parent.rglob("*.json"))]
            total = sum(p.stat().st_size for p in set(files))
            run_env = {**env, "FUNNEL_DB": str(db)}
            add = median_wall([FUNNEL, "add", "Bench deal", "--value", "1200"], args.runs, run_env)
            show = median_wall([FUNNEL, "show", "1"], args.runs, run_env)
            print(
                f"{size:>7} deals ({total / 1e6:6.1f} MB, main file {db.stat().st_size / 1e6:5.1f} MB,"
                f" built in {built:4.1f} s): add {add * 1000:6.1f} ms"
                f" = {add / floor_import:4.2f}x import floor;"
                f" show {show * 1000:6.1f} ms = {show / floor_import:4.2f}x"
            )


if __name__ == "__main__":
    main()
