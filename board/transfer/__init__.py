"""Bringing a pipeline in and out: CSV, JSON and JSONL export, and import from other CRMs.

Pure code: it reads and writes bytes and strings, and builds deals through `board.journey`;
the command line (`board.cli.transfer`) owns files, the store and the terminal.
"""
