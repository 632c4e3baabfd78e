"""User text: refuse terminal control sequences on the way in, neutralise them on the way out."""

from __future__ import annotations

import re
import unicodedata

from board.errors import InvalidInput

# C0 and C1 controls, DEL, and the Unicode bidi embeddings/overrides/isolates (Trojan Source).
# Tab and newline are allowed in multi-line fields only.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")

TITLE_MAX = 200
FIELD_MAX = 200
NOTES_MAX = 10_000


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def clean_line(raw: str, field: str, *, max_len: int = FIELD_MAX, required: bool = False) -> str:
    """A one-line field, trimmed; refuses control characters and overlong text."""
    text = unicodedata.normalize("NFC", raw).strip()
    bad = _CONTROL_ONE_LINE.search(text)
    if bad:
        raise InvalidInput(
            f"{field} contains a control character ({_describe(bad.group())}); remove it"
        )
    if required and not text:
        raise InvalidInput(f"{field} must not be empty")
    if len(text) > max_len:
        raise InvalidInput(f"{field} is {len(text)} characters long; the limit is {max_len}")
    return text


def clean_notes(raw: str, field: str = "notes") -> str:
    """Multi-line text: newlines and tabs are kept, other control characters refused."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
    bad = _CONTROL.search(text)
    if bad:
        raise InvalidInput(
            f"{field} contains a control character ({_describe(bad.group())}); remove it"
        )
    if len(text) > NOTES_MAX:
        raise InvalidInput(f"{field} is {len(text)} characters long; the limit is {NOTES_MAX}")
    return text


def strip_controls(raw: str, *, keep_newlines: bool = False) -> str:
    """Drop control characters silently: for pasted or typed text in the board."""
    pattern = _CONTROL if keep_newlines else _CONTROL_ONE_LINE
    return pattern.sub("", raw)


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Text safe to hand to a terminal: controls shown as visible escapes like ``\\x1b``.

    Stores written by hand or by older versions may still hold control characters;
    everything that prints user text goes through here or through Textual's Content.
    """
    pattern = _CONTROL if keep_newlines else _CONTROL_ONE_LINE
    return pattern.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_LOGIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$")


def clean_login(raw: str, field: str = "owner") -> str:
    """A login name: letters, digits and ``_ . @ -``, as the OS and email use them."""
    text = raw.strip()
    if not _LOGIN.match(text):
        raise InvalidInput(
            f"{field} must be a login name (letters, digits, '_', '.', '@', '-'; at most 64),"
            f" got {printable(text)!r}"
        )
    return text


def clean_tag(raw: str) -> str:
    """A tag: one short word-ish label, lower-cased so filters match."""
    text = clean_line(raw, "tag", max_len=40, required=True).lower()
    if any(ch.isspace() or ch == "," for ch in text):
        raise InvalidInput(f"tag {text!r} must not contain spaces or commas")
    return text


def counted(count: int, noun: str) -> str:
    """``1 deal``, ``2 deals``, ``1,200 customers``: a count with its noun agreeing."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
