"""The board on a large store, and what an outside change costs it, in a real terminal.

Drives the real ``funnel`` board inside tmux (real key presses, the screen read back) and
prints medians beside floors measured in the same run:

1. a store of 100,000 deals, 5 % open: process start to the board fully drawn (the status
   line's open count on screen), against a bare Textual app showing one Static (goal: within
   3x); the time until the board is idle (closed deals read, metrics computed), and its
   resident memory then (goal: 200 MB);
2. a colleague's ``funnel add`` into Interest on that store, made by another process: the time
   until the board shows it (goal: 1 s), and the CPU seconds the board process spends on it
   (utime + stime from /proc, minus the CPU of its polling over an equal quiet period measured
   just before; goal: 0.3 s);
3. a store of 10,000 deals, 5 % open: the board's resident memory before and after 500 outside
   changes (value edits by another process, spaced wider than the board's poll so it sees
   nearly every one; goal: growth within 20 MB);
4. the bytes written to the terminal per move (tmux ``pipe-pane``), beside the bytes a bare
   app writes to show one key press (goal: 25 KiB a move).

With ``--postgres``, parts 1 and 2 run twice in each run, on the file store and on a throwaway
local PostgreSQL server (started as the tests start theirs) holding the same deals, beside the
same floors; parts 3 and 4 are left out.

    python bench/feed_bench.py [--runs 3] [--changes 500] [--spacing 0.45] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from add_bench import build_store  # type: ignore[import-not-found]
from board_bench import Terminal, header_count, rss_mb  # type: ignore[import-not-found]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' PostgreSQL server

from board import journey
from board.deal import Deal, DealChanges, Status
from storage import open_repository
from tests.pg import start_server, stop_server

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TICK = os.sysconf("SC_CLK_TCK")
BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App[None]):
    BINDINGS = [("L", "count", "Count")]
    presses = 0

    def compose(self):
        yield Static("BARE READY 0")

    def action_count(self):
        self.presses += 1
        self.query_one(Static).update(f"BARE READY {self.presses}")

Bare().run()
"""

Figures = dict[str, list[float]]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def settle(pid: int, span: float = 0.5, busy: float = 0.05, timeout: float = 120.0) -> float:
    """The moment a process has spent under ``busy`` CPU seconds over ``span`` seconds."""
    limit = time.perf_counter() + timeout
    while time.perf_counter() < limit:
        before = cpu_seconds(pid)
        time.sleep(span)
        if cpu_seconds(pid) - before < busy:
            return time.perf_counter()
    raise SystemExit(f"the board stayed busy for {timeout:.0f} s")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Piped(Terminal):  # type: ignore[misc]
    """A terminal that also copies everything the program writes into a file."""

    def pipe(self, into: Path) -> None:
        into.write_bytes(b"")
        self.tmux("pipe-pane", "-o", "-t", "bench", f"cat >> '{into}'")

    def wait_quiet(self, into: Path, quiet: float = 0.6, timeout: float = 10.0) -> None:
        """Until the program has written nothing for ``quiet`` seconds."""
        size, since = into.stat().st_size, time.perf_counter()
        limit = since + timeout
        while time.perf_counter() < limit:
            time.sleep(0.05)
            now_size = into.stat().st_size
            if now_size != size:
                size, since = now_size, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return


def open_count(screen: str) -> int | None:
    """The status line's ``N open`` (the board is fully drawn when it shows the store's)."""
    for line in screen.splitlines()[:3]:
        words = line.split()
        for at, word in enumerate(words[1:], 1):
            if word == "open" and words[at - 1].replace(",", "").isdigit():
                return int(words[at - 1].replace(",", ""))
    return None


def bare_app(terminal: Piped, script: Path, presses: int, log: Path, figures: Figures) -> None:
    """First frame of the floor app, and the bytes it writes to show one key press."""
    started = terminal.start(f"{sys.executable} {script}", {})
    figures["bare_start"].append(terminal.wait(lambda s: "BARE READY" in s) - started)
    terminal.pipe(log)
    terminal.wait_quiet(log)
    for n in range(1, presses + 1):
        before = log.stat().st_size
        terminal.tmux("send-keys", "-t", "bench", "L")
        terminal.wait(lambda s, n=n: f"BARE READY {n}" in s)
        terminal.wait_quiet(log)
        figures["bare_bytes"].append(log.stat().st_size - before)
    terminal.stop()


def large_store(
    terminal: Piped,
    funnel: str,
    env: dict[str, str],
    store: Path | str,
    quiet: float,
    adds: int,
    figures: Figures,
) -> None:
    """Part 1 and 2: draw the 100k store, then colleagues add deals beside it."""
    opened = count_open(store)
    started = terminal.start(funnel, env)
    figures["drawn"].append(terminal.wait(lambda s: open_count(s) == opened, 120) - started)
    pid = terminal.pid()
    # The closed deals are read and the metrics computed after the columns show: the CPU
    # windows below start once that is done.
    figures["settled"].append(settle(pid) - started)
    figures["rss_drawn"].append(rss_mb(pid))
    figures["peak_drawn"].append(peak_mb(pid))
    for n in range(adds):
        idle_from = cpu_seconds(pid)
        time.sleep(quiet)
        idle = cpu_seconds(pid) - idle_from
        figures["idle_cpu"].append(idle)
        expected = opened + n + 1
        busy_from = cpu_seconds(pid)
        sent = time.perf_counter()
        subprocess.run(
            [funnel, "add", f"Colleague {n}", "--stage", "interest", "--value", "900"],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        figures["add_cli"].append(time.perf_counter() - sent)
        shown = terminal.wait(lambda s, e=expected: open_count(s) == e, 60)
        figures["add_shown"].append(shown - sent)
        rest = sent + quiet - time.perf_counter()
        if rest > 0:
            time.sleep(rest)
        spent = cpu_seconds(pid) - busy_from
        # a board that took longer than the window is charged for all it spent
        figures["add_cpu"].append(max(spent - idle, 0.0))
    figures["rss_after_adds"].append(rss_mb(pid))
    figures["peak_after_adds"].append(peak_mb(pid))
    terminal.stop()


def outside_changes(
    terminal: Piped,
    funnel: str,
    env: dict[str, str],
    store: Path,
    changes: int,
    spacing: float,
    figures: Figures,
) -> list[tuple[int, float]]:
    """Part 3: the board's memory while ``changes`` value edits land from another process."""
    repo = open_repository(store)
    opened = [d.id for d in repo.query(status=Status.OPEN)]
    started = terminal.start(funnel, env)
    terminal.wait(lambda s: open_count(s) == len(opened), 60)
    pid = terminal.pid()
    time.sleep(3.0)
    before = rss_mb(pid)
    trail = [(0, before)]
    started = time.perf_counter()

    def bump(deal: Deal, value: Decimal) -> Deal:
        return journey.edit(deal, DealChanges(value=value), by="theo", now=NOW)

    for n in range(1, changes + 1):
        due = started + n * spacing
        deal_id = opened[n % len(opened)]
        repo.change(deal_id, lambda d, v=Decimal(2000 + n): bump(d, v))
        rest = due - time.perf_counter()
        if rest > 0:
            time.sleep(rest)
        if n % 100 == 0:
            trail.append((n, rss_mb(pid)))
    time.sleep(3.0)
    after = rss_mb(pid)
    trail.append((changes, after))
    figures["rss_before_changes"].append(before)
    figures["rss_after_changes"].append(after)
    figures["peak_changes"].append(peak_mb(pid))
    terminal.stop()
    return trail


def moves(
    terminal: Piped,
    funnel: str,
    env: dict[str, str],
    opened: int,
    count: int,
    log: Path,
    figures: Figures,
) -> None:
    """Part 4: bytes written to the terminal per move, Awareness <-> Interest."""
    terminal.start(funnel, env)
    terminal.wait(lambda s: open_count(s) == opened, 60)
    time.sleep(1.5)
    terminal.pipe(log)
    terminal.wait_quiet(log, quiet=1.0)
    for step in range(count):
        key, label = ("L", "2 Interest") if step % 2 == 0 else ("H", "1 Awarene")
        was = header_count(terminal.screen(), label)
        assert was is not None, terminal.screen()
        before = log.stat().st_size
        terminal.tmux("send-keys", "-t", "bench", key)
        terminal.wait(lambda s, b=was, lbl=label: header_count(s, lbl) == b + 1)
        terminal.wait_quiet(log, quiet=1.0)  # the write lands and its receipt is adopted
        figures["move_bytes"].append(log.stat().st_size - before)
    terminal.stop()


def count_open(store: Path | str) -> int:
    return len(open_repository(store).query(status=Status.OPEN))


@contextmanager
def postgres_store(deals: int) -> Iterator[str]:
    """A throwaway local PostgreSQL server holding ``deals`` deals built as the file store's."""
    server = start_server()
    if isinstance(server, str):
        sys.exit(server)
    try:
        url = server.create_database()
        started = time.perf_counter()
        build_store(url, deals)
        print(f"built them on PostgreSQL in {time.perf_counter() - started:.1f} s")
        yield url
    finally:
        stop_server(server)


def run(args: argparse.Namespace) -> None:
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="feed-bench-"))
    big, small = work / "big" / "board.json", work / "small" / "board.json"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average {load()}"
    )
    funnel = shutil.which("funnel", path=str(Path(sys.executable).parent)) or (
        f"{sys.executable} -m board"
    )
    common = {
        "FUNNEL_CONFIG": str(work / "none.toml"),
        "FUNNEL_NOW": "2026-11-20T12:00:00Z",
        "FUNNEL_USER": "maya",
    }
    bare = work / "bare.py"
    bare.write_text(BARE_APP)
    figures: Figures = defaultdict(list)
    stores: dict[str, Path | str] = {"file store": big}
    terminal = Piped(work)
    loads = [load()]
    trail: list[tuple[int, float]] = []
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, work, ignore_errors=True)
        started = time.perf_counter()
        build_store(big, args.deals)
        print(f"built {args.deals:,} deals in {time.perf_counter() - started:.1f} s")
        if args.postgres:
            stores["PostgreSQL"] = cleanup.enter_context(postgres_store(args.deals))
        else:
            build_store(small, args.small)
        opened = (count_open(big), 0 if args.postgres else count_open(small))
        cleanup.callback(terminal.stop)
        per_store: dict[str, Figures] = {label: defaultdict(list) for label in stores}
        for index in range(args.runs + 1):
            # The first pass only warms the bytecode and page caches (and the server's).
            warm = index == 0
            bare_app(terminal, bare, 3, work / "bare.out", defaultdict(list) if warm else figures)
            for label, store in stores.items():
                large_store(
                    terminal,
                    funnel,
                    {**common, "FUNNEL_DB": str(store)},
                    store,
                    args.quiet,
                    1 if warm else args.adds,
                    defaultdict(list) if warm else per_store[label],
                )
            loads.append(load())
        if not args.postgres:
            small_env = {**common, "FUNNEL_DB": str(small)}
            moves(terminal, funnel, small_env, opened[1], args.moves, work / "moves.out", figures)
            loads.append(load())
            if args.changes:
                trail = outside_changes(
                    terminal, funnel, small_env, small, args.changes, args.spacing, figures
                )
            loads.append(load())
    report(args, figures, per_store, trail, loads, opened, terminal)
    print(f"whole run {time.perf_counter() - began:.0f} s")


def report(
    args: argparse.Namespace,
    figures: Figures,
    per_store: dict[str, Figures],
    trail: list[tuple[int, float]],
    loads: list[str],
    opened: tuple[int, int],
    terminal: Piped,
) -> None:
    print(f"{args.runs} runs after a warm-up; load average per run: {' | '.join(loads)}")
    for label, taken in per_store.items():
        report_large_store(args, label, {**figures, **taken}, opened[0], terminal)
    if trail:
        report_changes(args, figures, trail, opened[1])
    if figures.get("move_bytes"):
        report_moves(args, figures)


def median(figures: Figures, name: str) -> float:
    taken = figures.get(name)
    return statistics.median(taken) if taken else float("nan")


def spread(figures: Figures, name: str, scale: float = 1.0, fmt: str = "{:.2f}") -> str:
    return ", ".join(fmt.format(x * scale) for x in figures.get(name, []))


def report_large_store(
    args: argparse.Namespace, label: str, figures: Figures, big_open: int, terminal: Piped
) -> None:
    """Parts 1 and 2 on one store, beside the floors of the same run."""

    def med(name: str) -> float:
        return median(figures, name)

    print(
        f"1. {label}: {args.deals:,} deals, {big_open:,} open, drawn in a {terminal.width}x"
        f"{terminal.height} terminal"
    )
    print(
        f"   floor: bare Textual app, one Static    {med('bare_start'):6.2f} s   "
        f"({spread(figures, 'bare_start')})"
    )
    print(
        f"   board fully drawn                      {med('drawn'):6.2f} s   "
        f"({spread(figures, 'drawn')})   ratio {med('drawn') / med('bare_start'):.2f} (goal <= 3)"
    )
    print(
        f"   closed deals read, metrics done, idle  {med('settled'):6.2f} s   "
        f"({spread(figures, 'settled')})"
    )
    print(
        f"   RSS once idle                          {med('rss_drawn'):6.0f} MB"
        f"  (goal <= 200 MB; peak {med('peak_drawn'):.0f} MB)"
    )
    print(
        f"2. {label}: a colleague's `funnel add --stage interest`, {len(figures['add_shown'])} adds"
    )
    print(f"   the add command itself                 {med('add_cli'):6.2f} s")
    print(
        f"   shown on the board                     {med('add_shown'):6.2f} s   "
        f"({spread(figures, 'add_shown')}; goal <= 1 s)"
    )
    print(
        f"   floor: board's idle CPU, {args.quiet:.0f} s quiet   {med('idle_cpu'):6.2f} s   "
        f"({spread(figures, 'idle_cpu')})"
    )
    print(
        f"   board CPU spent on the add, less idle  {med('add_cpu'):6.2f} s   "
        f"({spread(figures, 'add_cpu')}; goal <= 0.3 s)"
    )
    print(
        f"   RSS after the adds                     {med('rss_after_adds'):6.0f} MB"
        f"  (peak {med('peak_after_adds'):.0f} MB)"
    )


def report_changes(
    args: argparse.Namespace, figures: Figures, trail: list[tuple[int, float]], small_open: int
) -> None:
    """Part 3: memory under outside changes."""
    before, after = median(figures, "rss_before_changes"), median(figures, "rss_after_changes")
    print(
        f"3. {args.small:,} deals, {small_open:,} open: {args.changes} outside edits, "
        f"one every {args.spacing:.2f} s (the board polls every 0.4 s)"
    )
    print(
        f"   RSS before {before:.0f} MB, after {after:.0f} MB: grew {after - before:+.1f} MB"
        f" (goal <= 20 MB); peak {median(figures, 'peak_changes'):.0f} MB"
    )
    print("   RSS by changes landed: " + ", ".join(f"{n}: {mb:.0f}" for n, mb in trail))


def report_moves(args: argparse.Namespace, figures: Figures) -> None:
    """Part 4: bytes to the terminal per move."""
    bare, move = median(figures, "bare_bytes"), median(figures, "move_bytes")
    print(
        f"4. bytes to the terminal, {args.small:,}-deal board, {len(figures['move_bytes'])} moves"
    )
    print(f"   floor: bare app showing a key press    {bare / 1024:6.1f} KiB")
    print(
        f"   a move                                 {move / 1024:6.1f} KiB  "
        f"({spread(figures, 'move_bytes', 1 / 1024, '{:.1f}')}; goal <= 25 KiB)  "
        f"ratio {move / max(bare, 1):.0f}x the floor"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--adds", type=int, default=2, help="colleague adds per run")
    parser.add_argument("--quiet", type=float, default=3.0, help="seconds of each CPU window")
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--spacing", type=float, default=0.45)
    parser.add_argument("--moves", type=int, default=6)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="parts 1 and 2 only, on the file store and on a PostgreSQL server with the same deals",
    )
    os.environ.pop("NO_COLOR", None)
    # An installed Funnel has compiled bytecode; without it every start recompiles our modules
    # (the environment passes on to the terminal and to every process started in it).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
