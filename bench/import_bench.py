"""How long ``funnel import`` takes for a large HubSpot-like CSV, end to end.

Generates a deterministic HubSpot-style deals export (100,000 rows by default), then runs the
installed ``funnel import`` on it into a fresh store several times and prints the median,
beside floors measured in the same run: starting Python (``python -c pass``) and a plain
``csv.reader`` pass over the same file. Wall time depends on what else the machine runs, so
it also prints the CPU time used and the load average. Last, it times the two halves
in-process (CPU): reading and validating every row into deals (the import plan), and the
store's single locked write.

    python bench/import_bench.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
HEADER = [
    "Record ID",
    "Deal Name",
    "Deal Stage",
    "Pipeline",
    "Amount",
    "Close Date",
    "Create Date",
    "Deal owner",
    "Associated Company",
    "Associated Contact",
    "Original Source",
    "Closed Lost Reason",
    "Deal Description",
    "Last Modified Date",
]
STAGES = [
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
]
OWNERS = [
    "Jane Doe",
    "Sam Reyes",
    "Lena Novak",
    "José Núñez",
    "diego@example.com",
    "Grace Hopper",
    "Priya Patel",
]
SOURCES = [
    "Organic Search",
    "Paid Social",
    "Referrals",
    "Offline Sources",
    "Direct Traffic",
    "Email Marketing",
    "outbound",
]
COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Vandelay",
    "Pied Piper",
    "Oscorp",
    "Aperture",
]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write a HubSpot-like deals export with ``rows`` deals."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(rows):
            created = NOW - timedelta(days=rng.uniform(5, 360), minutes=rng.randrange(600))
            stage = rng.choice(STAGES)
            closed = created + timedelta(days=rng.uniform(0, 4))
            company = rng.choice(COMPANIES)
            writer.writerow(
                [
                    10_000 + n,
                    f"{company} deal {n}",
                    stage,
                    "Sales Pipeline",
                    f"${rng.randrange(1, 200) * 500:,}.00",
                    closed.strftime("%Y-%m-%d"),
                    created.strftime("%Y-%m-%d %H:%M:%S"),
                    rng.choice(OWNERS),
                    company,
                    f"Contact {n % 97}",
                    rng.choice(SOURCES),
                    "went with a competitor" if stage == "closedlost" else "",
                    "",
                    created.strftime("%Y-%m-%d %H:%M:%S"),
                ]
            )


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds one call takes, and the CPU seconds its child processes used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(runs: int, run: Callable[[], object]) -> tuple[float, float]:
    """Median wall and CPU seconds over ``runs`` calls (CPU time is what load does not inflate)."""
    results = [timed(run) for _ in range(runs)]
    return (statistics.median(w for w, _ in results), statistics.median(c for _, c in results))


def in_process(path: Path, work: Path) -> tuple[float, float, int]:
    """CPU seconds to build the import plan and for the store's write, and deals written."""
    from board.stages import DEFAULT_PIPELINE
    from board.transfer.csv_import import import_csv
    from board.transfer.import_plan import ImportContext, ImportOptions
    from storage import open_repository

    data = path.read_bytes()
    context = ImportContext(DEFAULT_PIPELINE, "bench", NOW)
    start = time.process_time()
    plan = import_csv(data, ImportOptions(), context)
    planned = time.process_time() - start
    assert not plan.errors, plan.errors[:3]
    repo = open_repository(work / "inproc" / "board.json")
    start = time.process_time()
    repo.add_many(plan.numbered_from)
    return planned, time.process_time() - start, len(plan.deals)


def main() -> None:
    """Generate, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    funnel = shutil.which("funnel", path=str(Path(sys.executable).parent)) or "funnel"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "hubspot.csv"
        generate(data, args.rows)
        size = data.stat().st_size / 1e6
        load_before = os.getloadavg()[0]
        python = median_of(
            args.runs, lambda: subprocess.run([sys.executable, "-c", "pass"], check=True)
        )
        code = f"import csv; sum(1 for _ in csv.reader(open({str(data)!r}, newline='')))"
        reader = median_of(
            args.runs, lambda: subprocess.run([sys.executable, "-c", code], check=True)
        )
        stores = iter(range(args.runs))

        def one_import() -> None:
            env = {
                **os.environ,
                "FUNNEL_DB": str(work / f"store{next(stores)}" / "board.json"),
                "FUNNEL_CONFIG": str(work / "none.toml"),
                "FUNNEL_NOW": NOW.isoformat(),
            }
            subprocess.run(
                [funnel, "import", str(data)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        full = median_of(args.runs, one_import)
        planned, stored, count = in_process(data, work)
    print(
        f"rows: {args.rows:,} ({size:.1f} MB), runs: {args.runs}, cores: {os.cpu_count()},"
        f" load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print("                                    wall (median)   CPU (median)")
    for label, (wall, cpu) in (
        ("floor  python -c pass", python),
        ("floor  csv.reader over the file", reader),
        ("funnel import", full),
    ):
        print(f"{label:34s} {wall:9.2f} s {cpu:12.2f} s")
    print("goal: funnel import of 100,000 rows under 10 s")
    print(
        f"  in-process CPU: read + validate + rebuild histories {planned:6.2f} s"
        f" ({planned / max(count, 1) * 1e6:.0f} us a deal)"
    )
    print(
        f"  in-process CPU: the store's one locked write       {stored:6.2f} s"
        f" ({stored / max(count, 1) * 1e6:.0f} us a deal)"
    )


if __name__ == "__main__":
    main()
