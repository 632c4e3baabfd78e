"""``funnel report``: the weekly page as Markdown and as self-contained HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli_runner import Funnel, assert_one_line_error
from tests.metrics.alignment_month import NOVEMBER, build_month

HOSTILE = "<img src=x onerror=alert(1)> *bold* | [x](http://evil)"


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Funnel:
    """The hand-built month, plus a deal waiting on sales and one rotting in Interest."""
    f = build_month(tmp_path_factory.mktemp("report"))
    f.ok("add", HOSTILE, "--source", "webinar", "--stage", "consideration",
         "--at", "2026-11-16")  # fmt: skip
    f.ok("handoff", "6", "--override", "--reason", "</td><script>x</script>",
         "--at", "2026-11-17")  # fmt: skip
    f.ok("add", "Stale", "--stage", "interest", "--owner", "cy", "--at", "2026-10-01")
    return f


def write(f: Funnel, name: str, *args: str) -> str:
    out = f.db.parent.parent / name
    f.ok("report", *args, "-o", str(out))
    return out.read_text(encoding="utf-8")


def test_markdown_has_every_section_with_the_month_figures(month: Funnel) -> None:
    page = write(month, "november.md", *NOVEMBER)
    assert page.startswith("# Alignment 2026-11-01 → 2026-12-01\n")
    headings = re.findall(r"^## (.*)$", page, flags=re.MULTILINE)
    assert headings == [
        "Targets",
        "Both teams",
        "The funnel",
        "Handoff speed",
        "By source",
        "Handed off past the qualification gate",
        "Waiting on sales past the 24 h SLA (now)",
        "Rotting deals by owner (now)",
    ]
    assert "| MQLs | 4 | 40 | 10% | 26 | ↓ behind |" in page  # D1 D2 D3 and the hostile one
    assert "| ads | 2 | 1 | 1 | 1 | 0 | 0 | 1 | $0 | $1,500 | $750 | — |" in page
    assert "- webinar rejected: No budget ×1" in page
    assert "| #2 Globex | webinar |" in page and "| asked for a demo |" in page
    assert "| SLA breaches (answer within 24 h) | 2 |" in page  # D3, and the one waiting
    assert re.search(r"\| #6 .* \| webinar \| 84\.0 h \|", page)  # handed off 11-17 00:00
    assert "| cy | #7 Stale | Interest | 50 |" in page


def test_user_text_stays_text_in_markdown(month: Funnel) -> None:
    page = write(month, "november.md", *NOVEMBER)
    assert HOSTILE not in page
    assert r"\<img src=x onerror=alert(1)\> \*bold\* \| \[x\](http://evil)" in page
    assert r"\</td\>\<script\>x\</script\>" in page


def test_html_is_self_contained_printable_and_escaped(month: Funnel) -> None:
    page = write(month, "november.html", *NOVEMBER)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    tags = set(re.findall(r"<(/?[a-zA-Z!][a-zA-Z0-9]*)", page))
    assert {t.lstrip("/") for t in tags} <= {
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "p",
        "section", "svg", "text", "rect", "line", "table", "thead", "tbody", "tr", "th", "td",
    }  # fmt: skip
    assert not re.search(r"<[^>]*\b(src|href|on\w+)\s*=", page, flags=re.IGNORECASE)
    assert "url(" not in page and "@import" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; *bold* | [x](http://evil)" in page
    assert page.count("<svg") == 3  # targets, funnel, sources
    assert "@media print" in page
    assert '<td>ads</td><td class="n">2</td>' in page


def test_the_default_window_is_the_last_seven_days(month: Funnel) -> None:
    page = write(month, "week.md")
    assert page.startswith("# Alignment 2026-11-13 12:00 → 2026-11-20 12:00\n")


def test_bad_output_writes_nothing(month: Funnel, tmp_path: Path) -> None:
    before = month.fingerprint()
    result = month("report", "-o", str(tmp_path / "page.pdf"))
    assert_one_line_error(result, 2, "'page.pdf' ends in neither .md nor .html")
    missing = tmp_path / "no" / "such" / "dir.md"
    assert_one_line_error(month("report", "-o", str(missing)), 5)
    assert_one_line_error(month("report"), 2, "Missing option '-o'")
    assert month.fingerprint() == before and list(tmp_path.iterdir()) == []
