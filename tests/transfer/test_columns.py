"""Header recognition: HubSpot, Pipedrive, sheets and Funnel's own names, without maps."""

from __future__ import annotations

import pytest

from board.errors import InvalidInput
from board.transfer.columns import FIELDS, field_for, plan_columns
from board.transfer.export import CSV_COLUMNS


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Deal Name", "title"),
        ("Title", "title"),
        ("Deal - Title", "title"),
        ("deal_name", "title"),
        ("Amount", "value"),
        ("Value", "value"),
        ("value ($)", "value"),
        ("Deal - Value", "value"),
        ("Deal Stage", "stage"),
        ("Stage", "stage"),
        ("Deal owner", "owner"),
        ("Owner", "owner"),
        ("Create Date", "created_at"),
        ("Deal created", "created_at"),
        ("created", "created_at"),
        ("Deal - Deal created", "created_at"),
        ("Close Date", "close_date"),
        ("Won time", "won_at"),
        ("Lost time", "lost_at"),
        ("Organization", "company"),
        ("Associated Company", "company"),
        ("Organization name", "company"),
        ("company name", "company"),
        ("Contact person", "contact"),
        ("Associated Contact", "contact"),
        ("Lost reason", "lost_reason"),
        ("Closed Lost Reason", "lost_reason"),
        ("Status", "status"),
        ("Source", "source"),
        ("Original Source", "source"),
        ("Lead source", "source"),
        ("Tags", "tags"),
        ("Labels", "tags"),
        ("Deal - Label", "tags"),
        ("Notes", "notes"),
        ("Description", "notes"),
        ("Last stage change", "stage_entered_at"),
        ("DEAL  NAME", "title"),
        ("Currency", "currency"),
    ],
)
def test_known_headers(header: str, field: str) -> None:
    assert field_for(header) is not None
    assert field_for(header)[0] == field  # type: ignore[index]


@pytest.mark.parametrize(
    "header",
    [
        "Pipeline",
        "Record ID",
        "Deal - Expected close date",
        "Amount in company currency",
        "Last Modified Date",
        "id",
    ],
)
def test_other_headers_are_ignored(header: str) -> None:
    assert field_for(header) is None


def test_funnel_s_own_columns_are_all_recognised() -> None:
    plan = plan_columns(CSV_COLUMNS)
    assert set(plan.fields) == set(FIELDS) - {"close_date"}
    assert plan.ignored == ("id", "updated_at")


def test_the_better_name_wins_and_the_other_column_is_ignored() -> None:
    plan = plan_columns(["Name", "Deal Name", "Amount", "Value"])
    assert plan.fields == {"title": 1, "value": 3}
    assert plan.ignored == ("Name", "Amount")


def test_maps_win_and_can_ignore_a_column() -> None:
    plan = plan_columns(["Deal Name", "Subject", "Amount"], ["Subject=title", "amount=ignore"])
    assert plan.fields == {"title": 1}
    assert plan.ignored == ("Deal Name", "Amount")
    assert plan.describe() == ["Subject → title"]


def test_a_table_without_a_title_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidInput, match="--map COLUMN=title"):
        plan_columns(["Amount", "Stage"])
