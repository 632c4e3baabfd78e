"""User text: refuse terminal control sequences on the way in, neutralise them on the way out."""

from __future__ import annotations

import re
import unicodedata

from board.errors import InvalidInput

# C0 and C1 controls, DEL, and the Unicode bidi embeddings/overrides/isolates (Trojan Source).
# Tab and newline are allowed in multi-line fields only. Lone surrogates are what Python makes
# of bytes that are not UTF-8 (a Latin-1 terminal's "Café"): they cannot be stored or printed.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
TERMINAL_UNSAFE = f"\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}"
"""What must never reach a terminal raw, as a character class (tab and newline aside)."""
_CONTROL = re.compile(f"[{TERMINAL_UNSAFE}]")
_CONTROL_ONE_LINE = re.compile(f"[{TERMINAL_UNSAFE}\t\n\u2028\u2029]")
# Characters that show nothing: zero-width spaces and joiners, the Hangul fillers, the BOM,
# and the Unicode TAG characters (invisible copies of ASCII that can smuggle text).
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2064"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef]"
)
_TAGS = re.compile("[\U000e0000-\U000e007f]")

TITLE_MAX = 200
FIELD_MAX = 200
NOTES_MAX = 10_000


def _describe(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return f"U+{ord(char):04X}, a byte that is not UTF-8"
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def control_in(text: str) -> str | None:
    """The first control, bidi or invalid character of one-line text, described; else None."""
    bad = _CONTROL_ONE_LINE.search(text)
    return _describe(bad.group()) if bad else None


def clean_line(raw: str, field: str, *, max_len: int = FIELD_MAX, required: bool = False) -> str:
    """A one-line field, trimmed; refuses control characters and overlong text."""
    text = unicodedata.normalize("NFC", raw).strip()
    # Every character the pattern refuses is unprintable: most text needs no search.
    bad = None if text.isprintable() else _CONTROL_ONE_LINE.search(text)
    if bad:
        raise InvalidInput(
            f"{field} contains a control character ({_describe(bad.group())}); remove it"
        )
    if required and not text:
        raise InvalidInput(f"{field} must not be empty")
    if required and not _INVISIBLE.sub("", text).strip():
        raise InvalidInput(f"{field} must show something: it holds only invisible characters")
    if _TAGS.search(text):
        raise InvalidInput(
            f"{field} contains Unicode TAG characters (invisible copies of letters); remove them"
        )
    if len(text) > max_len:
        raise InvalidInput(f"{field} is {len(text)} characters long; the limit is {max_len}")
    return text


def clean_notes(raw: str, field: str = "notes") -> str:
    """Multi-line text: newlines and tabs are kept, other control characters refused."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
    bad = None if text.isprintable() else _CONTROL.search(text)
    if bad:
        raise InvalidInput(
            f"{field} contains a control character ({_describe(bad.group())}); remove it"
        )
    if _TAGS.search(text):
        raise InvalidInput(
            f"{field} contains Unicode TAG characters (invisible copies of letters); remove them"
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

    The one gate for text Funnel did not write itself: stores (anyone in the group can edit
    them by hand), settings files, lock notes, paths and command-line arguments echoed back.
    Control, bidi and surrogate characters become escapes; one-line text stays on one line.
    Everything that prints such text goes through here or through Textual's Content.
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


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes: wide (CJK, most emoji) 2, combining marks 0."""
    if text.isascii():
        return len(text)
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or _INVISIBLE.match(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` cells (on the left when ``right``)."""
    fill = " " * max(width - cell_width(text), 0)
    return fill + text if right else text + fill


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, an ellipsis marking the cut."""
    if cell_width(text) <= width:
        return text
    kept, used = [], 0
    for ch in text:
        used += _char_width(ch)
        if used > width - 1:
            break
        kept.append(ch)
    return "".join(kept) + "…"
