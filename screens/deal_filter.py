"""Which deals the board shows: a typed filter, one owner, or only my deals."""

from __future__ import annotations

from dataclasses import dataclass

from board.deal import Deal
from board.deal_search import matches_words


@dataclass(frozen=True, slots=True)
class DealFilter:
    """What the person narrowed the board to; the empty filter shows everything."""

    text: str = ""
    """Words typed after ``/``; a deal matches when every word appears in one of its fields."""
    owner: str | None = None
    """Only this owner's deals (``m`` sets it to the person at the keyboard, ``o`` picks one)."""

    @property
    def active(self) -> bool:
        """Whether anything is filtered out."""
        return bool(self.text.strip()) or self.owner is not None

    def matches(self, deal: Deal) -> bool:
        """Whether the deal passes both the owner and the text filter."""
        if self.owner is not None and deal.owner != self.owner:
            return False
        return matches_words(deal, self.text)

    def describe(self) -> str:
        """A short line for the status bar: ``owner sam · "acme"``."""
        parts = []
        if self.owner is not None:
            parts.append(f"owner {self.owner}")
        if self.text.strip():
            parts.append(f'"{self.text.strip()}"')
        return " · ".join(parts)
