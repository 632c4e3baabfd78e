"""Ctrl-C and the commit point of a write.

Before a write's commit point (the rename of the manifest), Ctrl-C means nothing was
written: the write is abandoned and `KeyboardInterrupt` raised as usual. From the commit point
on, the write has happened: Ctrl-C is noted and the command goes on to finish and report
success, so "interrupted" never hides a change that landed (a retried import would otherwise
add everything twice).

`install` is for the command line's main thread; elsewhere (the board's writer thread, tests)
nothing changes and the checks below cost nothing.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType


class _State:
    installed = False
    interrupted = False
    """Ctrl-C came during a commit (or after one), and was held back."""
    committing = False
    committed = False


_state = _State()


def install() -> None:
    """Take over SIGINT for the rest of this process (call from the main thread)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_interrupt)
        _state.installed = True


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    if _state.committing or _state.committed:
        _state.interrupted = True  # the write goes on: before its commit point it is checked
        return
    raise KeyboardInterrupt


def begin_commit() -> None:
    """A commit starts: from here Ctrl-C is held back until `before_commit_point` looks."""
    # Only the main thread gets signals; a commit in another thread (the board's writer)
    # must not make the process deaf to Ctrl-C once it lands.
    _state.committing = _state.installed and threading.current_thread() is threading.main_thread()


def before_commit_point() -> None:
    """Raise `KeyboardInterrupt` if Ctrl-C came since `begin_commit` (nothing is written yet)."""
    if _state.committing and _state.interrupted and not _state.committed:
        _state.committing = False
        _state.interrupted = False
        raise KeyboardInterrupt


def passed_commit_point() -> None:
    """The write landed: Ctrl-C from now on no longer stops this command."""
    if _state.committing:
        _state.committed = True


def end_commit() -> None:
    """A commit is over (landed or abandoned)."""
    _state.committing = False
