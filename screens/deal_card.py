"""How one deal looks on the board: four lines of text with named roles, and its badges.

Pure: no Textual here, so the wording of cards and badges is tested without an app. The
deal list turns roles into theme styles; every user string passes through `printable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.cells import cell_len, set_cell_size

from board.deal import Deal, Status
from board.money import money_display
from board.qualification import NO_RULES, QualificationRules, qualification_of
from board.stages import Stage, Team
from board.text import printable
from board.timestamps import age_text

CARD_HEIGHT = 5
"""Lines per card: title, company and value, owner and age, badges, a gap."""

Piece = tuple[str, str]
"""Text and its role (``title``, ``dim``, ``pending``, ...); roles become styles."""


@dataclass(frozen=True, slots=True)
class Badge:
    """A short flag on a card; the glyph keeps it readable without colour."""

    text: str
    role: str
    short: str = ""
    """A shorter form for narrow columns, keeping the number (``⇢ 19h left``)."""

    def fitted(self, width: int) -> str:
        """The longest form that fits ``width`` cells, cut only if none does."""
        for form in (self.text, self.short):
            if form and cell_len(form) <= width:
                return form
        return fit(self.short or self.text, width)


def badges(
    deal: Deal,
    stage: Stage,
    now: datetime,
    sla_hours: int,
    rules: QualificationRules = NO_RULES,
) -> list[Badge]:
    """The flags a card shows, most urgent first."""
    found: list[Badge] = []
    if deal.awaiting_acceptance:
        assert deal.handoff is not None
        left = deal.handoff.at + timedelta(hours=sla_hours) - now
        seconds = left.total_seconds()
        if seconds >= 0:
            due = age_text(seconds)
            found.append(Badge(f"⇢ accept in {due}", "pending", f"⇢{due} left"))
        else:
            late = age_text(-seconds)
            found.append(Badge(f"⇢ SLA late {late}", "overdue", f"⇢late {late}"))
    elif deal.is_open and deal.handoff is not None and deal.handoff.accepted_at is not None:
        found.append(Badge("✓ accepted", "accepted", "✓ acc."))
    if deal.is_open and now - deal.stage_entered_at > timedelta(days=stage.rot_days):
        # The same unit as the card's age beside it (``22w``, not ``158d``).
        rotting = age_text((now - deal.stage_entered_at).total_seconds())
        found.append(Badge(f"◷ rotting {rotting}", "rotting", f"◷{rotting}"))
    if deal.status is Status.WON:
        found.append(Badge("✓ won", "won"))
    if deal.sales_sourced:
        found.append(Badge("★ sales-sourced", "sourced", "★ sales"))
    if rules.gated and deal.is_open and stage.team is Team.MARKETING:
        state = qualification_of(deal, rules)
        count = f"{len(state.met)}/{len(rules.criteria)}"
        found.append(
            Badge(f"☑ {count} qualified", "qualified", f"☑ {count}")
            if state.qualified
            else Badge(f"☐ {count} criteria", "unqualified", f"☐ {count}")
        )
    return found


def fit(text: str, width: int) -> str:
    """Cut text to a number of cells, ending in an ellipsis when it was too long."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


def _spread(left: Piece, right: Piece, width: int) -> list[Piece]:
    # Left text gives way to the right text: a value or an age matters more than a name.
    right_text = fit(right[0], width)
    room = width - cell_len(right_text) - 1
    left_text = fit(left[0], room) if room > 0 else ""
    gap = max(width - cell_len(left_text) - cell_len(right_text), 0)
    return [(left_text, left[1]), (" " * gap, ""), (right_text, right[1])]


def card_lines(
    deal: Deal,
    stage: Stage,
    now: datetime,
    sla_hours: int,
    width: int,
    rules: QualificationRules = NO_RULES,
) -> list[list[Piece]]:
    """The card's lines (without the gap line), each cut to ``width`` cells."""
    title = printable(deal.title)
    company = printable(deal.company) or "—"
    value = money_display(deal.value, deal.currency, compact=width < 24)
    if deal.status is Status.WON and deal.won_at is not None:
        age = f"won {age_text((now - deal.won_at).total_seconds())}"
    else:
        age = age_text((now - deal.stage_entered_at).total_seconds())
    flags = badges(deal, stage, now, sla_hours, rules)
    badge_line: list[Piece] = []
    used = 0
    for badge in flags:
        text = badge.fitted(width - used - (1 if badge_line else 0))
        if not text:
            break
        if badge_line:
            badge_line.append((" ", ""))
            used += 1
        badge_line.append((text, badge.role))
        used += cell_len(text)
    return [
        [(fit(title, width), "title")],
        _spread((company, "dim"), (value, "value"), width),
        _spread((f"@{printable(deal.owner)}", "owner"), (age, "dim"), width),
        badge_line,
    ]
