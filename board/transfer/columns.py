"""Which column of an imported table holds which deal field, from HubSpot, Pipedrive or a sheet.

Headers are compared in a folded form: lower case, anything in parentheses dropped (units such
as "Value ($)"), everything but letters and digits removed, so "Deal Name", "deal_name" and
"DEAL NAME" are one name. Pipedrive's "Deal - Title" style is read as "Title".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from board.errors import InvalidInput
from board.text import printable

# Each field's names, best first: when two columns name one field, the better name wins and
# the other column is ignored (and reported as such).
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "dealname", "name", "deal", "opportunityname", "opportunity", "subject"),
    "company": (
        "company",
        "companyname",
        "organization",
        "organisation",
        "organizationname",
        "organisationname",
        "associatedcompany",
        "account",
        "accountname",
        "client",
        "clientname",
    ),
    "contact": (
        "contact",
        "contactname",
        "contactperson",
        "associatedcontact",
        "person",
        "personname",
        "primarycontact",
    ),
    "value": ("value", "amount", "dealvalue", "dealamount", "revenue", "dealsize"),
    "currency": ("currency", "currencycode", "dealcurrencycode", "currencyofvalue"),
    "stage": ("stage", "dealstage", "pipelinestage", "stagename"),
    "status": ("status", "dealstatus"),
    "owner": (
        "owner",
        "dealowner",
        "ownername",
        "hubspotowner",
        "assignedto",
        "salesrep",
        "accountowner",
        "rep",
    ),
    "source": ("source", "originalsource", "leadsource", "sourcechannel", "channel", "origin"),
    "tags": ("tags", "tag", "labels", "label"),
    "notes": ("notes", "note", "description", "dealdescription", "comments"),
    "created_at": (
        "createdat",
        "created",
        "createdate",
        "createddate",
        "dealcreated",
        "datecreated",
        "createdon",
        "creationdate",
        "addtime",
    ),
    "stage_entered_at": (
        "stageenteredat",
        "laststagechange",
        "stagechangetime",
        "stageentered",
        "dateenteredstage",
    ),
    "close_date": ("closedate", "closeddate", "closedat", "dateclosed", "closingdate", "closedon"),
    "won_at": ("wonat", "wontime", "datewon", "wondate"),
    "lost_at": ("lostat", "losttime", "datelost", "lostdate"),
    "lost_reason": ("lostreason", "closedlostreason", "reasonlost", "lossreason"),
    "sales_sourced": ("salessourced",),
    "handoff_at": ("handoffat",),
    "handoff_by": ("handoffby",),
    "handoff_note": ("handoffnote",),
    "accepted_at": ("acceptedat",),
    "accepted_by": ("acceptedby",),
    "rejected_at": ("rejectedat",),
    "rejected_by": ("rejectedby",),
    "rejected_reason": ("rejectedreason", "rejectionreason"),
}
FIELDS: tuple[str, ...] = tuple(ALIASES)
"""The fields an imported row can fill, in the order the docs list them."""
IGNORE = ("ignore", "-")
"""``--map COLUMN=ignore`` (or ``=-``) leaves a column out."""

_RANK = {
    alias: (field, rank) for field, names in ALIASES.items() for rank, alias in enumerate(names)
}
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(header: str) -> str:
    """The comparable form of a header: ``"Value ($)"`` → ``"value"``."""
    return _NOT_ALNUM.sub("", _PARENS.sub("", header.lower()))


def field_for(header: str) -> tuple[str, int] | None:
    """The field a header names and how good a name it is (0 best), or ``None``."""
    folded = fold(header)
    found = _RANK.get(folded)
    if found is None and folded.startswith("deal") and len(folded) > 4:
        found = _RANK.get(folded[4:])  # Pipedrive: "Deal - Title"
    return found


def split_pair(raw: str, option: str) -> tuple[str, str]:
    """``"LEFT=RIGHT"`` from a repeatable option (split at the last ``=``), both sides trimmed."""
    left, sep, right = raw.rpartition("=")
    if not sep or not left.strip() or not right.strip():
        raise InvalidInput(f"{option} {printable(raw)!r}: expected NAME=VALUE")
    return left.strip(), right.strip()


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Where each field is read from: ``fields[name]`` is a column index."""

    headers: tuple[str, ...]
    fields: dict[str, int]
    ignored: tuple[str, ...]
    """Headers of the columns nothing reads, as they appear in the file."""

    def describe(self) -> list[str]:
        """``"Deal Name → title"`` lines, in column order, for a dry run."""
        by_column = sorted((index, name) for name, index in self.fields.items())
        return [f"{printable(self.headers[index])} → {name}" for index, name in by_column]


def plan_columns(headers: Sequence[str], maps: Iterable[str] = ()) -> ColumnPlan:
    """Recognise the headers, after the ``--map COLUMN=FIELD`` choices, which win."""
    fields: dict[str, int] = {}
    taken: set[int] = set()
    for raw in maps:
        column, name = split_pair(raw, "--map")
        index = _find_column(headers, column)
        taken.add(index)
        if name.lower() in IGNORE:
            continue
        if name not in ALIASES:
            raise InvalidInput(
                f"--map {printable(raw)!r}: unknown field {printable(name)!r};"
                f" fields: {', '.join(FIELDS)} (or 'ignore')"
            )
        fields[name] = index
    best: dict[str, tuple[int, int]] = {}
    for index, header in enumerate(headers):
        found = None if index in taken else field_for(header)
        if found is None or found[0] in fields:
            continue
        name, rank = found
        if name not in best or rank < best[name][0]:
            best[name] = (rank, index)
    fields.update({name: index for name, (_, index) in best.items()})
    used = set(fields.values())
    ignored = tuple(h for i, h in enumerate(headers) if i not in used and h.strip())
    if "title" not in fields:
        raise InvalidInput(
            "no column holds the deal's title (looked for Deal Name, Title, Name, ...);"
            " name it with --map COLUMN=title"
        )
    return ColumnPlan(tuple(headers), fields, ignored)


def _find_column(headers: Sequence[str], column: str) -> int:
    stripped = [h.strip() for h in headers]
    if column in stripped:
        return stripped.index(column)
    folded = [fold(h) for h in headers]
    if fold(column) in folded:
        return folded.index(fold(column))
    shown = ", ".join(printable(h) for h in headers[:12])
    raise InvalidInput(f"--map: no column named {printable(column)!r} (columns: {shown})")
