"""The PostgreSQL store: deals and spend as JSON documents, every write one short transaction.

Imported only for a ``postgresql://`` target (see `storage.open_repository`), so that a
TinyDB user never loads psycopg. The tables live in the schema ``funnel``:

- ``meta``: one row. Its ``generation`` counts the store's commits; every write takes this
  row's lock first, so writes commit one after another, in the order of their generation, and
  a reader that saw generation *n* has seen every change up to *n* and none after. The id
  counters live there too, so an id handed out by a write that fails is handed out again and
  one taken by a committed write never is (a deleted deal's id stays used).
- ``deals``: one row per deal, its document as `board.codec` shapes it (``json``, not
  ``jsonb``: the text is kept as written, so an event's fields keep their order and an
  export is the same byte for byte as from a file store), and the generation
  that last wrote it (indexed: the change feed reads only rows newer than a cursor).
- ``gone``: the deals deleted, with the generation that deleted them.
- ``spend``: one row per spend entry; ``meta.spend_generation`` says when the ledger changed.
- ``commits``: who committed each generation (``session_user``: the database login, which
  no one can choose for someone else) and when.

The schema is made by migrations (`MIGRATIONS`), applied under an advisory lock by
``funnel init`` or by the first write; a database made by a newer Funnel is refused.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg import errors as pg_errors

from board.codec import deal_from_json, deal_to_json, spend_from_json, spend_to_json
from board.deal import Deal, Event, Status
from board.errors import Conflict, InvalidInput, NotFound, StoreCorrupt, StoreLocked
from board.spend import Spend
from board.text import printable
from board.timestamps import from_iso, iso
from storage import display_url
from storage.errors import StoreUnavailable
from storage.repository import (
    Changes,
    Cursor,
    Snapshot,
    StoreMeta,
    WriteReceipt,
    numbered_deals,
)

SCHEMA_NAME = "funnel"

_MIGRATION_LOCK = 0x46554E4E454C  # "FUNNEL": the advisory lock migrations are applied under

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA_NAME}",
        f"""CREATE TABLE {SCHEMA_NAME}.meta (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            schema_version integer NOT NULL,
            store_id text NOT NULL,
            currency text NOT NULL,
            created_at text NOT NULL,
            next_deal_id bigint NOT NULL CHECK (next_deal_id > 0),
            next_spend_id bigint NOT NULL CHECK (next_spend_id > 0),
            generation bigint NOT NULL,
            spend_generation bigint NOT NULL
        )""",
        f"""CREATE TABLE {SCHEMA_NAME}.deals (
            id bigint PRIMARY KEY,
            version integer NOT NULL,
            is_open boolean NOT NULL,
            status text NOT NULL,
            stage text NOT NULL,
            owner text NOT NULL,
            doc json NOT NULL,
            generation bigint NOT NULL
        )""",
        f"CREATE INDEX deals_generation ON {SCHEMA_NAME}.deals (generation)",
        f"CREATE INDEX deals_open ON {SCHEMA_NAME}.deals (id) WHERE is_open",
        f"""CREATE TABLE {SCHEMA_NAME}.gone (
            deal_id bigint PRIMARY KEY,
            generation bigint NOT NULL
        )""",
        f"CREATE INDEX gone_generation ON {SCHEMA_NAME}.gone (generation)",
        f"""CREATE TABLE {SCHEMA_NAME}.spend (
            id bigint PRIMARY KEY,
            doc json NOT NULL
        )""",
        f"""CREATE TABLE {SCHEMA_NAME}.commits (
            generation bigint PRIMARY KEY,
            login text NOT NULL DEFAULT session_user,
            at timestamptz NOT NULL DEFAULT now(),
            action text NOT NULL
        )""",
    ),
)
"""Migration *n* (1-based) takes the schema from version *n - 1* to *n*; never edit one that
has shipped, append another."""

_PRIVILEGES = (
    ("meta", ("SELECT", "UPDATE")),
    ("deals", ("SELECT", "INSERT", "UPDATE", "DELETE")),
    ("gone", ("SELECT", "INSERT", "UPDATE", "DELETE")),
    ("spend", ("SELECT", "INSERT", "DELETE")),
    ("commits", ("SELECT", "INSERT")),
)
"""What a rep's login needs on each table to use the board (and nothing more)."""

SCHEMA = len(MIGRATIONS)
"""The schema version this Funnel reads and writes."""

_DEAL_COLUMNS = "doc::text"

CHANNEL = "funnel"
"""Where every commit is announced (NOTIFY), with ``store_id generation`` as its payload."""

RECHECK_SECONDS = 30.0
"""How long `stamp` trusts the silence of its LISTEN connection before asking anyway."""


class PostgresRepository:
    """A `Repository` over a PostgreSQL database (libpq conventions for everything not in the
    URL: ``PG*`` variables, ``?service=``, ``~/.pgpass``)."""

    def __init__(self, url: str, *, lock_timeout: float = 5.0, currency: str = "USD") -> None:
        self.url = url
        self.name = display_url(url)
        """The store as messages name it (no password, no options)."""
        self.path = Path(self.name.split("://", 1)[1] or "postgresql")
        """The `Repository`'s ``path``: no file; only its ``name`` (the database's) is shown."""
        self.lock_timeout = lock_timeout
        self.currency = currency
        self.schema = SCHEMA
        """The schema version this program reads and writes."""
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.RLock()
        """One transaction at a time on the connection (the board reads and writes from
        worker threads)."""
        self._listener: psycopg.Connection[Any] | None = None
        """A connection that LISTENs for commits, so that `stamp` asks the server only when
        something was committed."""
        self._known: tuple[int, ...] | None = None
        self._known_at = 0.0
        self._ready = False
        """The schema is known to be there, at this program's version."""
        self.last_write: WriteReceipt | None = None
        """The receipt of the last write made through this object."""

    # Connection -----------------------------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        self._conn = None
        self._ready = False
        conn = self._connect()
        conn.execute(
            "SELECT set_config('lock_timeout', %s, false)",
            (f"{max(1, round(self.lock_timeout * 1000))}ms",),
        )
        self._conn = conn
        return conn

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(
                self.url,
                autocommit=True,
                application_name="funnel",
                connect_timeout=max(1, round(self.lock_timeout)),
            )
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"{self.name}: cannot reach the database: {_first_line(exc)}; nothing was changed"
            ) from None

    def close(self) -> None:
        """Close the connections (the next use opens another)."""
        with self._lock:
            for conn in (self._conn, self._listener):
                if conn is not None:
                    conn.close()
            self._conn = self._listener = None
            self._known = None

    @contextmanager
    def _errors(self, *, writing: bool) -> Iterator[None]:
        """Every database error as a `board.errors` type with one line naming the store.

        Holds the object's lock throughout: one transaction at a time on its connection.
        """
        try:
            with self._lock:
                yield
        except pg_errors.LockNotAvailable:
            raise StoreLocked(
                f"{self.name}: the store stayed locked for {self.lock_timeout:g}s by another"
                " writer; nothing was changed, try again"
            ) from None
        except pg_errors.InsufficientPrivilege as exc:
            raise StoreUnavailable(
                f"{self.name}: permission denied ({_first_line(exc)}); ask the database's"
                " admin to grant your role the team's role (see docs/team.md)"
            ) from None
        except pg_errors.UndefinedTable as exc:
            self._ready = False
            raise StoreCorrupt(
                f"{self.name}: the store's tables are incomplete ({_first_line(exc)});"
                " it is left untouched"
            ) from None
        except psycopg.OperationalError as exc:
            doing = "write" if writing else "read"
            raise StoreUnavailable(
                f"{self.name}: cannot {doing} the store: {_first_line(exc)}"
            ) from None
        except psycopg.Error as exc:
            raise StoreUnavailable(f"{self.name}: {_first_line(exc)}") from None

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Cursor[Any] | None]:
        """A read-only transaction on one snapshot; ``None`` when there is no store yet."""
        with self._errors(writing=False):
            conn = self._connection()
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                if not self._ready:
                    version = _schema_version(cur)
                    if version is None:
                        yield None
                        return
                    self._refuse_newer(version)
                    self._ready = version == SCHEMA
                yield cur

    @contextmanager
    def _writing(self, action: str) -> Iterator[tuple[psycopg.Cursor[Any], int]]:
        """A write transaction holding the store's row lock, at the next generation."""
        with self._errors(writing=True):
            if not self._ready:
                self.migrate()
            conn = self._connection()
            with conn.transaction(), conn.cursor() as cur:
                row = cur.execute(
                    f"SELECT store_id, generation, spend_generation FROM {SCHEMA_NAME}.meta"
                    " FOR UPDATE"
                ).fetchone()
                if row is None:
                    raise StoreCorrupt(f"{self.name}: the store's metadata row is missing")
                store_id, generation, spend_generation = row
                before = Cursor(store_id, generation, spend=spend_generation)
                cur.execute(
                    f"UPDATE {SCHEMA_NAME}.meta SET generation = generation + 1",
                )
                cur.execute(
                    f"INSERT INTO {SCHEMA_NAME}.commits (generation, action) VALUES (%s, %s)",
                    (generation + 1, action),
                )
                # Heard by every listening board when (and only if) the write commits.
                cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{store_id} {generation + 1}"))
                yield cur, generation + 1
                after_spend = cur.execute(
                    f"SELECT spend_generation FROM {SCHEMA_NAME}.meta"
                ).fetchone()
                assert after_spend is not None
                after = Cursor(store_id, generation + 1, spend=after_spend[0])
            self.last_write = WriteReceipt(before, after, _stamp(store_id, generation + 1))
            self._known = None  # the notice of this write may not have arrived yet

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA:
            raise StoreCorrupt(
                f"{self.name}: written by a newer Funnel (schema {version}; this one knows"
                f" up to {SCHEMA}); upgrade Funnel"
            )

    def migrate(self) -> int:
        """Create the schema or bring it up to date (idempotent); returns the version it had
        (0: there was no store).

        Applied in one transaction under an advisory lock, so two first writers never both
        create it; a database newer than this program is refused (`StoreCorrupt`, exit 4).
        """
        with self._errors(writing=True):
            conn = self._connection()
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                version = _schema_version(cur) or 0
                self._refuse_newer(version)
                for number in range(version + 1, SCHEMA + 1):
                    for statement in MIGRATIONS[number - 1]:
                        cur.execute(statement)
                    if number == 1:
                        cur.execute(
                            f"INSERT INTO {SCHEMA_NAME}.meta VALUES"
                            " (true, 1, %s, %s, %s, 1, 1, 0, 0)",
                            (os.urandom(8).hex(), self.currency, iso(datetime.now(UTC))),
                        )
                    cur.execute(f"UPDATE {SCHEMA_NAME}.meta SET schema_version = %s", (number,))
            self._ready = True
            return version

    def examine(self) -> dict[str, object]:
        """What `funnel doctor` reports of the store: connection, login, schema, contents,
        and each privilege a rep needs that the login lacks."""
        with self._reading() as cur:
            if cur is None:
                return {"schema": None, "login": self.login(), "missing": []}
            cur.execute(
                "SELECT session_user, schema_version,"
                f" (SELECT count(*) FROM {SCHEMA_NAME}.deals WHERE is_open),"
                f" (SELECT count(*) FROM {SCHEMA_NAME}.deals WHERE NOT is_open),"
                f" (SELECT count(*) FROM {SCHEMA_NAME}.spend)"
                f" FROM {SCHEMA_NAME}.meta"
            )
            row = cur.fetchone()
            assert row is not None
            login, schema, open_deals, closed_deals, spend = row
            missing = []
            for table, privileges in _PRIVILEGES:
                for privilege in privileges:
                    # INSERT on commits is granted on its columns only (see docs/team.md)
                    check = "table" if privilege == "DELETE" else "any_column"
                    cur.execute(
                        f"SELECT has_{check}_privilege(%s, %s)",
                        (f"{SCHEMA_NAME}.{table}", privilege),
                    )
                    granted = cur.fetchone()
                    if granted is None or not granted[0]:
                        missing.append(f"{privilege} on {SCHEMA_NAME}.{table}")
            return {
                "schema": schema,
                "login": login,
                "open_deals": open_deals,
                "closed_deals": closed_deals,
                "spend": spend,
                "missing": missing,
            }

    def login(self) -> str:
        """The database login the server authenticated this connection as (``session_user``)."""
        with self._errors(writing=False):
            row = self._connection().execute("SELECT session_user").fetchone()
            return str(row[0]) if row else ""

    # Reading -------------------------------------------------------------------------------

    def _empty_meta(self) -> StoreMeta:
        return StoreMeta(SCHEMA, self.currency, datetime.now(UTC), 1, 1)

    def _meta(self, cur: psycopg.Cursor[Any]) -> tuple[StoreMeta, Cursor]:
        row = cur.execute(
            "SELECT schema_version, currency, created_at, next_deal_id, next_spend_id,"
            f" store_id, generation, spend_generation FROM {SCHEMA_NAME}.meta"
        ).fetchone()
        if row is None:
            raise StoreCorrupt(f"{self.name}: the store's metadata row is missing")
        schema, currency, created_at, next_deal, next_spend, store_id, gen, spend_gen = row
        try:
            created = from_iso(created_at)
        except InvalidInput:
            raise StoreCorrupt(f"{self.name}: the store's creation time is unreadable") from None
        meta = StoreMeta(schema, currency, created, next_deal, next_spend)
        return meta, Cursor(store_id, gen, spend=spend_gen)

    def _decode(self, text: str) -> Deal:
        try:
            return deal_from_json(orjson.loads(text))
        except (InvalidInput, orjson.JSONDecodeError) as err:
            raise StoreCorrupt(f"{self.name}: a deal cannot be read ({err})") from None

    def _deals(
        self,
        cur: psycopg.Cursor[Any],
        where: str = "",
        *args: Any,
        take: Callable[[Deal], bool] | None = None,
    ) -> list[Deal]:
        cur.execute(
            f"SELECT {_DEAL_COLUMNS} FROM {SCHEMA_NAME}.deals {where} ORDER BY id",
            args or None,
        )
        if take is None:
            return [self._decode(text) for (text,) in cur]
        return [deal for deal in (self._decode(text) for (text,) in cur) if take(deal)]

    def _spend(self, cur: psycopg.Cursor[Any]) -> tuple[Spend, ...]:
        cur.execute(f"SELECT doc::text FROM {SCHEMA_NAME}.spend ORDER BY id")
        entries = []
        for (text,) in cur:
            try:
                entries.append(spend_from_json(orjson.loads(text)))
            except (InvalidInput, ValueError) as err:
                raise StoreCorrupt(f"{self.name}: a spend entry cannot be read ({err})") from None
        return tuple(sorted(entries, key=lambda entry: (entry.on, entry.id)))

    def meta(self) -> StoreMeta:
        """The store's metadata (creates nothing; a missing store reads as empty)."""
        with self._reading() as cur:
            return self._empty_meta() if cur is None else self._meta(cur)[0]

    def stamp(self) -> tuple[int, ...]:
        """The store's generation: every committed write advances it.

        The server announces each commit (NOTIFY); while none was announced since the last
        read, the answer comes without asking the server (every `RECHECK_SECONDS` it asks
        anyway, in case the announcing connection died unnoticed).
        """
        with self._errors(writing=False):
            if self._known is not None and self._nothing_heard():
                return self._known
            self._listen()  # before the read: no commit after it goes unheard
            with self._reading() as cur:
                row = None
                if cur is not None:
                    row = cur.execute(
                        f"SELECT store_id, generation FROM {SCHEMA_NAME}.meta"
                    ).fetchone()
            self._known = () if row is None else _stamp(row[0], row[1])
            self._known_at = time.monotonic()
            return self._known

    def _listen(self) -> None:
        if self._listener is not None and not (self._listener.closed or self._listener.broken):
            return
        self._listener = None
        listener = self._connect()
        listener.execute(f"LISTEN {CHANNEL}")
        self._listener = listener

    def _nothing_heard(self) -> bool:
        """No commit was announced since the stamp was last read, and that was recently."""
        listener = self._listener
        if listener is None or listener.closed or listener.broken:
            return False
        if time.monotonic() - self._known_at > RECHECK_SECONDS:
            return False
        heard = False
        try:
            # A millisecond, not 0: only a wait reads the socket far enough to see it closed.
            for _ in listener.notifies(timeout=0.001):
                heard = True  # read them all: each one is dealt with by this one read
        except psycopg.OperationalError:
            listener.close()
            return False
        return not heard

    def snapshot(self, *, include_closed: bool = True) -> Snapshot:
        """Everything in one consistent read; without closed deals only open rows are read."""
        with self._reading() as cur:
            if cur is None:
                return Snapshot((), (), self._empty_meta())
            meta, cursor = self._meta(cur)
            deals = self._deals(cur, "" if include_closed else "WHERE is_open")
            spend = self._spend(cur)
            return Snapshot(tuple(deals), spend, meta, _stamp(cursor.store, cursor.position))

    def changes(
        self,
        since: Cursor | None,
        *,
        include_closed: bool = True,
        take: Callable[[Deal], bool] | None = None,
    ) -> Changes:
        """What changed since ``since``: the rows written or deleted after its generation."""
        with self._reading() as cur:
            if cur is None:
                empty = Cursor("", 0)
                return Changes(empty, (), frozenset(), (), self._empty_meta(), since != empty)
            meta, cursor = self._meta(cur)
            if since is None or since.store != cursor.store or since.position > cursor.position:
                where = "" if include_closed else "WHERE is_open"
                deals = self._deals(cur, where, take=take)
                return Changes(cursor, tuple(deals), frozenset(), self._spend(cur), meta, True)
            changed = self._deals(cur, "WHERE generation > %s", since.position)
            kept = tuple(d for d in changed if include_closed or d.is_open)
            cur.execute(
                f"SELECT deal_id FROM {SCHEMA_NAME}.gone WHERE generation > %s",
                (since.position,),
            )
            deleted = {deal_id for (deal_id,) in cur}
            deleted |= {d.id for d in changed if not (include_closed or d.is_open)}
            deleted -= {d.id for d in kept}
            spend = self._spend(cur) if since.spend != cursor.spend else None
            return Changes(cursor, kept, frozenset(deleted), spend, meta)

    def get(self, deal_id: int) -> Deal:
        """One deal, open or closed; raises `NotFound`."""
        with self._reading() as cur:
            found = [] if cur is None else self._deals(cur, "WHERE id = %s", deal_id)
        if not found:
            raise NotFound(f"there is no deal {deal_id}")
        return found[0]

    def query(
        self,
        *,
        status: Status | None = Status.OPEN,
        stage: str | None = None,
        owner: str | None = None,
    ) -> list[Deal]:
        """Deals filtered by status (``None`` = all), stage and owner, ordered by id."""
        conditions, args = [], []
        for column, value in (
            ("status", None if status is None else status.value),
            ("stage", stage),
            ("owner", owner),
        ):
            if value is not None:
                conditions.append(f"{column} = %s")
                args.append(value)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._reading() as cur:
            return [] if cur is None else self._deals(cur, where, *args)

    def history(self, deal_id: int | None = None) -> list[tuple[int, Event]]:
        """Events of one deal, or of every deal, as ``(deal_id, event)`` ordered by time."""
        if deal_id is not None:
            return [(deal_id, event) for event in self.get(deal_id).history]
        events = [(deal.id, event) for deal in self.snapshot().deals for event in deal.history]
        return sorted(events, key=lambda pair: pair[1].at)  # stable: id, then history order

    def spend(self) -> list[Spend]:
        """Every spend entry, ordered by day then id."""
        with self._reading() as cur:
            return [] if cur is None else list(self._spend(cur))

    # Writing -------------------------------------------------------------------------------

    def _current(self, cur: psycopg.Cursor[Any], deal_id: int) -> Deal:
        found = self._deals(cur, "WHERE id = %s", deal_id)
        if not found:
            raise NotFound(f"there is no deal {deal_id}")
        return found[0]

    @staticmethod
    def _check_version(deal: Deal, expected: int | None) -> None:
        if expected is not None and deal.version != expected:
            raise Conflict(
                f"deal {deal.id} was changed by {deal.updated_by} at {iso(deal.updated_at)}"
                f" (version {deal.version}, you had {expected}); reload it and try again"
            )

    def _put(self, cur: psycopg.Cursor[Any], deals: Sequence[Deal], generation: int) -> None:
        cur.executemany(
            f"INSERT INTO {SCHEMA_NAME}.deals"
            " (id, version, is_open, status, stage, owner, doc, generation)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s::json, %s)",
            [
                (
                    deal.id,
                    deal.version,
                    deal.is_open,
                    deal.status.value,
                    deal.stage,
                    deal.owner,
                    orjson.dumps(deal_to_json(deal)).decode(),
                    generation,
                )
                for deal in deals
            ],
        )

    def add(self, make: Callable[[int], Deal]) -> Deal:
        """Allocate the next never-used id, build the deal with it, store it."""
        return self.add_many(lambda first: [make(first)])[0]

    def add_many(self, make: Callable[[int], Sequence[Deal]]) -> list[Deal]:
        """All-or-nothing bulk add in one transaction; ``make`` receives the first free id."""
        with self._writing("add") as (cur, generation):
            row = cur.execute(f"SELECT next_deal_id FROM {SCHEMA_NAME}.meta").fetchone()
            assert row is not None
            first = int(row[0])
            deals = numbered_deals(make, first)
            self._put(cur, deals, generation)
            cur.execute(f"UPDATE {SCHEMA_NAME}.meta SET next_deal_id = %s", (first + len(deals),))
            return deals

    def change(
        self,
        deal_id: int,
        apply: Callable[[Deal], Deal],
        *,
        expected_version: int | None = None,
    ) -> Deal:
        """Read-modify-write one deal; a stale ``expected_version`` conflicts."""
        with self._writing("change") as (cur, generation):
            current = self._current(cur, deal_id)
            self._check_version(current, expected_version)
            successor = apply(current)
            if successor.id != current.id or successor.version != current.version + 1:
                raise ValueError(
                    f"a change of deal {deal_id} v{current.version} must give deal {deal_id}"
                    f" v{current.version + 1}, got deal {successor.id} v{successor.version}"
                )
            cur.execute(
                f"UPDATE {SCHEMA_NAME}.deals SET version = %s, is_open = %s, status = %s,"
                " stage = %s, owner = %s, doc = %s::json, generation = %s"
                " WHERE id = %s AND version = %s",
                (
                    successor.version,
                    successor.is_open,
                    successor.status.value,
                    successor.stage,
                    successor.owner,
                    orjson.dumps(deal_to_json(successor)).decode(),
                    generation,
                    deal_id,
                    current.version,
                ),
            )
            if cur.rowcount != 1:  # cannot happen while writers hold the meta row's lock
                raise Conflict(f"deal {deal_id} changed while it was written; try again")
            return successor

    def delete(self, deal_id: int, *, expected_version: int | None = None) -> Deal:
        """Remove a deal (its id is never reused); returns what was removed."""
        with self._writing("delete") as (cur, generation):
            current = self._current(cur, deal_id)
            self._check_version(current, expected_version)
            cur.execute(f"DELETE FROM {SCHEMA_NAME}.deals WHERE id = %s", (deal_id,))
            cur.execute(
                f"INSERT INTO {SCHEMA_NAME}.gone (deal_id, generation) VALUES (%s, %s)"
                " ON CONFLICT (deal_id) DO UPDATE SET generation = excluded.generation",
                (deal_id, generation),
            )
            return current

    def restore_deleted(self, deal: Deal) -> Deal:
        """Put back a deal removed earlier, under its old id; refused if that id is taken."""
        with self._writing("restore") as (cur, generation):
            if self._deals(cur, "WHERE id = %s", deal.id):
                raise Conflict(f"deal {deal.id} exists already; it cannot be restored over")
            self._put(cur, [deal], generation)
            cur.execute(f"DELETE FROM {SCHEMA_NAME}.gone WHERE deal_id = %s", (deal.id,))
            cur.execute(
                f"UPDATE {SCHEMA_NAME}.meta SET next_deal_id = GREATEST(next_deal_id, %s)",
                (deal.id + 1,),
            )
            return deal

    def load(self, snapshot: Snapshot, *, refuse: Exception) -> None:
        """Put a whole store's contents, ids and next ids into this one, in one write;
        raises ``refuse`` if this store was ever written (see `storage.copy`)."""
        meta = snapshot.meta
        with self._writing("copy") as (cur, generation):
            row = cur.execute(
                f"SELECT next_deal_id, next_spend_id FROM {SCHEMA_NAME}.meta"
            ).fetchone()
            if row != (1, 1):
                raise refuse
            self._put(cur, snapshot.deals, generation)
            cur.executemany(
                f"INSERT INTO {SCHEMA_NAME}.spend (id, doc) VALUES (%s, %s::json)",
                [(e.id, orjson.dumps(spend_to_json(e)).decode()) for e in snapshot.spend],
            )
            cur.execute(
                f"UPDATE {SCHEMA_NAME}.meta SET currency = %s, next_deal_id = %s,"
                " next_spend_id = %s, spend_generation = %s",
                (meta.currency, meta.next_deal_id, meta.next_spend_id, generation),
            )

    def add_spend(self, make: Callable[[int], Spend]) -> Spend:
        """Record a spend entry under a fresh id."""
        with self._writing("add spend") as (cur, generation):
            row = cur.execute(f"SELECT next_spend_id FROM {SCHEMA_NAME}.meta").fetchone()
            assert row is not None
            spend_id = int(row[0])
            entry = make(spend_id)
            if entry.id != spend_id:
                raise ValueError(f"a new spend entry must take id {spend_id}, not {entry.id}")
            cur.execute(
                f"INSERT INTO {SCHEMA_NAME}.spend (id, doc) VALUES (%s, %s::json)",
                (spend_id, orjson.dumps(spend_to_json(entry)).decode()),
            )
            cur.execute(
                f"UPDATE {SCHEMA_NAME}.meta SET next_spend_id = %s, spend_generation = %s",
                (spend_id + 1, generation),
            )
            return entry

    def remove_spend(self, spend_id: int) -> Spend:
        """Delete a spend entry; raises `NotFound`."""
        with self._writing("remove spend") as (cur, generation):
            row = cur.execute(
                f"DELETE FROM {SCHEMA_NAME}.spend WHERE id = %s RETURNING doc::text", (spend_id,)
            ).fetchone()
            if row is None:
                raise NotFound(f"there is no spend entry {spend_id}")
            cur.execute(f"UPDATE {SCHEMA_NAME}.meta SET spend_generation = %s", (generation,))
            try:
                return spend_from_json(orjson.loads(row[0]))
            except (InvalidInput, ValueError) as err:
                raise StoreCorrupt(f"{self.name}: a spend entry cannot be read ({err})") from None


def _schema_version(cur: psycopg.Cursor[Any]) -> int | None:
    """The schema version of the store in this database, ``None`` when there is none."""
    row = cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA_NAME}.meta",)).fetchone()
    if row is None or not row[0]:
        return None
    found = cur.execute(f"SELECT schema_version FROM {SCHEMA_NAME}.meta").fetchone()
    return None if found is None else int(found[0])


def _stamp(store_id: str, generation: int) -> tuple[int, ...]:
    return (int(store_id[:12], 16), generation)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return printable(text[0]) if text else type(exc).__name__
