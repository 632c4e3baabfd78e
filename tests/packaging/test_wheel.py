"""What users install: the wheel holds every package and stylesheet, and its `funnel` works.

Under `make wheel-test` (and CI) these run in a fresh venv where the wheel is installed, never
editable, with ``FUNNEL_WHEEL`` naming it; under `make test` the wheel is built from the tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import orjson
import pytest

HERE = Path(__file__).resolve().parents[2]
SOURCE = Path(os.environ.get("FUNNEL_SOURCE", HERE))
PACKAGES = ("board", "screens", "storage")
FUNNEL = str(Path(sys.executable).with_name("funnel"))
PIP_WHEEL = (sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel under test: the one CI installed, or one built from the tree now."""
    given = os.environ.get("FUNNEL_WHEEL")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*PIP_WHEEL, "-w", str(out), str(SOURCE)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("funnel_board-*.whl")
    return built


def names_in(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_every_package_of_the_tree_is_in_the_wheel(wheel: Path) -> None:
    packages = sorted(
        str(init.relative_to(SOURCE).parent)
        for top in PACKAGES
        for init in (SOURCE / top).glob("**/__init__.py")
    )
    assert {"board", "board/cli", "board/transfer", "screens", "storage"} <= set(packages)
    missing = [p for p in packages if f"{p}/__init__.py" not in names_in(wheel)]
    assert missing == [], f"left out of the wheel: {missing}"


def test_every_module_and_stylesheet_ships(wheel: Path) -> None:
    files = sorted(
        str(path.relative_to(SOURCE))
        for top in PACKAGES
        for pattern in ("**/*.py", "**/*.tcss")
        for path in (SOURCE / top).glob(pattern)
        if "__pycache__" not in path.parts
    )
    assert any(name.endswith(".tcss") for name in files)
    assert [f for f in files if f not in names_in(wheel)] == []


def test_the_metadata_names_the_command_and_the_license(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
        (entry_points,) = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    assert "License-Expression: MIT" in text
    assert "funnel = board.cli:main" in scripts
    assert not any(name.startswith(("tests/", "bench/")) for name in names_in(wheel))


@pytest.mark.skipif("FUNNEL_WHEEL" not in os.environ, reason="only where the wheel is installed")
def test_the_program_under_test_is_the_installed_wheel(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import board, screens, storage; print(board.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "site-packages" in out.stdout, out.stdout
    import board

    assert "site-packages" in board.__file__  # the tests themselves use the wheel's code too


def funnel(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FUNNEL_DB": str(tmp_path / "board.json"),
        "FUNNEL_CONFIG": str(tmp_path / "funnel.toml"),
    }
    return subprocess.run(
        [FUNNEL, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_installed_funnel_does_what_a_new_user_tries_first(tmp_path: Path) -> None:
    assert "Usage: funnel" in funnel(tmp_path, "--help").stdout
    assert funnel(tmp_path, "demo").returncode == 0
    metrics = funnel(tmp_path, "metrics", "--json")
    assert metrics.returncode == 0 and "win_rate" in orjson.loads(metrics.stdout)
    export = funnel(tmp_path, "export", "--format", "json")
    assert export.returncode == 0 and len(orjson.loads(export.stdout)) > 0
    stages = funnel(tmp_path, "stages")
    assert stages.returncode == 0 and "handoff" in stages.stdout.lower()
    imports = subprocess.run(
        [sys.executable, "-c", "import screens.app, board.cli, board.transfer, storage"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imports.returncode == 0, imports.stderr
