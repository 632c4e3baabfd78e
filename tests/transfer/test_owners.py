"""Owner display names become logins."""

from __future__ import annotations

import pytest

from board.errors import InvalidInput
from board.transfer.owners import OwnerNames


@pytest.mark.parametrize(
    ("name", "login"),
    [
        ("Jane Doe", "jane.doe"),
        ("jane.doe@example.com", "jane.doe"),
        ("Jane.Doe@Example.com", "jane.doe"),
        ("maya", "maya"),
        ("Sam", "Sam"),
        ("José Núñez", "jose.nunez"),
        ("Jane Doe (Sales)", "jane.doe.sales"),
        ("  O'Brien, Pat ", "o.brien.pat"),
        ("", "importer"),
        ("   ", "importer"),
    ],
)
def test_names_become_logins(name: str, login: str) -> None:
    assert OwnerNames("importer").login(name) == login


def test_a_map_wins_ignoring_case_and_spaces() -> None:
    owners = OwnerNames("importer", ["Jane  Doe=jdoe", "山田 太郎=yamada"])
    assert owners.login("jane doe") == "jdoe"
    assert owners.login("山田 太郎") == "yamada"
    assert owners.seen() == {"jane doe": "jdoe", "山田 太郎": "yamada"}


def test_a_name_without_latin_letters_needs_a_map() -> None:
    with pytest.raises(InvalidInput, match='--owner-map "山田=LOGIN"'):
        OwnerNames("importer").login("山田")
