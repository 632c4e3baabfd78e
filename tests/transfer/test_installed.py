"""The installed ``funnel`` console script imports and exports, with its documented exit codes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.transfer.conftest import FIXTURES, Funnel
from tests.transfer.test_completion import FUNNEL


def test_installed_import_and_export_end_to_end(funnel: Funnel, tmp_path: Path) -> None:
    env = {**os.environ, **funnel.env}
    run = subprocess.run(
        [FUNNEL, "import", str(FIXTURES / "pipedrive_deals.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (run.returncode, run.stdout) == (0, "")
    assert run.stderr == "Imported 6 deals (ids 1–6): 3 open, 2 won, 1 lost.\n"
    out = tmp_path / "pipeline.jsonl"
    run = subprocess.run(
        [FUNNEL, "export", "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0 and len(out.read_text().splitlines()) == 6
    bad = subprocess.run(
        [FUNNEL, "import", "-"],
        env=env,
        input="Deal Name,Amount\nA,lots\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == [
        "line 2: value 'lots' is not an amount (try 12500, 12,500.50 or 12.5k)",
        "Error: 1 of 1 rows cannot be imported; nothing was imported",
    ]
