"""Funnel on a local PostgreSQL server (a throwaway one, as the tests start): ``funnel add``
at 100k deals against its floor, a colleague's change as a reader sees it, writers at once.

Prints medians beside floors measured in the same run:

- add: wall time of ``funnel add`` from process start to exit, against
  ``python -c "import click, psycopg"`` plus one connect-and-insert (the target: ≤ 1.6×);
- a colleague's change: from another process's commit to `stamp()` and `changes()` showing it
  to a reader that polls as the board does (the target: ≤ 1 s);
- 8 writers × 25 adds at once: every acknowledged add stored, ids unique.

    python bench/postgres_bench.py [--runs 15] [--size 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.add_bench import FUNNEL, build_store, median_wall
from board import journey
from board.deal import DealChanges
from storage import open_postgres
from tests.pg import start_server, stop_server

CONNECT_AND_INSERT = """
import sys, click, psycopg
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("INSERT INTO floor (doc) VALUES ('{}')")
"""

WRITER = """
import sys
from board.deal import DealDraft
from board.journey import new_deal
from board.stages import DEFAULT_PIPELINE
from datetime import UTC, datetime
from storage import open_repository
repo = open_repository(sys.argv[1], lock_timeout=60)
now = datetime(2026, 11, 20, tzinfo=UTC)
for n in range(25):
    d = repo.add(lambda i: new_deal(DealDraft(f"w {n}"), deal_id=i, pipeline=DEFAULT_PIPELINE, by="w", now=now))
    print(d.id, flush=True)
"""


def colleague_latency(url: str, runs: int) -> list[float]:
    """Seconds from a colleague's commit until a reader polling as the board does (`stamp`,
    then `changes` when it moved) holds the change."""
    reader, writer = open_postgres(url), open_postgres(url)
    cursor = reader.changes(None, include_closed=False).cursor
    stamp = reader.stamp()
    seen = []
    for n in range(runs):
        writer.change(
            1,
            lambda d, n=n: journey.edit(
                d, DealChanges(notes=f"note {n}"), by="theo", now=d.updated_at
            ),
        )
        committed = time.perf_counter()
        while True:
            if reader.stamp() != stamp:
                changes = reader.changes(cursor, include_closed=False)
                cursor, stamp = changes.cursor, reader.stamp()
                if any(d.notes == f"note {n}" for d in changes.deals):
                    break
            time.sleep(0.01)
        seen.append(time.perf_counter() - committed)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    server = start_server()
    if isinstance(server, str):
        sys.exit(server)
    try:
        env = {**os.environ, "FUNNEL_CONFIG": os.devnull + ".none"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores,"
            f" Python {platform.python_version()}"
        )
        floor_url = server.create_database()
        with psycopg.connect(floor_url) as conn:
            conn.execute("CREATE TABLE floor (id serial PRIMARY KEY, doc json)")
        floor = median_wall([sys.executable, "-c", CONNECT_AND_INSERT, floor_url], args.runs, env)
        print(f"floor  import click, psycopg + connect-and-insert {floor * 1000:6.1f} ms")
        url = server.create_database()
        started = time.perf_counter()
        build_store(url, args.size)  # type: ignore[arg-type]
        built = time.perf_counter() - started
        run_env = {**env, "FUNNEL_DB": url}
        add = median_wall([FUNNEL, "add", "Bench deal", "--value", "1200"], args.runs, run_env)
        show = median_wall([FUNNEL, "show", "1"], args.runs, run_env)
        print(
            f"{args.size:>7} deals (built in {built:4.1f} s): add {add * 1000:6.1f} ms"
            f" = {add / floor:4.2f}x floor; show {show * 1000:6.1f} ms = {show / floor:4.2f}x"
        )
        seen = colleague_latency(url, args.runs)
        print(
            f"a colleague's change reaches a reader: median {statistics.median(seen) * 1000:6.1f} ms,"
            f" worst {max(seen) * 1000:6.1f} ms"
        )
        writers_url = server.create_database()
        open_postgres(writers_url).migrate()
        started = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, writers_url], stdout=subprocess.PIPE, text=True
            )
            for _ in range(8)
        ]
        acknowledged = [int(x) for p in procs for x in p.communicate()[0].split()]
        took = time.perf_counter() - started
        stored = [d.id for d in open_postgres(writers_url).snapshot().deals]
        ok = sorted(acknowledged) == stored and len(set(stored)) == len(stored) == 200
        print(
            f"8 writers x 25 adds: {len(acknowledged)} acknowledged, {len(stored)} stored,"
            f" ids unique: {ok}, {took:4.1f} s"
        )
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
