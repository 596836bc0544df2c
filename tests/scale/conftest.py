"""The scale-out suite: several real processes sharing one PostgreSQL database and one Redis.
It runs when both MOTCUA_TEST_POSTGRES_URL and MOTCUA_TEST_REDIS_URL are set (`nox -s
tests_scale`), and is skipped otherwise. Each test gets its own database (tests/conftest.py)
and the Redis database of MOTCUA_TEST_REDIS_URL, flushed before and after it: give the suite
a database number nothing else uses (redis://127.0.0.1:6379/15).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis

from tests.conftest import POSTGRES_URL

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("scale") is None:
            continue
        if not REDIS_URL or not POSTGRES_URL:
            item.add_marker(
                pytest.mark.skip(
                    reason="needs MOTCUA_TEST_REDIS_URL and MOTCUA_TEST_POSTGRES_URL "
                    "(nox -s tests_scale)"
                )
            )


@pytest.fixture
def redis_url() -> Iterator[str]:
    """MOTCUA_TEST_REDIS_URL, its database empty for this test."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    try:
        yield REDIS_URL
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    try:
        yield client
    finally:
        client.close()
