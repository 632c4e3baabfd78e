"""Who did it is the OS login, whatever the environment says; a held lock is named, not waited on."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from board import journey
from board.deal import DealChanges
from board.errors import StoreLocked
from storage import open_repository
from tests.storage.conftest import T0, maker
from tests.team.conftest import Store


def test_a_change_is_stamped_with_the_os_login_not_user_or_logname(team: Store) -> None:
    login = pwd.getpwuid(os.geteuid()).pw_name
    someone_else = {"USER": "mallory", "LOGNAME": "mallory", "USERNAME": "mallory"}
    for args in (("add", "Acme"), ("move", "1", "interest"), ("edit", "1", "--note", "hi")):
        result = team.run(*args, extra_env=someone_else)
        assert result.returncode == 0, result.stderr
    deal = open_repository(team.db).get(1)
    assert [event.by for event in deal.history] == [login] * 3
    assert deal.owner == login and deal.updated_by == login
    log = team.ok("log", "1", "--json")
    assert "mallory" not in log and log.count(f'"by": "{login}"') == 3


HOLDER = """
import sys, time
from collections.abc import Iterator
from pathlib import Path
from storage.store_lock import store_lock
with store_lock(Path(sys.argv[1]), exclusive=True, timeout=5):
    print("holding", flush=True)
    time.sleep(30)
"""


@pytest.fixture
def held(team: Store) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the team store's write lock."""
    team.ok("add", "Acme")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(team.db) + ".lock"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    yield holder
    holder.kill()
    holder.wait()


def test_the_board_case_a_held_lock_is_refused_in_time_and_names_the_holder(
    team: Store, held: subprocess.Popen[str]
) -> None:
    # The board's reads and writes go through these calls from a worker thread; each must
    # come back with `StoreLocked` within the timeout, never hang.
    repo = open_repository(team.db, lock_timeout=0.3)
    login = pwd.getpwuid(os.geteuid()).pw_name
    calls = {
        "snapshot": repo.snapshot,
        "get": lambda: repo.get(1),
        "open deals": lambda: repo.snapshot(include_closed=False),
        "change": lambda: repo.change(
            1,
            lambda d: journey.edit(d, DealChanges(notes="x"), by="sam", now=T0),
            expected_version=1,
        ),
        "add": lambda: repo.add(maker()),
        "delete": lambda: repo.delete(1, expected_version=1),
    }
    for name, call in calls.items():
        started = time.monotonic()
        with pytest.raises(StoreLocked) as caught:
            call()
        waited = time.monotonic() - started
        # It waited for the holder, then gave up and named it (how fast is for bench/).
        assert waited > 0.25, f"{name} waited {waited:.2f}s"
        assert f"{login} (pid {held.pid} on {os.uname().nodename})" in str(caught.value), name
    assert repo.stamp() != ()  # the cheap change check the board polls never takes the lock


def test_the_cli_exits_3_naming_the_holder(
    team: Store, held: subprocess.Popen[str], tmp_path: Path
) -> None:
    config = tmp_path / "fast.toml"
    config.write_text("lock_timeout = 0.2\n")
    for args in (("add", "Globex"), ("list",), ("backup",), ("restore", "--yes")):
        result = team.run(*args, extra_env={"FUNNEL_CONFIG": str(config)})
        assert result.returncode == 3, (args, result.stderr)
        assert f"pid {held.pid}" in result.stderr and result.stderr.count("\n") == 1
