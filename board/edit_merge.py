"""An edit refused as a conflict, merged onto the deal as it is now (a three-way merge by field).

The person edited the deal as they saw it (``base``); meanwhile someone changed it (``fresh``).
Each field the person changed that nobody else touched is carried over; a field both changed,
to different values, is a clash: the colleague's value stays and the person is shown theirs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from board.deal import Deal, DealChanges


@dataclass(frozen=True, slots=True)
class Clash:
    """A field both people changed: what this person typed, and what it is now."""

    field: str
    mine: object
    theirs: object


@dataclass(frozen=True, slots=True)
class MergedEdit:
    """What to put back in the edit form over the fresh deal, and what clashed."""

    carried: DealChanges
    """The person's changes nobody else made (None for every other field)."""
    clashes: tuple[Clash, ...]


def changes_of(deal: Deal) -> DealChanges:
    """Every editable field of ``deal``, as changes (to compare with what was there)."""
    return DealChanges(
        **{field.name: getattr(deal, field.name) for field in dataclasses.fields(DealChanges)}
    )


def merge_edit(base: Deal, mine: DealChanges, fresh: Deal) -> MergedEdit:
    """Carry the fields changed in ``mine`` (against ``base``) over to ``fresh``."""
    carried: dict[str, object] = {}
    clashes: list[Clash] = []
    for field in dataclasses.fields(DealChanges):
        name = field.name
        typed = getattr(mine, name)
        if typed is None or typed == getattr(base, name):
            continue  # the person did not change it
        now = getattr(fresh, name)
        if now == getattr(base, name) or now == typed:
            carried[name] = typed  # only they changed it (or both the same way)
        else:
            clashes.append(Clash(name, typed, now))
    return MergedEdit(DealChanges(**carried), tuple(clashes))  # type: ignore[arg-type]
