"""The alignment page as Markdown (GitHub-flavoured tables), for a wiki or a pull request."""

from __future__ import annotations

import re

from board.alignment import AlignmentReport
from board.report_tables import Table, report_subtitle, report_tables, report_title
from board.stages import Pipeline

# What Markdown could read as markup anywhere in a line, so a deal titled "*urgent* | [x](y)"
# stays text; and what it reads as markup only at the start of one (headings, lists, quotes).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_LEADING = re.compile(r"^([#+\-=>])")
_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")  # "1. x" is a list; "1\. x" is not


def md_cell(text: str) -> str:
    """Text for a table cell (never at the start of a line): the inline specials escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def md_text(text: str) -> str:
    """Text for a line of its own: every Markdown special character escaped."""
    text = _LEADING.sub(r"\\\1", _SPECIAL.sub(r"\\\1", text))
    return _ORDERED.sub(r"\1\\\2", text)


def report_markdown(report: AlignmentReport, pipeline: Pipeline) -> str:
    """The whole page."""
    lines = [f"# {md_text(report_title(report))}", "", f"*{md_text(report_subtitle(report))}*"]
    for table in report_tables(report, pipeline):
        lines += ["", f"## {md_text(table.title)}", "", *_table(table)]
        if table.notes:
            lines += ["", *(f"- {md_text(note)}" for note in table.notes)]
    return "\n".join(lines) + "\n"


def _table(table: Table) -> list[str]:
    if not table.rows:
        return [md_text(table.empty)]
    rule = ["---:" if i in table.right else "---" for i in range(len(table.headers))]
    rows = [table.headers, tuple(rule), *(tuple(map(md_cell, row)) for row in table.rows)]
    head = tuple(md_cell(h) for h in table.headers)
    rows[0] = head
    return [f"| {' | '.join(row)} |" for row in rows]
