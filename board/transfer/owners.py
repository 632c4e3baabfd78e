"""Owners as CRMs show them ("Jane Doe", "jane@acme.com") turned into Funnel logins.

Rules, first that applies:

1. ``--owner-map "Jane Doe=jdoe"`` (compared ignoring case and spaces);
2. an email address becomes its local part, lower-cased (``Jane.Doe@acme.com`` → ``jane.doe``);
3. a value that already is a valid login stays as it is (``maya``);
4. a name becomes its words, lower-cased, accents dropped, joined with dots
   (``José Núñez`` → ``jose.nunez``; ``Jane Doe (Sales)`` → ``jane.doe.sales``).

What cannot become a login (a name in a script without Latin letters) is an error for the
row, with a hint to map it. An empty owner means the person importing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from board.errors import InvalidInput
from board.text import clean_login, printable
from board.transfer.columns import split_pair

_EMAIL = re.compile(r"^\s*([^@\s<>]+)@[^@\s<>]+\.[^@\s<>]+\s*$")
_WORDS = re.compile(r"[a-z0-9]+")


def _key(name: str) -> str:
    return " ".join(name.lower().split())


class OwnerNames:
    """Turns display names into logins for one import, remembering each answer."""

    def __init__(self, default: str, owner_maps: Iterable[str] = ()) -> None:
        self.default = default
        self._seen: dict[str, str] = {}
        self._maps: dict[str, str] = {}
        for raw in owner_maps:
            theirs, login = split_pair(raw, "--owner-map")
            self._maps[_key(theirs)] = clean_login(login, "--owner-map login")

    def login(self, raw: str) -> str:
        """The login for an owner cell; raises `InvalidInput` when none can be made."""
        found = self._seen.get(raw)
        if found is None:
            found = self._seen[raw] = self._login(raw)
        return found

    def seen(self) -> dict[str, str]:
        """Every owner name met so far and its login."""
        return dict(self._seen)

    def _login(self, raw: str) -> str:
        text = raw.strip()
        if not text:
            return self.default
        mapped = self._maps.get(_key(text))
        if mapped is not None:
            return mapped
        if email := _EMAIL.match(text):
            text = email.group(1).lower()
        try:
            return clean_login(text)
        except InvalidInput:
            pass
        ascii_text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
        slug = ".".join(_WORDS.findall(ascii_text))[:64]
        if not slug:
            raise InvalidInput(
                f"owner {printable(raw)!r} cannot be made a login;"
                f' map it with --owner-map "{printable(text)}=LOGIN"'
            )
        return clean_login(slug)
