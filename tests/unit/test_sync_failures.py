"""Which failures of a pushed mutation are worth a retry (503) and which would fail again
(refused as internal_error, so the queue moves on)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from backend.features.sync.service import is_transient


class DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def postgres(sqlstate: str, message: str = "") -> DBAPIError:
    return DBAPIError("UPDATE draft", {}, DriverError(message, sqlstate))


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("UPDATE draft", {}, DriverError("database is locked")),
        OperationalError("BEGIN", {}, DriverError("database is busy")),
        postgres("40001", "could not serialize access"),
        postgres("40P01", "deadlock detected"),
        postgres("55P03", "lock not available"),
        postgres("57014", "canceling statement due to statement timeout"),
        postgres("08006", "connection failure"),
        postgres("57P01", "terminating connection due to administrator command"),
        postgres("53300", "too many connections"),
        ConnectionResetError(),
        TimeoutError(),
    ],
)
def test_busy_or_lost_databases_are_worth_a_retry(failure: BaseException) -> None:
    assert is_transient(failure)


@pytest.mark.parametrize(
    "failure",
    [
        postgres("22021", 'invalid byte sequence for encoding "UTF8": 0x00'),
        postgres("22003", "integer out of range"),
        postgres("23505", "duplicate key value violates unique constraint"),
        # the words of a transient failure inside a permanent one do not make it transient
        postgres("22P02", "invalid input syntax: 'connection timeout'"),
        IntegrityError("INSERT", {}, DriverError("UNIQUE constraint failed: connection.id")),
        OverflowError("Python int too large to convert to SQLite INTEGER"),
        KeyError("a bug"),
    ],
)
def test_failures_that_would_fail_again_are_not(failure: BaseException) -> None:
    assert not is_transient(failure)
