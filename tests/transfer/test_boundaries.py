"""The transfer core is plain Python: no Textual, TinyDB, click or platformdirs."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import board.transfer

FRAMEWORKS = ("textual", "tinydb", "click", "platformdirs", "rich", "orjson")


def test_the_transfer_core_imports_no_framework() -> None:
    names = [
        f"board.transfer.{info.name}" for info in pkgutil.iter_modules(board.transfer.__path__)
    ]
    assert "board.transfer.csv_import" in names
    code = (
        "import sys, json\n"
        + "\n".join(f"import {n}" for n in names)
        + "\nprint(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    leaked = sorted(m for m in json.loads(out.stdout) if m.split(".")[0] in FRAMEWORKS)
    assert not leaked
