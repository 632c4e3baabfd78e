"""The files' layout on disk: TinyDB's JSON, written with one document per line.

    {
    "deals":{
    "12":{"id":12,...},
    "13":{"id":13,...}
    },
    "_meta":{
    "1":{"schema":1,...}
    }
    }

It is plain JSON that TinyDB and any tool can read. Its point is speed: a file in exactly this
layout is cut into lines, and each document stays the bytes of its line until someone reads
it (`StoredDocument` decodes it then) and is written back as those bytes if nobody changed it.
So adding one deal to a main file of thousands costs a split and a join, not a parse and a
dump of every deal. A document's own syntax is checked when it is first read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb.table import Document, Table

from board.errors import StoreCorrupt

Tables = dict[str, dict[str, Any]]
"""Table name → document id → document (a dict, or the bytes of its line while unread)."""

_ADVICE = "restore a backup with `funnel restore`, or move the file aside"

_NAME = rb'"[A-Za-z_][A-Za-z0-9_]*"'
_ENTRY = rb'"\d+":\{[^\n]*\}'
_TABLE = _NAME + rb":\{\n(?:(?:" + _ENTRY + rb",\n)*" + _ENTRY + rb"\n)?\}"
_LAYOUT = re.compile(rb"\{\n(?:(?:" + _TABLE + rb",\n)*" + _TABLE + rb"\n)?\}\n")
"""The grammar of the whole layout, commas included: a file it matches is valid JSON as long
as each line's document is."""


def corrupt(path: Path, what: str) -> StoreCorrupt:
    """The one-line error for a store file that cannot be used as it is."""
    return StoreCorrupt(f"{path}: {what}; {_ADVICE}")


class BadDocument(Exception):
    """A stored line whose document is not a JSON object; the reader adds which file."""


def _decode_line(line: bytes, doc_id: int) -> dict[str, Any]:
    body = line[len(str(doc_id)) + 3 : -1 if line.endswith(b",") else None]
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise BadDocument(f"document {doc_id} is not valid JSON ({err.msg})") from None
    if not isinstance(doc, dict):
        raise BadDocument(f"document {doc_id} is not a JSON object")
    return doc


def decoded(value: Mapping[str, Any] | bytes, doc_id: int, path: Path) -> dict[str, Any]:
    """A stored document as a dict, whether it was decoded already or is still its line."""
    try:
        return _decode_line(value, doc_id) if isinstance(value, bytes) else dict(value)
    except BadDocument as err:
        raise corrupt(path, str(err)) from None


class StoredDocument(Document):
    """A TinyDB document that decodes the stored line it is made from, when it is made."""

    def __init__(self, value: Mapping[str, Any] | bytes, doc_id: int) -> None:
        if isinstance(value, bytes):
            value = _decode_line(value, doc_id)
        super().__init__(value, doc_id)


class StoreTable(Table):
    """A TinyDB table whose documents may still be stored lines."""

    document_class = StoredDocument


def split_tables(raw: bytes) -> Tables | None:
    """The tables of a file in the one-document-per-line layout, or ``None`` if it is not.

    Only the layout is checked here (one regular expression for the whole file); a file that
    does not fit it exactly is left to a full JSON parse, which also says what is wrong.
    """
    if not _LAYOUT.fullmatch(raw):
        return None
    lines = raw.split(b"\n")  # "{", then per table: header, documents, "}," or "}"; "}", ""
    ids = list(map(bytes.decode, _IDS.findall(raw)))  # every document's id, in file order
    tables: Tables = {}
    header, taken = 1, 0
    while header < len(lines) - 2:
        end = min(_index(lines, b"},", header), _index(lines, b"}", header))
        name = lines[header][1:-3].decode()
        if name in tables:
            return None  # JSON keeps the last of two; leave that to the full parse
        count = end - header - 1
        tables[name] = dict(zip(ids[taken : taken + count], lines[header + 1 : end], strict=True))
        header, taken = end + 1, taken + count
    return tables


_IDS = re.compile(rb'\n"(\d+)":\{')


def _index(lines: list[bytes], line: bytes, start: int) -> int:
    try:
        return lines.index(line, start)
    except ValueError:
        return len(lines)


def join_tables(tables: Tables) -> bytes:
    """Encode tables in the one-document-per-line layout; unread documents are copied."""
    out = [b"{"]
    names = list(tables)
    for i, name in enumerate(names):
        out.append(orjson.dumps(name) + b":{")
        # Stored lines keep the comma they were read with; every line but the last needs one.
        lines = [
            (doc if doc[-1] == 44 else doc + b",")  # 44 is the comma
            if type(doc) is bytes
            else b'"%s":%s,' % (key.encode(), orjson.dumps(doc))
            for key, doc in tables[name].items()
        ]
        if lines:
            lines[-1] = lines[-1][:-1]
            out += lines
        out.append(b"}," if i < len(names) - 1 else b"}")
    out.append(b"}\n")
    return b"\n".join(out)  # one join: the file's bytes are copied once
