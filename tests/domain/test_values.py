"""Money, text and timestamps: what people type, and what reaches a terminal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from board.errors import InvalidInput
from board.money import money_display, money_text, parse_money
from board.text import (
    _CONTROL,
    _CONTROL_ONE_LINE,
    clean_line,
    clean_login,
    clean_notes,
    printable,
    strip_controls,
)
from board.timestamps import (
    _ISO,
    _ISO_MAX,
    age_text,
    check_not_future,
    from_iso,
    iso,
    parse_moment,
    utc,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12500", "12500.00"),
        ("12,500.50", "12500.50"),
        ("12.5k", "12500.00"),
        ("$12,500.00", "12500.00"),
        ("1.5M", "1500000.00"),
        (" 0 ", "0.00"),
        (".5", "0.50"),
        ("USD 99.99", "99.99"),
        ("€1,000", "1000.00"),
        ("1.23456k", "1234.56"),
    ],
)
def test_parse_money_accepts_what_people_type(raw: str, expected: str) -> None:
    assert money_text(parse_money(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "-1",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1.234",
        "12,50",
        "1e3",
        "",
        "abc",
        "1.2.3",
        "1e999",
        "1.234567k",
        "1000000000000",
    ],
)
def test_parse_money_refuses_bad_amounts(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_money(raw)


def test_money_display() -> None:
    assert money_display(Decimal("12500.00")) == "$12,500"
    assert money_display(Decimal("12500.50")) == "$12,500.50"
    assert money_display(Decimal("12500"), compact=True) == "$12.5k"
    assert money_display(Decimal("2000000"), "EUR", compact=True) == "€2M"
    assert money_display(Decimal("10"), "SEK") == "10 SEK"


@pytest.mark.parametrize(
    "bad", ["\x1b[2J", "a\x00b", "\x07", "x\x9bm", "\u202eabc", "\u2066x", "line\nbreak", "\x7f"]
)
def test_one_line_fields_refuse_control_characters(bad: str) -> None:
    with pytest.raises(InvalidInput, match="control character"):
        clean_line(bad, "title")


def test_notes_keep_newlines_and_tabs_but_refuse_escapes() -> None:
    assert clean_notes("a\r\n\tb") == "a\n\tb"
    with pytest.raises(InvalidInput):
        clean_notes("x\x1b]8;;http://evil\x1b\\")


def test_printable_makes_controls_visible() -> None:
    assert printable("a\x1b[31mb") == "a\\x1b[31mb"
    assert printable("rtl\u202e") == "rtl\\u202e"
    assert printable("[bold]x[/]") == "[bold]x[/]"
    assert printable("a\nb", keep_newlines=True) == "a\nb"
    assert strip_controls("a\x1bb\u202ec") == "abc"


@pytest.mark.parametrize("login", ["ann", "j.doe", "ann_b-2", "jane@example.com"])
def test_logins(login: str) -> None:
    assert clean_login(login) == login


@pytest.mark.parametrize("login", ["", "two words", "-dash", "x" * 65, "a;rm"])
def test_bad_logins(login: str) -> None:
    with pytest.raises(InvalidInput):
        clean_login(login)


def test_timestamps_are_utc_with_z() -> None:
    moment = datetime(2026, 11, 20, 14, 30, 15, 999, tzinfo=UTC)
    assert iso(moment) == "2026-11-20T14:30:15Z"
    assert from_iso("2026-11-20T14:30:15Z") == moment.replace(microsecond=0)
    assert from_iso("2026-11-20T16:30:15+02:00") == moment.replace(microsecond=0)


def test_parse_moment_forms() -> None:
    assert iso(parse_moment("2026-11-20")) == "2026-11-20T00:00:00Z"
    assert iso(parse_moment("2026-11-20T14:30Z")) == "2026-11-20T14:30:00Z"
    assert iso(parse_moment("2026-11-20 14:30")) == "2026-11-20T14:30:00Z"
    with pytest.raises(InvalidInput, match="not a date"):
        parse_moment("yesterday")


def test_future_moments_are_refused_but_small_skew_is_forgiven() -> None:
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="future"):
        check_not_future(parse_moment("2026-11-21"), now)
    assert check_not_future(parse_moment("2026-11-20T00:00:30Z"), now) == now


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (59, "0m"),
        (600, "10m"),
        (3600 * 5, "5h"),
        (86400 * 3, "3d"),
        (86400 * 100, "14w"),
        (86400 * 800, "2y"),
        (-5, "0m"),
    ],
)
def test_age_text(seconds: float, text: str) -> None:
    assert age_text(seconds) == text


def test_counted_nouns_agree_with_their_count() -> None:
    from board.text import counted

    assert [counted(n, "deal") for n in (0, 1, 2, 1200)] == [
        "0 deals",
        "1 deal",
        "2 deals",
        "1,200 deals",
    ]


def test_a_moment_under_a_minute_ago_reads_just_now() -> None:
    from datetime import UTC, datetime, timedelta

    from board.timestamps import moment_text

    now = datetime(2026, 12, 1, 2, 49, 30, tzinfo=UTC)
    assert moment_text(now - timedelta(seconds=20), now) == "2026-12-01 02:49 UTC (just now)"
    assert moment_text(now - timedelta(hours=3), now) == "2026-11-30 23:49 UTC (3h ago)"
    assert moment_text(None, now) == "—"


@settings(max_examples=300)
@given(
    st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2090, 1, 1),
        timezones=st.one_of(st.none(), st.timezones()),
    )
)
def test_iso_of_a_moment_seen_before_is_the_same_text(moment: datetime) -> None:
    # iso() remembers moments it formatted; an equal moment (the same instant in another
    # zone, say) must give the same text as formatting it afresh.
    fresh = utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert iso(moment) == fresh
    assert iso(utc(moment)) == fresh
    assert iso(moment) == fresh


def test_iso_remembers_a_bounded_number_of_moments() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minute in range(_ISO_MAX + 10):
        iso(start + timedelta(minutes=minute))
    assert len(_ISO) <= _ISO_MAX


REFUSED_OR_NOT = ["\x00", "\t", "\n", "\x1b", "\x7f", "\x85", "\x9f", "\xa0", "\u061c"]
REFUSED_OR_NOT += ["\u200e", "\u202e", "\u2066", "\u2069", "\u2028", "\u2029", "\ufeff"]


@given(
    st.text(
        alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(REFUSED_OR_NOT)),
        max_size=8,
    )
)
def test_text_with_a_refused_character_is_never_printable(text: str) -> None:
    # clean_line and clean_notes skip the search for refused characters in printable text.
    if _CONTROL_ONE_LINE.search(text) or _CONTROL.search(text):
        assert not text.isprintable()
