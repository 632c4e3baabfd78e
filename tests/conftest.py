"""Fixtures every test package may use: a throwaway PostgreSQL server (see `tests.pg`).

Where PostgreSQL cannot run, its tests are skipped, saying why; with
``FUNNEL_TEST_POSTGRES=required`` (as CI sets it, having installed the server) each such skip
is a failure instead, so a broken install never passes as a green run without them.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from tests.pg import pg_database, pg_server

__all__ = ["pg_database", "pg_server"]


def _required_but_skipped(report: pytest.CollectReport | pytest.TestReport) -> bool:
    return (
        os.environ.get("FUNNEL_TEST_POSTGRES") == "required"
        and report.skipped
        and "PostgreSQL" in str(report.longrepr)
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if _required_but_skipped(report):
        report.outcome = "failed"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None]:
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if _required_but_skipped(report):
        report.outcome = "failed"
