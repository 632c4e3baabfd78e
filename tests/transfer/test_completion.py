"""Shell completion of the installed ``funnel`` for bash, zsh and fish, against a real store.

Each test runs the console script the way the shells' completion functions do: the
``_FUNNEL_COMPLETE`` variable names the shell, ``COMP_WORDS`` the command line and
``COMP_CWORD`` the word being completed (fish passes the partial word itself).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.transfer.conftest import Funnel

FUNNEL = shutil.which("funnel", path=str(Path(sys.executable).parent)) or "funnel"
STAGES_TOML = """
[qualification]
criteria = ["budget", "need", "timeline"]

[[stages]]
key = "lead"
team = "marketing"
[[stages]]
key = "mql"
label = "Marketing qualified"
team = "marketing"
[[stages]]
key = "discovery"
team = "sales"
[[stages]]
key = "won"
team = "sales"
"""


def complete(env: dict[str, str], shell: str, line: str) -> list[tuple[str, str, str]]:
    """(type, value, help) offered for the last word of ``line``."""
    words = line.split(" ")
    cword = words[-1] if shell == "fish" else str(len(words) - 1)
    run_env = {
        **os.environ,
        **env,
        "_FUNNEL_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": cword,
    }
    out = subprocess.run(
        [FUNNEL], env=run_env, capture_output=True, text=True, timeout=30, check=True
    ).stdout
    if shell == "zsh":
        parts = out.split("\n")
        return [(parts[i], parts[i + 1], parts[i + 2]) for i in range(0, len(parts) - 2, 3)]
    items = []
    for entry in filter(None, out.split("\n")):
        kind, _, rest = entry.partition(",")
        value, _, help_ = rest.partition("\t")
        items.append((kind, value, help_))
    return items


def values(env: dict[str, str], shell: str, line: str) -> list[str]:
    return [value for _, value, _ in complete(env, shell, line)]


@pytest.fixture
def store(funnel: Funnel) -> Iterator[Funnel]:
    """Deals 1-2 open (owners maya, sam), 3 lost (lena), on a custom four-stage journey."""
    config = funnel.db.parent.parent / "stages.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(STAGES_TOML)
    funnel.env["FUNNEL_CONFIG"] = str(config)
    funnel.ok("add", "Acme renewal", "--owner", "maya")
    funnel.ok("add", "Globex", "--owner", "sam", "--stage", "discovery")
    funnel.ok("add", "Initech", "--owner", "lena")
    funnel.ok("lost", "3", "--reason", "no budget")
    yield funnel


SHELLS = ["bash", "zsh", "fish"]


@pytest.mark.parametrize("shell", SHELLS)
def test_commands(store: Funnel, shell: str) -> None:
    assert values(store.env, shell, "funnel ex") == ["export"]
    assert values(store.env, shell, "funnel im") == ["import"]
    assert {"move", "metrics"} <= set(values(store.env, shell, "funnel m"))


@pytest.mark.parametrize("shell", SHELLS)
def test_stage_keys_come_from_the_store_s_config(store: Funnel, shell: str) -> None:
    assert values(store.env, shell, "funnel move 1 ") == ["lead", "mql", "discovery", "won"]
    assert values(store.env, shell, "funnel list --stage d") == ["discovery"]
    if shell != "bash":  # bash shows no help
        assert ("plain", "mql", "Marketing qualified") in complete(
            store.env, shell, "funnel add x --stage m"
        )


@pytest.mark.parametrize("shell", SHELLS)
def test_owners(store: Funnel, shell: str) -> None:
    assert values(store.env, shell, "funnel list --owner ") == ["lena", "maya", "sam"]
    assert values(store.env, shell, "funnel edit 1 --owner m") == ["maya"]


@pytest.mark.parametrize("shell", SHELLS)
def test_deal_ids_fit_the_command(store: Funnel, shell: str) -> None:
    assert values(store.env, shell, "funnel move ") == ["1", "2"]
    assert values(store.env, shell, "funnel reopen ") == ["3"]
    assert values(store.env, shell, "funnel show ") == ["1", "2", "3"]
    if shell != "bash":
        assert ("plain", "2", "Globex") in complete(store.env, shell, "funnel won ")


@pytest.mark.parametrize("shell", SHELLS)
def test_criteria_not_yet_typed(store: Funnel, shell: str) -> None:
    assert values(store.env, shell, "funnel qualify 1 ") == ["budget", "need", "timeline"]
    assert values(store.env, shell, "funnel qualify 1 need ") == ["budget", "timeline"]
    assert values(store.env, shell, "funnel qualify ") == ["1", "2"]


@pytest.mark.parametrize("shell", SHELLS)
def test_transfer_options(store: Funnel, shell: str) -> None:
    assert values(store.env, shell, "funnel export --format ") == ["csv", "json", "jsonl"]
    assert values(store.env, shell, "funnel export --status ") == ["open", "won", "lost", "all"]
    assert values(store.env, shell, "funnel import --date-order ") == ["dmy", "mdy"]
    assert [kind for kind, _, _ in complete(store.env, shell, "funnel import ")] == ["file"]


def test_the_store_named_by_db_is_used_with_its_home_expanded(
    store: Funnel, tmp_path: Path
) -> None:
    env = {k: v for k, v in store.env.items() if k != "FUNNEL_DB"}
    home = str(store.db.parent)
    assert values({**env, "HOME": home}, "bash", "funnel --db ~/board.json move ") == ["1", "2"]
    assert values(env, "bash", f"funnel --db {tmp_path}/nowhere/board.json move ") == []
    assert not (tmp_path / "nowhere").exists()


def test_a_store_busy_with_a_long_write_does_not_hold_up_the_shell(store: Funnel) -> None:
    config = Path(store.env["FUNNEL_CONFIG"])
    config.write_text(config.read_text() + "lock_timeout = 60\n")
    lock = os.open(store.db.with_name(store.db.name + ".lock"), os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a writer holds it (an import of 100k rows)
        start = time.monotonic()
        assert values(store.env, "bash", "funnel move ") == []
        waited = time.monotonic() - start
    finally:
        os.close(lock)
    # Waiting for the lock would take its whole timeout: a minute, far beyond this bound.
    assert waited < 30, f"TAB waited {waited:.1f} s for the store (lock timeout is 60 s)"
