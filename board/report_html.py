"""The alignment page as one self-contained HTML file: inline SVG charts, no script, no fetch.

Everything is in the file (styles, charts), so it opens offline, mails as an attachment and
prints on one or two pages in black and white: charts carry their numbers as text, and
bars differ by shade and by label, never by colour alone.
"""

from __future__ import annotations

from html import escape

from board.alignment import AlignmentReport
from board.metrics_report import rate_text, stage_label
from board.report_tables import Table, report_subtitle, report_tables, report_title
from board.stages import Pipeline
from board.targets import TARGET_LABELS
from board.text import printable

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; color: #111; background: #fff;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #999; margin-top: 1.6rem; }
.sub { color: #444; margin-top: .2rem; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { padding: .15rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
th { border-bottom: 1px solid #555; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
p.note { color: #333; margin: .2rem 0; }
svg { display: block; margin: .4rem 0; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #111; }
.bar { fill: #555; } .track { fill: #eee; stroke: #999; } .pace { stroke: #000; stroke-width: 2; }
.won { fill: #111; } .lead { fill: #bbb; }
.handoff { stroke: #000; stroke-dasharray: 4 3; }
@page { margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  section { break-inside: avoid; }
}
"""


def _e(text: str) -> str:
    return escape(printable(text), quote=True)


def _label(text: str, width: int) -> str:
    """A chart label cut to ``width`` characters, so it never runs into its bar."""
    text = printable(text)
    return escape(text if len(text) <= width else text[: width - 1] + "…", quote=True)


def report_html(report: AlignmentReport, pipeline: Pipeline) -> str:
    """The whole page."""
    charts = {
        "Targets": _targets_chart(report),
        "The funnel": _funnel_chart(report, pipeline),
        "By source": _sources_chart(report),
    }
    body = [
        f"<h1>{_e(report_title(report))}</h1>",
        f'<p class="sub">{_e(report_subtitle(report))}</p>',
    ]
    for table in report_tables(report, pipeline):
        body.append(f"<section>\n<h2>{_e(table.title)}</h2>")
        body.append(charts.get(table.title, ""))
        body.append(_table(table))
        body += [f'<p class="note">{_e(note)}</p>' for note in table.notes]
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(report_title(report))}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )


def _table(table: Table) -> str:
    if not table.rows:
        return f'<p class="note">{_e(table.empty)}</p>' if table.empty else ""

    def cell(tag: str, i: int, text: str) -> str:
        numeric = ' class="n"' if i in table.right else ""
        return f"<{tag}{numeric}>{_e(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(table.headers))
    rows = [
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in table.rows
    ]
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


def _svg(width: int, height: int, label: str, parts: list[str]) -> str:
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{_e(label)}">\n' + "\n".join(parts) + "\n</svg>"
    )


def _targets_chart(report: AlignmentReport) -> str:
    """Each target as a track: the bar is the actual, the black tick today's expected pace."""
    if not report.targets:
        return ""
    track, left, row = 420, 110, 26
    parts = []
    for i, p in enumerate(report.targets):
        y = 6 + i * row
        scale = max(p.target, p.actual, p.expected) or 1
        done = float(p.actual / scale) * track
        pace = float(p.expected / scale) * track
        goal = float(p.target / scale) * track
        parts += [
            f'<text x="0" y="{y + 13}">{_e(TARGET_LABELS[p.name])}</text>',
            f'<rect class="track" x="{left}" y="{y}" width="{goal:.1f}" height="16"/>',
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{done:.1f}" height="10"/>',
            f'<line class="pace" x1="{left + pace:.1f}" x2="{left + pace:.1f}" y1="{y - 2}"'
            f' y2="{y + 18}"/>',
            f'<text x="{left + track + 8}" y="{y + 13}">{_e(rate_text(p.progress))}'
            f"{'' if p.on_pace else ' (behind pace)'}</text>",
        ]
    height = 12 + len(report.targets) * row
    return _svg(left + track + 130, height, "Progress toward each target", parts)


def _funnel_chart(report: AlignmentReport, pipeline: Pipeline) -> str:
    """The window's new deals by the furthest stage reached: one centred bar per stage."""
    steps = report.metrics.stage_conversion
    if not steps:
        return ""
    stages = [(steps[0].from_stage, steps[0].reached_from)]
    stages += [(s.to_stage, s.reached_to) for s in steps]
    top = max(count for _, count in stages) or 1
    width, left, row = 360, 130, 24
    parts = []
    for i, (key, count) in enumerate(stages):
        y = 4 + i * row
        if key == pipeline.first_sales.key:  # the line between the teams, as on the board
            parts += [
                f'<line class="handoff" x1="0" x2="{left + width}" y1="{y - 3}" y2="{y - 3}"/>',
                f'<text x="{left + width + 36}" y="{y + 1}">handoff</text>',
            ]
        bar = width * count / top
        x = left + (width - bar) / 2
        parts += [
            f'<text x="0" y="{y + 14}">{_label(stage_label(pipeline, key), 18)}</text>',
            f'<rect class="bar" x="{x:.1f}" y="{y}" width="{bar:.1f}" height="18"/>',
            f'<text x="{left + width + 8}" y="{y + 14}">{count}</text>',
        ]
    return _svg(left + width + 70, 8 + len(stages) * row, "The funnel", parts)


def _sources_chart(report: AlignmentReport) -> str:
    """Leads (light) and deals won (dark) per source, each bar labelled with its count."""
    if not report.sources:
        return ""
    top = max(max(r.metrics.leads, r.metrics.won) for r in report.sources) or 1
    width, left, row = 360, 110, 34
    parts = []
    for i, r in enumerate(report.sources):
        y = 4 + i * row
        leads = width * r.metrics.leads / top
        won = width * r.metrics.won / top
        parts += [
            f'<text x="0" y="{y + 18}">{_label(r.key or "(none)", 14)}</text>',
            f'<rect class="lead" x="{left}" y="{y}" width="{leads:.1f}" height="13"/>',
            f'<text x="{left + leads + 6:.1f}" y="{y + 11}">{r.metrics.leads} leads</text>',
            f'<rect class="won" x="{left}" y="{y + 15}" width="{won:.1f}" height="13"/>',
            f'<text x="{left + won + 6:.1f}" y="{y + 26}">{r.metrics.won} won</text>',
        ]
    return _svg(left + width + 90, 8 + len(report.sources) * row, "Leads and wins by source", parts)
