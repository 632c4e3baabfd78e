"""``FUNNEL_TEST_POSTGRES=required``: where PostgreSQL cannot run, its tests fail, not skip.

Each case runs a pytest of its own in which psycopg cannot be imported (as on a machine
without it): once for a module that skips as a whole, once for a test whose server fixture
skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:xdist", "-p", "no:cacheprovider"]
MODULE = ["tests/storage/test_postgres.py", "-k", "url_opens_the_postgres_backend"]
FIXTURE = ["tests/storage/test_repository_contract.py", "-k", "missing_store_reads_as_empty"]


def _pytest_without_psycopg(
    tmp_path: Path, selection: list[str], required: bool
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "no_psycopg.py").write_text("import sys\nsys.modules['psycopg'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    env.pop("FUNNEL_TEST_POSTGRES", None)
    if required:
        env["FUNNEL_TEST_POSTGRES"] = "required"
    return subprocess.run(
        [*PYTEST, "-p", "no_psycopg", *selection],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("selection", "required", "code", "counts"),
    [
        (MODULE, False, 5, ["1 skipped"]),  # 5: no test ran, which is no failure
        (MODULE, True, 2, ["1 error"]),
        (FIXTURE, False, 0, ["1 passed", "1 skipped"]),
        (FIXTURE, True, 1, ["1 passed", "1 error"]),
    ],
)
def test_postgres_tests_skip_saying_why_unless_required(
    tmp_path: Path, selection: list[str], required: bool, code: int, counts: list[str]
) -> None:
    done = _pytest_without_psycopg(tmp_path, selection, required)
    assert done.returncode == code, done.stdout
    summary = done.stdout.strip().splitlines()[-1]
    assert all(count in summary for count in counts), done.stdout
    assert ("skipped" in summary) != required, done.stdout
    assert "PostgreSQL tests need initdb and pg_ctl" in done.stdout
