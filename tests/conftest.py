"""Fixtures every test package may use: a throwaway PostgreSQL server (see `tests.pg`)."""

from tests.pg import pg_database, pg_server

__all__ = ["pg_database", "pg_server"]
