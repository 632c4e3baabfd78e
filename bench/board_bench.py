"""How fast the board starts and answers, on a store of 10,000 open deals, in a real terminal.

Runs inside tmux (a real terminal, real key presses) and prints medians of:

- first frame: process start to the first frame on screen, for a bare Textual app and for
  ``funnel`` (goal: within 1.5x the bare app); and to the board filled with the 10,000 deals;
- a move: from sending ``L`` to the moved deal counted in its new column (goal: 100 ms),
  next to the same measure for a bare app that counts key presses (the floor of tmux
  delivering a key and showing a frame);
- memory: the resident set of ``funnel`` with the board loaded (goal: under 150 MB).

    python bench/board_bench.py [--runs 5] [--deals 10000]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from board import journey
from board.deal import Deal, DealDraft
from board.stages import DEFAULT_PIPELINE as PIPELINE
from storage import open_repository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App[None]):
    BINDINGS = [("L", "count", "Count")]
    presses = 0

    def compose(self):
        yield Static("BARE READY 0")
        yield Footer()

    def action_count(self):
        self.presses += 1
        self.query_one(Static).update(f"BARE READY {self.presses}")

Bare().run()
"""


class Terminal:
    """A tmux session on its own server socket, sized like a laptop terminal."""

    def __init__(self, workdir: Path, width: int = 160, height: int = 45) -> None:
        self.workdir = workdir
        self.socket = ""
        self.sessions = 0
        self.width, self.height = width, height

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return done.stdout

    def start(self, command: str, env: dict[str, str]) -> float:
        """Start ``command``; returns the moment just before it was launched."""
        exports = " ".join(f"{key}='{value}'" for key, value in env.items())
        self.sessions += 1
        self.socket = str(self.workdir / f"tmux-{self.sessions}.sock")  # a fresh server each time
        started = time.perf_counter()
        self.tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "bench",
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            f"exec env {exports} TERM=xterm-256color {command}",
        )
        return started

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "bench")

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "bench", "#{pane_pid}").strip())

    def wait(self, check: Callable[[str], bool], timeout: float = 30.0) -> float:
        """The moment the screen first satisfies ``check``."""
        limit = time.perf_counter() + timeout
        while time.perf_counter() < limit:
            if check(self.screen()):
                return time.perf_counter()
            time.sleep(0.002)
        raise SystemExit(f"timed out; the screen was:\n{self.screen()}")

    def stop(self) -> None:
        if not self.socket:
            return
        subprocess.run(
            ["tmux", "-S", self.socket, "kill-server"], capture_output=True, check=False, timeout=10
        )


def open_deals(count: int) -> Callable[[int], list[Deal]]:
    """``count`` open deals spread over the open stages, built by the journey's rules."""
    stages = [stage.key for stage in PIPELINE.stages if stage.key != PIPELINE.customer.key]
    owners = ("maya", "theo", "sam", "lena")

    def make(first: int) -> list[Deal]:
        return [
            journey.new_deal(
                DealDraft(
                    title=f"Lead {i}",
                    company=f"Company {i % 700}",
                    value=Decimal(1000 + i),
                    stage=stages[i % len(stages)],
                    owner=owners[i % len(owners)],
                    source="seo",
                ),
                deal_id=first + i,
                pipeline=PIPELINE,
                by="maya",
                now=NOW - timedelta(minutes=i),
            )
            for i in range(count)
        ]

    return make


def header_count(screen: str, label: str) -> int | None:
    """The deal count under a column's label (``1 Awareness`` … ``2000 deals``)."""
    lines = screen.splitlines()
    for row, line in enumerate(lines):
        at = line.find(label)
        if at < 0:
            continue
        for below in lines[row + 1 : row + 4]:
            found = re.match(r"\s*([\d,]+) deals?", below[at - 3 : at + 30].strip("│┃ "))
            if found:
                return int(found.group(1).replace(",", ""))
    return None


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the console script may fork none)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total / 1024


Figures = dict[str, list[float]]


def time_bare_app(terminal: Terminal, script: Path, moves: int, figures: Figures) -> None:
    """First frame of a bare app, and how fast it shows a key press (the terminal's floor)."""
    started = terminal.start(f"{sys.executable} {script}", {})
    figures["bare"].append(terminal.wait(lambda s: "BARE READY" in s) - started)
    for presses in range(1, moves + 1):
        sent = time.perf_counter()
        terminal.tmux("send-keys", "-t", "bench", "L")
        seen = terminal.wait(lambda s, n=presses: f"BARE READY {n}" in s)
        figures["bare_keys"].append(seen - sent)
        time.sleep(0.2)
    terminal.stop()


def time_funnel(
    terminal: Terminal, command: str, env: dict[str, str], deals: int, moves: int, figures: Figures
) -> None:
    """First frame, board filled, moves back and forth between the first two stages, RSS."""
    started = terminal.start(command, env)
    figures["first"].append(terminal.wait(lambda s: "FUNNEL" in s) - started)
    figures["filled"].append(terminal.wait(lambda s: f"{deals:,} open" in s) - started)
    time.sleep(1.0)  # let the first read settle
    for step in range(moves):
        key, label = ("L", "2 Interest") if step % 2 == 0 else ("H", "1 Awarene")
        before = header_count(terminal.screen(), label)
        assert before is not None, terminal.screen()
        sent = time.perf_counter()
        terminal.tmux("send-keys", "-t", "bench", key)
        seen = terminal.wait(lambda s, b=before, lbl=label: header_count(s, lbl) == b + 1)
        figures["moves"].append(seen - sent)
        time.sleep(1.5)  # the write lands and the board re-reads the store
    figures["memory"].append(rss_mb(terminal.pid()))
    terminal.stop()


def run(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="board-bench-"))
    store = work / "board.json"
    open_repository(store).add_many(open_deals(args.deals))
    funnel = shutil.which("funnel", path=str(Path(sys.executable).parent)) or (
        f"{sys.executable} -m board"
    )
    env = {
        "FUNNEL_DB": str(store),
        "FUNNEL_CONFIG": str(work / "none.toml"),
        "FUNNEL_NOW": "2026-11-20T12:00:00Z",
    }
    # An installed Funnel runs from compiled bytecode; "0" would still turn writing it off.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    bare_script = work / "bare.py"
    bare_script.write_text(BARE_APP)
    figures: Figures = {
        name: [] for name in ("bare", "bare_keys", "first", "filled", "moves", "memory")
    }
    terminal = Terminal(work)
    try:
        for run_index in range(args.runs + 1):
            # The first run only warms the bytecode and page caches.
            kept = figures if run_index else {name: [] for name in figures}
            time_bare_app(terminal, bare_script, args.moves, kept)
            time_funnel(terminal, funnel, env, args.deals, args.moves, kept)
    finally:
        terminal.stop()
        shutil.rmtree(work, ignore_errors=True)

    def ms(name: str) -> str:
        return f"{statistics.median(figures[name]) * 1000:7.0f} ms"

    ratio = statistics.median(figures["first"]) / statistics.median(figures["bare"])
    print(f"store: {args.deals:,} open deals; {args.runs} runs; {len(figures['moves'])} moves")
    print(f"first frame, bare Textual app   {ms('bare')}")
    print(f"first frame, funnel             {ms('first')}   ratio {ratio:.2f} (goal <= 1.5)")
    print(f"board filled with the deals     {ms('filled')}")
    print(f"a key shown, bare Textual app   {ms('bare_keys')}   (the floor of this terminal)")
    print(
        f"a move shown on screen          {ms('moves')}   (goal <= 100 ms; "
        f"worst {max(figures['moves']) * 1000:.0f} ms)"
    )
    print(
        f"memory, board loaded            {statistics.median(figures['memory']):7.0f} MB   "
        "(goal < 150 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=4)
    os.environ.pop("NO_COLOR", None)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
