"""A TinyDB storage over one JSON file: read once per transaction, written once, atomically.

TinyDB reads and writes the whole file for every operation. Here the first `read` loads the
file and later ones return the tables in memory; `write` only keeps them. The transaction
that owns the storage decides when (and whether) to put them on disk, with `prepare`.
Files are written in the one-document-per-line layout of `storage.document_lines`; any other
JSON is read with a full parse.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import cast

import orjson
from tinydb.storages import Storage
from tinydb.table import Document, Table

from storage.atomic import PendingReplace, prepare_replace
from storage.document_lines import BadDocument, Tables, corrupt, join_tables, split_tables
from storage.errors import StoreUnsafe
from storage.layout import FileStamp, stamp_of
from storage.sharing import Sharing, check_stat

_BOM = b"\xef\xbb\xbf"


def parse_tables(raw: bytes, path: Path) -> Tables:
    """Decode a store file, refusing anything that is not an object of tables of documents."""
    if not raw or raw.isspace():
        raise corrupt(path, "the file is empty")
    if raw.startswith(_BOM):
        raise corrupt(path, "the file starts with a byte-order mark (not plain UTF-8 JSON)")
    if not raw.isascii():
        try:
            raw.decode()
        except UnicodeDecodeError as err:
            raise corrupt(path, f"not valid UTF-8 (at byte {err.start})") from None
    fast = split_tables(raw)
    if fast is not None:
        return fast
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise corrupt(path, f"not valid JSON ({err.msg} at byte {err.pos})") from None
    if not isinstance(data, dict):
        raise corrupt(path, f"holds a JSON {_kind(data)} where an object of tables belongs")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise corrupt(path, f"table {name!r} is a JSON {_kind(table)}, not an object")
        for key, doc in table.items():
            if not key.isdigit() or not isinstance(doc, dict):
                raise corrupt(path, f"table {name!r} entry {key!r} is not a numbered document")
    return data


def _kind(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


class JsonFileStorage(Storage):
    """TinyDB storage for one store file, loaded on first read and kept in memory until done."""

    def __init__(self, path: Path, sharing: Sharing | None = None) -> None:
        super().__init__()
        self.path = path
        self.sharing = sharing
        """Who must own the file (`storage.sharing.check_stat`); ``None``: checked elsewhere."""
        self.raw: bytes | None = None
        """The file's bytes as read (``None`` when it does not exist)."""
        self.stamp: FileStamp | None = None
        self.dirty = False
        self._tables: Tables | None = None
        self._loaded = False

    def read(self) -> Tables | None:
        """The tables, reading the file on the first call only."""
        if not self._loaded:
            read = read_store_file(self.path, self.sharing)
            self.raw, self.stamp = read if read is not None else (None, None)
            self._tables = None if self.raw is None else parse_tables(self.raw, self.path)
            self._loaded = True
        return self._tables

    def treat_as_missing(self) -> None:
        """Read as an empty store from now on, without looking at the file."""
        self.raw, self._tables, self._loaded = None, None, True

    def write(self, data: Tables) -> None:
        """Keep the new tables in memory; `prepare` puts them on disk."""
        self._tables = data
        self._loaded = True
        self.dirty = True

    def encode(self) -> bytes:
        """The file's bytes for the tables as they are now."""
        return join_tables(self._tables or {})

    def prepare(self, *, mode: int | None = None, group: int | None = None) -> PendingReplace:
        """Encode the tables into a temp file beside the target, ready to rename over it."""
        return prepare_replace(self.path, self.encode(), mode=mode, group=group)


_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


def read_store_file(path: Path, sharing: Sharing | None = None) -> tuple[bytes, FileStamp] | None:
    """The bytes and stamp of a store file; ``None`` if there is none.

    Never follows a symbolic link and never opens anything but a regular file (a FIFO planted
    in its place would block the reader for ever); either is refused as `StoreUnsafe`. With
    ``sharing``, the file must also belong to you (a team store: to its group).
    """
    try:
        fd = os.open(path, _READ)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if os.path.islink(path):
            raise StoreUnsafe(
                f"{path} is a symbolic link, and Funnel never reads a store through one",
                f"remove it (`rm {path}`) and restore a snapshot (`funnel restore`)",
            ) from None
        raise exc
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StoreUnsafe(
                f"{path} is not a regular file", f"move it aside (`mv {path} {path}.odd`)"
            )
        if sharing is not None:
            check_stat(path, st, sharing, directory=False)
        return handle.read(), stamp_of(st)


def documents(table: Table) -> list[Document]:
    """Every document of a table, decoded; a broken one makes its file corrupt."""
    try:
        return table.all()
    except BadDocument as err:
        raise corrupt(cast(JsonFileStorage, table.storage).path, f"{table.name}: {err}") from None


def document(table: Table, doc_id: int) -> Document | None:
    """One document of a table, decoded, or ``None``."""
    try:
        return table.get(doc_id=doc_id)
    except BadDocument as err:
        raise corrupt(cast(JsonFileStorage, table.storage).path, f"{table.name}: {err}") from None
