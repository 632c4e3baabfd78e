"""What only the PostgreSQL store does: schema and migrations, its errors, many writers at once.

Against a real server (`tests.pg`); the contract itself runs in test_repository_contract.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.pg import SKIP_REASON, Server

psycopg = pytest.importorskip("psycopg", reason=SKIP_REASON)

from board import journey  # noqa: E402
from board.errors import StoreCorrupt, StoreLocked  # noqa: E402
from board.spend import Team, new_spend  # noqa: E402
from storage import display_url, open_postgres, open_repository  # noqa: E402
from storage.errors import StoreUnavailable  # noqa: E402
from storage.postgres_store import SCHEMA, PostgresRepository  # noqa: E402
from tests.storage.conftest import T0, P, maker  # noqa: E402


@pytest.fixture
def url(pg_database: Callable[[], str]) -> str:
    return pg_database()


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'funnel'"
            " ORDER BY table_name"
        ).fetchall()
    return [name for (name,) in rows]


def test_a_url_opens_the_postgres_backend(url: str) -> None:
    assert isinstance(open_repository(url), PostgresRepository)
    assert isinstance(
        open_repository(url.replace("postgresql://", "postgres://")), PostgresRepository
    )


def test_migrate_creates_the_schema_once(url: str) -> None:
    repo = open_postgres(url)
    assert _tables(url) == []
    assert repo.migrate() == 0
    assert _tables(url) == ["commits", "deals", "gone", "meta", "spend"]
    repo.add(maker())
    assert open_postgres(url).migrate() == SCHEMA  # already there: nothing redone
    assert [d.id for d in repo.snapshot().deals] == [1]


def test_the_first_write_creates_the_schema(url: str) -> None:
    open_postgres(url).add(maker())
    assert "deals" in _tables(url)


def test_first_writers_racing_create_one_schema(url: str) -> None:
    script = (
        "import sys\nfrom storage import open_repository\n"
        "from tests.storage.conftest import maker\n"
        "open_repository(sys.argv[1], lock_timeout=60).add(maker())\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, url]) for _ in range(4)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    assert [d.id for d in open_postgres(url).snapshot().deals] == [1, 2, 3, 4]


def test_a_database_of_a_newer_funnel_is_refused_and_left_alone(url: str) -> None:
    repo = open_postgres(url)
    repo.add(maker())
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE funnel.meta SET schema_version = %s", (SCHEMA + 1,))
    for action in (
        lambda r: r.snapshot(),
        lambda r: r.add(maker()),
        lambda r: r.migrate(),
    ):
        with pytest.raises(StoreCorrupt, match=f"newer Funnel \\(schema {SCHEMA + 1};"):
            action(open_postgres(url))
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM funnel.deals").fetchone() == (1,)


def test_each_commit_names_the_database_login(url: str) -> None:
    repo = open_postgres(url)
    repo.add(maker())
    repo.change(1, lambda d: journey.move(d, "interest", pipeline=P, by="sam", now=T0))
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT generation, login, action FROM funnel.commits ORDER BY generation"
        ).fetchall()
    assert rows == [(1, "postgres", "add"), (2, "postgres", "change")]


def test_a_writer_waiting_past_the_timeout_is_told_the_store_is_locked(url: str) -> None:
    open_postgres(url).add(maker())
    with psycopg.connect(url) as holder:
        holder.execute("SELECT 1 FROM funnel.meta FOR UPDATE")  # a write in progress
        with pytest.raises(StoreLocked, match="locked for 1s"):
            open_postgres(url, lock_timeout=1).add(maker())
    assert open_postgres(url).meta().next_deal_id == 2


def test_an_unreachable_server_is_one_line_naming_the_store(pg_server: Server) -> None:
    url = pg_server.url("no_such_database")
    with pytest.raises(StoreUnavailable) as caught:
        open_postgres(url).add(maker())
    message = str(caught.value)
    assert message.startswith("postgresql:///no_such_database: cannot reach the database:")
    assert "\n" not in message


def test_a_server_restart_is_survived_by_the_next_call(url: str, pg_server: Server) -> None:
    repo = open_postgres(url)
    repo.add(maker())
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'funnel'"
        )
    with pytest.raises(StoreUnavailable):
        repo.get(1)  # the dropped connection is reported once...
    assert repo.get(1).id == 1  # ...and the next call connects again


def test_a_killed_writer_leaves_no_half_change(url: str) -> None:
    repo = open_postgres(url)
    repo.add(maker())
    stamp = repo.stamp()
    script = (
        "import os, sys\nfrom storage import open_repository\n"
        "from tests.storage.conftest import maker\n"
        "def die(first):\n    os.kill(os.getpid(), 9)\n"
        "open_repository(sys.argv[1]).add_many(die)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, url], check=False, timeout=60)
    assert killed.returncode == -9
    assert repo.stamp() == stamp and repo.meta().next_deal_id == 2
    assert repo.add(maker()).id == 2


def test_messages_never_show_a_password() -> None:
    url = "postgresql://sam:s3cret@db.example.com:5433/funnel?password=other&sslmode=require"
    shown = display_url(url)
    assert shown == "postgresql://sam@db.example.com:5433/funnel"
    assert open_postgres(url).name == shown


ADDER = """
import sys
from board.deal import DealDraft
from board.journey import new_deal
from board.stages import DEFAULT_PIPELINE
from tests.storage.conftest import T0
from storage import open_repository

repo = open_repository(sys.argv[1], lock_timeout=60)
name = sys.argv[2]
for n in range(25):
    draft = DealDraft(f"{name} {n}", stage="customer" if n % 5 == 4 else "awareness")
    deal = repo.add(lambda i: new_deal(draft, deal_id=i, pipeline=DEFAULT_PIPELINE, by=name, now=T0))
    print(deal.id, flush=True)
"""


@pytest.mark.slow
def test_eight_writers_adding_at_once_store_every_acknowledged_add(url: str) -> None:
    open_postgres(url).migrate()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, url, f"rep{n}"], stdout=subprocess.PIPE, text=True
        )
        for n in range(8)
    ]
    acknowledged = []
    for writer in writers:
        out, _ = writer.communicate(timeout=300)
        assert writer.returncode == 0
        acknowledged += [int(line) for line in out.split()]
    deals = open_postgres(url).snapshot().deals
    assert sorted(acknowledged) == [d.id for d in deals] == list(range(1, 201))
    assert sorted(d.title for d in deals) == sorted(
        f"rep{w} {n}" for w in range(8) for n in range(25)
    )
    assert open_postgres(url).meta().next_deal_id == 201


def _docs_sql(containing: str) -> str:
    """The ``sql`` block of docs/team.md that holds ``containing``."""
    text = (Path(__file__).parents[2] / "docs" / "team.md").read_text()
    blocks = re.findall(r"```sql\n(.*?)```", text, re.S)
    (block,) = [b for b in blocks if containing in b]
    return block


def _as(url: str, login: str) -> str:
    return url.replace("user=postgres", f"user={login}")


def test_the_roles_of_docs_team_md_give_a_rep_what_the_board_needs_and_no_more(
    url: str, pg_database: Callable[[], str]
) -> None:
    open_postgres(url).migrate()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(_docs_sql("CREATE ROLE funnel_team"))
    maya = open_postgres(_as(url, "maya"))
    deal = maya.add(maker(by="maya"))
    maya.change(deal.id, lambda d: journey.move(d, "interest", pipeline=P, by="maya", now=T0))
    maya.add(maker())
    maya.delete(2)
    maya.restore_deleted(maya.delete(1))
    spent = maya.add_spend(
        lambda i: new_spend(
            spend_id=i, amount=Decimal(5), team=Team.MARKETING, on=T0, by="maya", now=T0
        )
    )
    maya.remove_spend(spent.id)
    assert maya.examine()["missing"] == [] and maya.examine()["login"] == "maya"
    with psycopg.connect(url) as conn:
        logins = conn.execute("SELECT DISTINCT login FROM funnel.commits").fetchall()
    assert logins == [("maya",)]
    forbidden = [
        "CREATE TABLE funnel.mine (x int)",
        "DROP TABLE funnel.deals",
        "ALTER TABLE funnel.deals ADD COLUMN x int",
        "UPDATE funnel.commits SET login = 'sam'",
        "DELETE FROM funnel.commits",
        "INSERT INTO funnel.commits (generation, login, action) VALUES (99, 'sam', 'add')",
    ]
    for statement in forbidden:
        with (
            psycopg.connect(_as(url, "maya")) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute(statement)
    empty = pg_database()  # a rep cannot create a store: that is the owner's `funnel init`
    with pytest.raises(StoreUnavailable, match="permission denied"):
        open_postgres(_as(empty, "maya")).add(maker())


def test_doctor_names_each_privilege_a_login_lacks(url: str) -> None:
    open_postgres(url).migrate()
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("CREATE ROLE viewer LOGIN")
        admin.execute("GRANT USAGE ON SCHEMA funnel TO viewer")
        admin.execute("GRANT SELECT ON ALL TABLES IN SCHEMA funnel TO viewer")
    found = open_postgres(_as(url, "viewer")).examine()
    assert found["login"] == "viewer"
    assert found["missing"] == [
        "UPDATE on funnel.meta",
        "INSERT on funnel.deals",
        "UPDATE on funnel.deals",
        "DELETE on funnel.deals",
        "INSERT on funnel.gone",
        "UPDATE on funnel.gone",
        "DELETE on funnel.gone",
        "INSERT on funnel.spend",
        "DELETE on funnel.spend",
        "INSERT on funnel.commits",
    ]


def test_stamp_asks_the_server_only_after_a_commit_was_announced(url: str) -> None:
    board, colleague = open_postgres(url), open_postgres(url)
    colleague.add(maker())
    seen = board.stamp()
    assert board._conn is not None
    board._conn.close()  # from here on, a stamp that asks the server opens a connection
    for _ in range(5):
        assert board.stamp() == seen
    assert board._conn.closed  # silence was taken at its word: nothing was asked
    colleague.add(maker())
    deadline = time.monotonic() + 1.0
    while board.stamp() == seen:
        assert time.monotonic() < deadline, "a colleague's commit went unheard for 1 s"
        time.sleep(0.02)
    assert board.stamp() == colleague.last_write.stamp  # type: ignore[union-attr]


def test_stamp_catches_up_after_its_listening_connection_is_lost(
    url: str, pg_server: Server
) -> None:
    board, colleague = open_postgres(url), open_postgres(url)
    colleague.add(maker())
    seen = board.stamp()
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
        )
    colleague.add(maker())  # announced while nobody listened
    time.sleep(0.2)
    assert board.stamp() != seen


def test_one_repository_shared_by_threads_runs_one_transaction_at_a_time(url: str) -> None:
    repo = open_postgres(url)
    repo.migrate()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                repo.add(maker(f"t{n} {i}"))
                repo.snapshot()
                repo.stamp()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert [d.id for d in open_postgres(url).snapshot().deals] == list(range(1, 41))
