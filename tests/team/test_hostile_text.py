"""Text from a colleague's store never reaches another rep's terminal raw.

The rules refuse control characters on the way in, but anyone in the group can edit the
file by hand, and an older build may have let one through: the store is untrusted input.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest

from board import journey
from board.deal import Deal, Event, EventKind
from board.spend import Spend, Team
from screens.deal_detail import DealDetail
from storage import open_repository
from tests.storage.conftest import T0, P, maker, minutes
from tests.team.conftest import Store
from tests.tui.conftest import loaded, make_app, screen_text

ESC = "\x1b[2J\x1b[31mred"
OSC = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07"
C1 = "\x9b31mcsi"
NUL = "a\x00b"
BIDI = "\u202egnp.exe\u2066x\u2069"
MARKUP = "[bold red]x[/] [@click=app.quit]q[/]"
HOSTILE = " ".join((MARKUP, ESC, OSC, C1, NUL, BIDI))

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What must never be written to a terminal: C0/C1 controls (but tab and newline), DEL, bidi."""


def hostile_deal(deal_id: int, *, lost: bool) -> Deal:
    """A deal handed off (and lost), every text field and every name in it hostile."""
    deal = maker("plain", stage="consideration")(deal_id)
    deal = journey.handoff(deal, pipeline=P, by="maya", now=minutes(1), note="fine")
    if lost:
        deal = journey.lose(deal, by="sam", now=minutes(2), reason="fine")
    assert deal.handoff is not None
    history = tuple(
        dataclasses.replace(event, by=f"x{ESC}", data={**event.data, "note": HOSTILE})
        for event in deal.history
    )
    # The handoff went past the qualification gate, with a hostile reason and criterion.
    history = tuple(
        dataclasses.replace(
            event, data={**event.data, "override": True, "reason": HOSTILE, "missing": [HOSTILE]}
        )
        if event.kind is EventKind.HANDOFF
        else event
        for event in history
    )
    return dataclasses.replace(
        deal,
        title=HOSTILE,
        company=HOSTILE,
        contact=HOSTILE,
        notes=f"{HOSTILE}\n{HOSTILE}",
        owner=f"o{OSC}",
        source=HOSTILE,
        tags=(HOSTILE,),
        lost_reason=HOSTILE,
        history=(*history, Event(minutes(3), f"b{BIDI}", history[-1].kind, {"note": HOSTILE})),
        handoff=dataclasses.replace(deal.handoff, by=f"h{C1}", note=HOSTILE, reason=HOSTILE),
    )


@pytest.fixture
def planted(team: Store) -> Store:
    repo = open_repository(team.db)
    repo.add_many(
        lambda first: [hostile_deal(first, lost=True), hostile_deal(first + 1, lost=False)]
    )
    repo.add_spend(
        lambda i: Spend(
            id=i,
            amount=Decimal("10.00"),
            team=Team.MARKETING,
            on=T0,
            channel=HOSTILE,
            note=HOSTILE,
            by=f"s{ESC}",
        )
    )
    return team


COMMANDS = [
    ("list", "--status", "all"),
    ("list", "--status", "all", "--json"),
    ("show", "1"),
    ("show", "1", "--json"),
    ("show", "2"),
    ("log",),
    ("log", "1"),
    ("log", "--json"),
    ("export",),
    ("export", "--format", "json"),
    ("export", "--format", "jsonl"),
    ("spend", "list"),
    ("spend", "list", "--json"),
    ("metrics", "--since", "2020-01-01", "--by", "source"),
    ("metrics", "--since", "2020-01-01", "--by", "source", "--json"),
    ("metrics", "--since", "2020-01-01", "--by", "owner"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_cli_never_prints_control_or_bidi_characters(
    planted: Store, args: tuple[str, ...]
) -> None:
    result = planted.run(*args)
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert "pwned" in shown or "10.00" in shown  # the hostile text is there, defused
    found = RAW.search(shown)
    assert found is None, f"raw U+{ord(found.group()):04X} in {args}" if found else ""


@pytest.mark.parametrize("name", ["page.md", "page.html"])
def test_the_alignment_report_holds_no_control_characters(
    planted: Store, tmp_path: Path, name: str
) -> None:
    result = planted.run("report", "--since", "2020-01-01", "-o", str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / name).read_text(encoding="utf-8")
    assert "pwned" in page and "Handed off past the qualification gate" in page
    found = RAW.search(page)
    assert found is None, f"raw U+{ord(found.group()):04X} in {name}" if found else ""


async def test_the_board_shows_it_literally(planted: Store) -> None:
    app = make_app(planted.db)
    async with app.run_test(size=(200, 50)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert "[bold red]x[/]" in text and "@o\\x1b]0;pwned" in text
        assert RAW.search(text) is None
        await pilot.press("4", "enter")  # the open hostile deal, in Purchase
        await pilot.pause()
        assert isinstance(app.screen, DealDetail)
        detail = screen_text(app)
        assert "[@click=app.quit]q[/]" in detail and "\\x1b]0;pwned" in detail
        assert RAW.search(detail) is None
        assert app.is_running


def test_the_store_keeps_the_text_as_it_was(planted: Store) -> None:
    deal = open_repository(planted.db).get(1)
    assert deal.title == HOSTILE and deal.owner == f"o{OSC}"
    assert isinstance(planted.db, Path)
