"""How long ``funnel import`` of a large HubSpot-like CSV takes, against a minimal importer.

Generates a deterministic HubSpot-style deals export (100,000 rows by default) and times, in
the same run and alternating so that load spreads evenly over both:

- the floor: a minimal importer written here (`floor_import`): it reads the CSV, checks
  and converts every row (stage, status, amount, dates, owner) and writes one JSON line a
  row to a file it fsyncs, in a fresh Python process;
- ``funnel import`` of the same file into a fresh store.

It prints the medians, the ratio (goal: at most 3x the floor, stretch 2x) and each side's
peak resident memory (goal: ``funnel import`` at most 250 MB). Then, in a fresh process of
its own, it splits ``funnel import``'s work: reading, checking and building the deals, and
the store's one locked write (``add_many``), and within the write the encoding of the deals
to JSON documents (``board.codec.deal_to_json``), each with the resident memory after it.

    python bench/import_bench.py [--rows 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
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


FLOOR_STAGES = {
    "appointmentscheduled": ("purchase", "open"),
    "qualifiedtobuy": ("purchase", "open"),
    "presentationscheduled": ("purchase", "open"),
    "decisionmakerboughtin": ("purchase", "open"),
    "contractsent": ("purchase", "open"),
    "closedwon": ("customer", "won"),
    "closedlost": ("purchase", "lost"),
}


def floor_import(source: Path, target: Path) -> int:
    """The minimal importer: read, check and convert every row, one JSON line each, fsync."""
    with source.open(newline="", encoding="utf-8") as rows, target.open("w") as out:
        reader = csv.reader(rows)
        header = next(reader)
        at = {name: header.index(name) for name in HEADER}
        count = 0
        for cells in reader:
            stage, status = FLOOR_STAGES[cells[at["Deal Stage"]].strip().lower()]
            amount = Decimal(cells[at["Amount"]].strip().lstrip("$").replace(",", ""))
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise ValueError(f"bad amount {amount}")
            created = datetime.fromisoformat(cells[at["Create Date"]]).replace(tzinfo=UTC)
            closed = datetime.fromisoformat(cells[at["Close Date"]]).replace(tzinfo=UTC)
            owner = cells[at["Deal owner"]].strip()
            login = owner.split("@")[0] if "@" in owner else ".".join(owner.lower().split())
            title = cells[at["Deal Name"]].strip()
            if not title or not title.isprintable():
                raise ValueError(f"bad title {title!r}")
            doc = {
                "id": count + 1,
                "title": title,
                "company": cells[at["Associated Company"]].strip(),
                "contact": cells[at["Associated Contact"]].strip(),
                "value": f"{amount:.2f}",
                "stage": stage,
                "status": status,
                "owner": login,
                "source": cells[at["Original Source"]].strip().lower(),
                "lost_reason": cells[at["Closed Lost Reason"]] or None,
                "created_at": created.isoformat(),
                "closed_at": closed.isoformat() if status != "open" else None,
            }
            out.write(json.dumps(doc) + "\n")
            count += 1
        out.flush()
        os.fsync(out.fileno())
    return count


def run_child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall and CPU seconds of one child process, and its peak resident memory in MB."""
    start = time.perf_counter()
    child = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, close_fds=True
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    assert child.stderr is not None
    errors = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{args[:3]} failed ({child.returncode}): {errors[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def split(path: Path, work: Path) -> dict[str, float]:
    """In this process: the import's parts, as `funnel import` runs them (no cycle collector)."""
    import gc
    import resource

    from board.codec import deal_to_json
    from board.stages import DEFAULT_PIPELINE
    from board.transfer.csv_import import import_csv
    from board.transfer.import_plan import ImportContext, ImportOptions
    from storage import open_repository

    def rss() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    gc.disable()
    figures = {"rss_start": rss()}
    data = path.read_bytes()
    context = ImportContext(DEFAULT_PIPELINE, "bench", NOW)
    start = time.perf_counter()
    plan = import_csv(data, ImportOptions(), context)
    figures["plan_s"] = time.perf_counter() - start
    figures["rss_plan"] = rss()
    assert not plan.errors, plan.errors[:3]
    del data
    start = time.perf_counter()
    docs = [deal_to_json(deal) for deal in plan.deals]
    figures["encode_s"] = time.perf_counter() - start
    figures["rss_encoded"] = rss()
    del docs
    repo = open_repository(work / "split" / "board.json")
    start = time.perf_counter()
    repo.add_many(plan.numbered_from)
    figures["write_s"] = time.perf_counter() - start
    figures["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["deals"] = len(plan.deals)
    return figures


def main() -> None:
    """Generate, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--floor", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--split", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor_import(*args.floor)
        return
    if args.split:
        print(json.dumps(split(*args.split)))
        return
    funnel = str(Path(sys.executable).parent / "funnel")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "hubspot.csv"
        generate(data, args.rows)
        size = data.stat().st_size / 1e6
        load_before = os.getloadavg()[0]
        floors: list[tuple[float, float, float]] = []
        imports: list[tuple[float, float, float]] = []
        for run in range(args.runs):
            out = work / f"floor{run}.jsonl"
            floors.append(run_child([sys.executable, __file__, "--floor", str(data), str(out)]))
            env = {
                **os.environ,
                "FUNNEL_DB": str(work / f"store{run}" / "board.json"),
                "FUNNEL_CONFIG": str(work / "none.toml"),
                "FUNNEL_NOW": NOW.isoformat(),
            }
            imports.append(run_child([funnel, "import", str(data)], env=env))
        result = subprocess.run(
            [sys.executable, __file__, "--split", str(data), str(work)],
            check=True,
            capture_output=True,
            text=True,
        )
        parts = json.loads(result.stdout)
    print(
        f"rows: {args.rows:,} ({size:.1f} MB), runs: {args.runs}, {platform.python_version()},"
        f" {os.cpu_count()} cores, load average {load_before:.1f} before,"
        f" {os.getloadavg()[0]:.1f} after"
    )
    print("                             wall median (min-max)    CPU median   peak RSS")
    for label, runs in (("floor: minimal importer", floors), ("funnel import", imports)):
        walls = [wall for wall, _, _ in runs]
        print(
            f"{label:26s} {statistics.median(walls):6.2f} s ({min(walls):.2f}-{max(walls):.2f})"
            f" {statistics.median(cpu for _, cpu, _ in runs):9.2f} s"
            f" {max(rss for _, _, rss in runs):7.0f} MB"
        )
    wall_ratio = statistics.median(w for w, _, _ in imports) / statistics.median(
        w for w, _, _ in floors
    )
    cpu_ratio = statistics.median(c for _, c, _ in imports) / statistics.median(
        c for _, c, _ in floors
    )
    print(
        f"ratio: {wall_ratio:.2f}x the floor's wall time, {cpu_ratio:.2f}x its CPU time"
        " (goal 3x, stretch 2x); peak goal 250 MB"
    )
    deals = parts["deals"]
    print(
        f"one import in-process, wall: read + check + build {parts['plan_s']:.2f} s"
        f" ({parts['plan_s'] / deals * 1e6:.0f} us a deal),"
        f" the store's write (add_many) {parts['write_s']:.2f} s"
        f" ({parts['write_s'] / deals * 1e6:.0f} us a deal)"
    )
    print(
        f"  of the write, encoding deals to documents (deal_to_json) alone: "
        f"{parts['encode_s']:.2f} s ({parts['encode_s'] / parts['write_s']:.0%})"
    )
    print(
        f"  resident memory: {parts['rss_start']:.0f} MB at start, {parts['rss_plan']:.0f} MB"
        f" with the deals built, {parts['rss_encoded']:.0f} MB with their documents too,"
        f" peak {parts['peak']:.0f} MB in the write"
    )


if __name__ == "__main__":
    main()
