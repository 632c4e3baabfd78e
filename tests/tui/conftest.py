"""TUI fixtures: a real store under tmp_path with fixed deals, a frozen clock, a pinned user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from textual.pilot import Pilot

from board import journey
from board.deal import Deal, DealDraft
from board.settings import Settings
from board.stages import DEFAULT_PIPELINE
from screens.app import FunnelApp
from screens.board_screen import BoardScreen
from storage import open_repository
from storage.repository import Repository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SETTINGS = Settings()
P = DEFAULT_PIPELINE
USER = "sam"


def days_ago(days: float) -> datetime:
    """A moment ``days`` before NOW."""
    return NOW - timedelta(days=days)


def draft(title: str, stage: str, owner: str, value: str = "1000", **fields: object) -> DealDraft:
    """A draft with the usual fields filled in."""
    return DealDraft(title=title, stage=stage, owner=owner, value=Decimal(value), **fields)  # type: ignore[arg-type]


def create(
    deal_id: int,
    title: str,
    stage: str,
    owner: str = "maya",
    *,
    value: str = "1000",
    age_days: float = 2,
    **fields: object,
) -> Deal:
    """A deal created ``age_days`` ago directly in ``stage``."""
    at = days_ago(age_days)
    return journey.new_deal(
        draft(title, stage, owner, value, **fields), deal_id=deal_id, pipeline=P, by=owner, now=at
    )


def board_deals(first_id: int) -> list[Deal]:
    """The fixed board most tests use: every kind of card once.

    1 Acme renewal (awareness, maya), 2 Globex pilot (interest, rotting), 3 Initech platform
    (consideration = MQL), 4 Hooli expansion (purchase, handed off 5 hours ago, pending),
    5 Umbrella seats (purchase, accepted), 6 Stark add-on (purchase, sales-sourced),
    7 Wayne annual (customer, won), 8 Soylent migration (lost, hidden).
    """
    i = first_id
    acme = create(
        i,
        "Acme renewal",
        "awareness",
        value="12500",
        company="Acme",
        source="seo",
        tags=("priority",),
    )
    globex = create(
        i + 1, "Globex pilot", "interest", "theo", value="8000", company="Globex", age_days=40
    )
    initech = create(
        i + 2,
        "Initech platform deal",
        "consideration",
        value="30000",
        company="Initech",
        source="webinar",
    )
    hooli = create(
        i + 3, "Hooli expansion", "consideration", value="20000", company="Hooli", age_days=3
    )
    hooli = journey.handoff(
        hooli, pipeline=P, by="maya", now=NOW - timedelta(hours=5), note="budget approved"
    )
    umbrella = create(
        i + 4, "Umbrella seats", "consideration", value="15000", company="Umbrella", age_days=4
    )
    umbrella = journey.handoff(umbrella, pipeline=P, by="maya", now=days_ago(3))
    umbrella = journey.accept(umbrella, by=USER, now=days_ago(2))
    stark = create(i + 5, "Stark add-on", "purchase", USER, value="5000", company="Stark")
    wayne = create(
        i + 6,
        "Wayne annual contract",
        "purchase",
        "lena",
        value="40000",
        company="Wayne",
        age_days=10,
    )
    wayne = journey.win(wayne, pipeline=P, by="lena", now=days_ago(1))
    soylent = create(i + 7, "Soylent migration", "purchase", "lena", value="9000")
    soylent = journey.lose(soylent, by="lena", now=days_ago(1), reason="no budget")
    return [acme, globex, initech, hooli, umbrella, stark, wayne, soylent]


def seed(path: Path, make: Callable[[int], Iterable[Deal]]) -> list[Deal]:
    """Write deals to the store at ``path`` through the repository."""
    return open_repository(path).add_many(lambda first: list(make(first)))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """An empty store's path."""
    return tmp_path / "board.json"


@pytest.fixture
def board_store(store: Path) -> Path:
    """A store holding `board_deals`."""
    seed(store, board_deals)
    return store


def reopen(path: Path) -> Repository:
    """A fresh repository on the same file: what another process would see."""
    return open_repository(path)


def stored(path: Path, deal_id: int) -> Deal:
    """The deal as the store holds it now."""
    return reopen(path).get(deal_id)


def make_app(
    path: Path, *, user: str = USER, clock: Callable[[], datetime] = lambda: NOW
) -> FunnelApp:
    """The app on a store, with the frozen clock and no blinking cursors."""
    return FunnelApp(
        open_repository(path, lock_timeout=1.0),
        SETTINGS,
        clock=clock,
        user=user,
        cursor_blink=False,
    )


def board_of(app: FunnelApp) -> BoardScreen:
    """The board screen (under any modal)."""
    for screen in app.screen_stack:
        if isinstance(screen, BoardScreen):
            return screen
    raise AssertionError("no board screen")


def screen_text(app: FunnelApp) -> str:
    """What the terminal shows for the top screen, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def until(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 3.0) -> None:
    """Let the app run until ``check()`` holds; fail after ``timeout`` seconds."""
    waited = 0.0
    while not check():
        if waited >= timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        await pilot.pause(0.05)
        waited += 0.05


async def loaded(pilot: Pilot[None]) -> BoardScreen:
    """Wait for the store to be read whole (open deals, then closed ones); the board screen."""
    app = pilot.app
    assert isinstance(app, FunnelApp)
    await until(
        pilot,
        lambda: any(
            isinstance(s, BoardScreen) and s.loaded and s.complete for s in app.screen_stack
        ),
    )
    await pilot.pause()
    return board_of(app)


async def settled(pilot: Pilot[None]) -> None:
    """Wait until every queued write has landed and the board shows it."""
    app = pilot.app
    assert isinstance(app, FunnelApp)
    board = board_of(app)
    await until(pilot, lambda: not board.saving)
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type text key by key, as a person would."""
    names = {
        " ": "space",
        "/": "slash",
        ",": "comma",
        ".": "full_stop",
        "[": "left_square_bracket",
        "]": "right_square_bracket",
        "@": "at",
        "-": "minus",
        "'": "apostrophe",
    }
    await pilot.press(*(names.get(char, char) for char in text))


def selected_id(app: FunnelApp) -> int | None:
    """Id of the deal under the board's cursor."""
    deal = board_of(app).selected
    return deal.id if deal else None
