"""Card wording and badges, without an app: pure functions of a deal and the clock."""

from __future__ import annotations

from datetime import timedelta

from board import journey
from screens.column_data import build_columns
from screens.deal_card import CARD_HEIGHT, badges, card_lines, fit
from screens.deal_filter import DealFilter
from tests.tui.conftest import NOW, P, board_deals, create


def texts(deal_badges: list) -> list[str]:  # type: ignore[type-arg]
    return [badge.text for badge in deal_badges]


def test_a_pending_handoff_counts_down_the_sla_then_shows_how_late_it_is() -> None:
    deal = create(1, "Acme", "consideration", age_days=3)
    deal = journey.handoff(deal, pipeline=P, by="maya", now=NOW - timedelta(hours=5))
    purchase = P.get("purchase")
    assert texts(badges(deal, purchase, NOW, 24)) == ["⇢ accept in 19h"]
    late = badges(deal, purchase, NOW + timedelta(hours=30), 24)
    assert texts(late) == ["⇢ SLA late 11h"] and late[0].role == "overdue"


def test_accepted_rotting_won_and_sales_sourced_badges() -> None:
    interest = P.get("interest")
    fresh = create(1, "Fresh", "interest", age_days=21)
    rotten = create(2, "Old", "interest", age_days=22)
    assert texts(badges(fresh, interest, NOW, 24)) == []
    assert texts(badges(rotten, interest, NOW, 24)) == ["◷ rotting 22d"]
    sourced = create(3, "Outbound", "purchase")
    won = journey.win(sourced, pipeline=P, by="sam", now=NOW)
    assert texts(badges(sourced, P.get("purchase"), NOW, 24)) == ["★ sales-sourced"]
    assert texts(badges(won, P.get("customer"), NOW, 24)) == ["✓ won", "★ sales-sourced"]


def test_card_lines_fit_the_width_and_keep_value_and_age() -> None:
    deal = create(
        1,
        "A very long opportunity title indeed",
        "awareness",
        value="12500",
        company="Some Company With A Long Name",
    )
    for width in (14, 20, 40):
        lines = card_lines(deal, P.get("awareness"), NOW, 24, width)
        assert len(lines) == CARD_HEIGHT - 1
        for line in lines:
            assert sum(len(text) for text, _ in line) <= width
        assert "".join(text for text, _ in lines[1]).rstrip().endswith(("$12.5k", "$12,500"))
        assert "".join(text for text, _ in lines[2]).rstrip().endswith("2d")


def test_fit_cuts_with_an_ellipsis_by_cells() -> None:
    assert fit("Acme", 10) == "Acme"
    assert fit("Acme renewal", 6) == "Acme…"
    assert fit("日本語のタイトル", 5) == "日本…"
    assert fit("x", 0) == ""


def test_columns_hide_lost_deals_and_show_won_ones_in_the_customer_column() -> None:
    columns = build_columns(board_deals(1), P)
    shown = {column.stage.key: [deal.id for deal in column.deals] for column in columns}
    assert shown == {
        "awareness": [1],
        "interest": [2],
        "consideration": [3],
        "purchase": [4, 5, 6],
        "customer": [7],
    }
    purchase = columns[3]
    assert purchase.total == 40_000 and purchase.weighted == 20_000
    assert [deal.id for deal in purchase.waiting] == [4]
    mine = build_columns(board_deals(1), P, DealFilter(owner="sam"))
    assert [deal.id for column in mine for deal in column.deals] == [6]


def test_a_qualification_badge_keeps_its_count_in_a_narrow_column() -> None:
    from board.qualification import QualificationRules

    rules = QualificationRules(criteria=("budget", "authority", "need"), required=2)
    deal = create(1, "Acme", "consideration")
    (badge,) = badges(deal, P.get("consideration"), NOW, 24, rules)
    assert badge.fitted(20) == "☐ 0/3 criteria"
    assert badge.fitted(8) == "☐ 0/3"  # the count, not "☐ 0/3 c…"
