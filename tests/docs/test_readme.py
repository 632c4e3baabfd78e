"""Every ``$ funnel ...`` line of the README runs, in order, against a fresh store."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def console_commands(markdown: str) -> list[str]:
    """The ``$ `` lines of every ```console block, in order."""
    commands: list[str] = []
    for block in re.findall(r"```console\n(.*?)```", markdown, flags=re.S):
        commands += [line[2:] for line in block.splitlines() if line.startswith("$ ")]
    return commands


README_COMMANDS = console_commands((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_a_real_tour() -> None:
    assert len(README_COMMANDS) >= 30
    assert all(command.startswith("funnel ") for command in README_COMMANDS)


def test_every_readme_command_runs(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "hubspot_deals.csv", tmp_path / "hubspot-deals.csv")
    shutil.copy(FIXTURES / "pipedrive_deals.csv", tmp_path / "pipedrive-deals.csv")
    (tmp_path / "sheet.csv").write_text(
        'Deal,Client,Amount (EUR),Stage\nPilot for Hooli,Hooli,"4,500",interest\n', encoding="utf-8"
    )
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FUNNEL_DB": str(tmp_path / "team" / "board.json"),
        "FUNNEL_CONFIG": str(tmp_path / "funnel.toml"),
        "FUNNEL_NOW": "2026-11-20T12:00:00Z",
    }
    for command in README_COMMANDS:
        result = subprocess.run(
            shlex.split(command),
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"$ {command}\n{result.stderr}"
        assert "Traceback" not in result.stderr


LINKS = sorted(
    set(re.findall(r"\]\(([^)#:]+)\)", (ROOT / "README.md").read_text(encoding="utf-8")))
)


def test_the_readme_links_its_documents() -> None:
    assert {"docs/metrics.md", "docs/team.md", "docs/reliability.md"} <= set(LINKS)


@pytest.mark.parametrize("target", LINKS)
def test_every_link_and_picture_of_the_readme_exists(target: str) -> None:
    assert (ROOT / target).is_file()
