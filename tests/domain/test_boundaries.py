"""The shape of the house: the domain imports no framework; one-line commands skip Textual."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import board

FRAMEWORKS = ("textual", "tinydb", "click", "platformdirs", "rich")


def _modules_after_import(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_domain_modules_import_no_framework() -> None:
    core = [
        f"board.{info.name}"
        for info in pkgutil.iter_modules(board.__path__)
        if info.name not in {"cli", "__main__"}
    ]
    assert "board.journey" in core and "board.codec" in core
    loaded = _modules_after_import("\n".join(f"import {name}" for name in core))
    leaked = sorted(m for m in loaded if m.split(".")[0] in FRAMEWORKS)
    assert not leaked, f"the domain pulled in {leaked[:5]}"


def test_the_command_line_does_not_import_textual() -> None:
    loaded = _modules_after_import("import board.cli")
    assert "click" in loaded
    assert not any(m.split(".")[0] == "textual" for m in loaded)


def test_a_file_store_never_imports_psycopg(tmp_path: object) -> None:
    loaded = _modules_after_import(
        "from pathlib import Path\nimport tempfile\nimport board.cli\nfrom storage import"
        " open_repository\nopen_repository(Path(tempfile.mkdtemp()) / 'board.json').snapshot()"
    )
    assert "storage.tinydb_store" in loaded
    assert not any(m.split(".")[0] == "psycopg" for m in loaded)
