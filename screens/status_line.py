"""The line above the board: which store, how many open deals, what is filtered, who I am."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from board.text import printable
from screens.deal_filter import DealFilter


class StatusLine(Static):
    """One line of state; user text in it is never markup."""

    problem = ""
    """Why the store could not be read, shown instead of "loading…" until a read succeeds."""

    def show(
        self,
        store: str,
        open_count: int | None,
        deal_filter: DealFilter,
        *,
        saving: bool,
        user: str,
    ) -> None:
        """Redraw; ``open_count`` is None until the store has been read."""
        parts = [Content.styled(" FUNNEL ", "bold reverse"), Content(f" {printable(store)}")]
        if open_count is None and self.problem:
            parts.append(Content.styled(f"  {self.problem}", "bold $text-error"))
        elif open_count is None:
            parts.append(Content("  loading…"))
        else:
            parts.append(Content(f"  {open_count:,} open"))
            if deal_filter.active:
                parts.append(
                    Content.styled(
                        f"  showing: {printable(deal_filter.describe())}", "bold $text-warning"
                    )
                )
        if saving:
            parts.append(Content.styled("  saving…", "$text-muted"))
        parts.append(Content.styled(f"  @{printable(user)}", "$text-muted"))
        self.update(Content.assemble(*parts), layout=False)  # one line, always
