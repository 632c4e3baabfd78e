"""Writes to the store, one after another, off the UI thread, retrying while the store is busy."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from board.deal import Deal
from board.errors import Conflict, FunnelError, StoreLocked
from screens.undo_log import Transition
from storage.repository import Repository, WriteReceipt


class Intent(Enum):
    """Why a write is made, so its result lands in the right place of the undo log."""

    DO = "do"
    UNDO = "undo"
    REDO = "redo"


@dataclass(frozen=True, slots=True)
class WriteJob:
    """One write: a function of the repository that returns what it changed."""

    label: str
    write: Callable[[Repository], Transition]
    intent: Intent = Intent.DO
    source: Transition | None = None
    """For undo and redo: the log entry being reversed."""
    on_conflict: Callable[[Conflict], None] | None = None
    """What the board does when the write is refused as a conflict (an edit reopens its form)."""


class StaleWrite(Conflict):
    """A conflict that carries the deal as the store holds it now (read in the writer)."""

    def __init__(self, message: str, fresh: Deal) -> None:
        super().__init__(message)
        self.fresh = fresh


Done = Callable[[WriteJob, Transition, WriteReceipt | None], None]
Failed = Callable[[WriteJob, FunnelError], None]
Busy = Callable[[WriteJob, int], None]


class StoreWriter:
    """A queue of writes drained by one thread, so writes land in the order they were made.

    Each write re-checks the deal's version in the store, so a queue never applies a change
    to a deal it did not see; a locked store is retried ``attempts`` times before giving up.
    """

    def __init__(self, repository: Repository, *, attempts: int = 3, pause: float = 0.5) -> None:
        self.repository = repository
        self.attempts = attempts
        self.pause = pause
        self._jobs: queue.Queue[WriteJob] = queue.Queue()
        self._stopped = False

    def submit(self, job: WriteJob) -> None:
        """Queue a write."""
        self._jobs.put(job)

    def stop(self) -> None:
        """Let `run` return after the write in progress."""
        self._stopped = True

    def run(self, done: Done, failed: Failed, busy: Busy) -> None:
        """Write jobs until stopped; the callbacks run on this thread and must hand over."""
        while not self._stopped:
            try:
                job = self._jobs.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                self._write(job, done, failed, busy)
            finally:
                self._jobs.task_done()

    def _write(self, job: WriteJob, done: Done, failed: Failed, busy: Busy) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                transition = job.write(self.repository)
            except StoreLocked as exc:
                if attempt == self.attempts or self._stopped:
                    failed(job, exc)
                    return
                busy(job, attempt)
                time.sleep(self.pause)
            except FunnelError as exc:
                failed(job, exc)
                return
            else:
                # The receipt is taken here, on the writer's thread, before the next write
                # replaces it: it tells the board where its own write left the store.
                done(job, transition, self.repository.last_write)
                return
