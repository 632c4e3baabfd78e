"""A small driver for a real terminal: the installed ``funnel`` inside a tmux session."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path


class Tmux:
    """One detached tmux session with its own server socket, killed on close."""

    def __init__(self, socket_dir: Path, *, width: int = 120, height: int = 40) -> None:
        self.socket = str(socket_dir / f"tmux-{uuid.uuid4().hex[:8]}")
        self.session = "funnel"
        self.width, self.height = width, height

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return result.stdout

    def start(self, command: str, env: dict[str, str]) -> None:
        """Run ``command`` in a fresh session of the given size, with ``env`` exported."""
        exports = " ".join(f"{key}='{value}'" for key, value in env.items())
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            # COLUMNS/LINES inherited from a test runner would override the pane size.
            f"env -u COLUMNS -u LINES {exports} TERM=xterm-256color {command}; sleep 30",
        )

    def resize(self, width: int, height: int) -> None:
        """Resize the terminal, as a person dragging the window's corner does."""
        self._tmux("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))
        self.width, self.height = width, height

    def keys(self, *keys: str) -> None:
        """Send keys as tmux names them (``Enter``, ``Escape``, ``S-Right``, ``q``)."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """Type literal text."""
        self._tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        """The visible screen as plain text."""
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, predicate: Callable[[str], bool] | str, timeout: float = 10.0) -> float:
        """Seconds until the screen satisfies ``predicate`` (or contains the text)."""
        test = (lambda s: predicate in s) if isinstance(predicate, str) else predicate
        started = time.monotonic()
        while True:
            screen = self.screen()
            if test(screen):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"timed out after {timeout}s; screen was:\n{screen}")
            time.sleep(0.05)

    def close(self) -> None:
        """Kill the session and its server."""
        subprocess.run(
            ["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=10, check=False
        )


def have_tmux() -> bool:
    """Whether tmux is installed (CI installs it; `.ci/run` does)."""
    return shutil.which("tmux") is not None
