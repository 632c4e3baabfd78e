"""Funnel's domain: the customer journey, deals, the marketing→sales handoff and the metrics.

Plain Python only: nothing here imports Textual, TinyDB, click or platformdirs, except the
command-line entry point (`board.cli`), which wires the domain to storage and screens.
"""

__version__ = "0.1.0"
