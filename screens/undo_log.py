"""Undo and redo of the person's own changes, refused when someone else touched the deal since.

A change is remembered as a `Transition` from the deal as it was to the deal as stored.
Undoing writes the old content back as a new version (the store's versions only grow, so
other boards see the undo like any other change); redoing writes the new content again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from board.deal import Deal
from board.errors import RuleViolation
from board.timestamps import iso, utc
from storage.repository import Repository


@dataclass(frozen=True, slots=True)
class Transition:
    """One write: ``old`` (None: it created the deal) became ``new`` (None: it deleted it)."""

    label: str
    deal_id: int
    old: Deal | None
    new: Deal | None


def refuse_if_changed(transition: Transition, current: Deal | None) -> None:
    """Raise `RuleViolation` when the deal is no longer what this transition left behind."""
    expected = transition.new
    if expected is None and current is None:
        return
    if expected is not None and current is not None and current.version == expected.version:
        return
    what = f"undo {transition.label} of deal {transition.deal_id}"
    if current is None:
        raise RuleViolation(f"cannot {what}: it was deleted meanwhile")
    if expected is None:
        raise RuleViolation(f"cannot {what}: someone restored it meanwhile")
    raise RuleViolation(
        f"cannot {what}: {current.updated_by} changed it at {iso(current.updated_at)} since"
    )


def reverse(transition: Transition, repository: Repository, now: datetime) -> Transition:
    """Write the transition backwards; returns the transition that redoes it."""
    deal_id = transition.deal_id
    old, new = transition.old, transition.new
    if new is None:
        assert old is not None
        restored = repository.restore_deleted(old)
        return Transition(transition.label, deal_id, None, restored)
    if old is None:
        repository.delete(deal_id, expected_version=new.version)
        return Transition(transition.label, deal_id, new, None)

    def put_back(current: Deal) -> Deal:
        return dataclasses.replace(old, version=current.version + 1, updated_at=utc(now))

    stored = repository.change(deal_id, put_back, expected_version=new.version)
    return Transition(transition.label, deal_id, new, stored)


class UndoLog:
    """The person's own recent writes, newest last, and what was undone and may be redone."""

    def __init__(self, limit: int = 100) -> None:
        self.limit = limit
        self._done: list[Transition] = []
        self._undone: list[Transition] = []

    @property
    def can_undo(self) -> bool:
        """Whether there is something to undo."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """Whether there is something to redo."""
        return bool(self._undone)

    def record(self, transition: Transition) -> None:
        """A fresh change: it can be undone, and nothing undone earlier can be redone."""
        self._done.append(transition)
        del self._done[: -self.limit]
        self._undone.clear()

    def next_undo(self) -> Transition | None:
        """What `u` would undo."""
        return self._done[-1] if self._done else None

    def next_redo(self) -> Transition | None:
        """What `U` would redo."""
        return self._undone[-1] if self._undone else None

    def undone(self, transition: Transition, redo: Transition) -> None:
        """`transition` was undone by writing `redo`'s reverse; `U` can now redo it."""
        if self._done and self._done[-1] is transition:
            self._done.pop()
        self._undone.append(redo)

    def redone(self, transition: Transition, undo: Transition) -> None:
        """`transition` was redone; `u` can undo it again."""
        if self._undone and self._undone[-1] is transition:
            self._undone.pop()
        self._done.append(undo)

    def forget(self, transition: Transition) -> None:
        """Drop an entry that can never apply again (its deal changed under it)."""
        for stack in (self._done, self._undone):
            if transition in stack:
                stack.remove(transition)
