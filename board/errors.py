"""Errors of the domain, each with the exit code the command line reports it with."""

from __future__ import annotations


class FunnelError(Exception):
    """Base of every error a user can cause; the message is one line, fit for stderr."""

    exit_code = 1


class NotFound(FunnelError):
    """A deal or entry that does not exist (exit 1)."""


class RuleViolation(FunnelError):
    """An action the journey's rules refuse, such as accepting a deal never handed off (exit 1)."""


class Conflict(FunnelError):
    """A write based on a stale read: someone else changed the deal meanwhile (exit 1)."""


class InvalidInput(FunnelError):
    """A bad value: a negative amount, an unknown stage, control characters (exit 2)."""

    exit_code = 2


class ConfigError(FunnelError):
    """A configuration file that cannot be used; the message names file, key and problem."""

    exit_code = 2


class StoreLocked(FunnelError):
    """The store's lock stayed held past the timeout (exit 3)."""

    exit_code = 3


class StoreCorrupt(FunnelError):
    """The store cannot be read safely; it is left untouched (exit 4)."""

    exit_code = 4
