"""Finding deals by the words people remember: the board's ``/`` and ``funnel list --search``."""

from __future__ import annotations

from board.deal import Deal


def matches_words(deal: Deal, text: str) -> bool:
    """Whether every word of ``text`` is in the title, company, owner, source or a tag."""
    words = text.casefold().split()
    if not words:
        return True
    haystack = " ".join((deal.title, deal.company, deal.owner, deal.source, *deal.tags)).casefold()
    return all(word in haystack for word in words)
