"""Spreadsheet formula injection: cells that a spreadsheet would run are defused on export.

Following OWASP's advice on CSV injection, a cell starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return (or their full-width forms, which some spreadsheets also accept) gets
a leading ``'``, which spreadsheets show as text and do not display. A cell that already
starts with ``'`` gets one too, so that import can take exactly one off again: our own
exports round-trip; a foreign cell such as ``'=x`` is read as ``=x``.
"""

from __future__ import annotations

TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20'")


def neutralise(cell: str) -> str:
    """The cell as it is safe to put in a CSV meant for spreadsheets."""
    return "'" + cell if cell and cell[0] in TRIGGERS else cell


def restore(cell: str) -> str:
    """Inverse of `neutralise`, for reading a CSV back."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in TRIGGERS:
        return cell[1:]
    return cell
