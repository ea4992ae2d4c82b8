"""Settings for the test suite: the production settings, pointed at a Redis database of our own.

Tests never touch the database `make run` uses: REDIS_URL is replaced (not defaulted) by
TEST_REDIS_URL, which defaults to database 15 of the local Redis.
"""

import os

os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Development values, as `make run` has them (wallboard/development.py): tests are not production.
os.environ["DEBUG"] = "true"

from wallboard.settings import *  # noqa: F403

# Tests serve static files from the source folders, as development does (no collectstatic).
WHITENOISE_AUTOREFRESH = True

# Redis pub/sub ignores the database number: give the tests' channel layer its own prefix so
# nothing they publish reaches a `make run` on the same Redis.
# (Two runs of the suite at once on one Redis: CHANNEL_LAYER_PREFIX tells them apart too.)
_run = os.environ.get("CHANNEL_LAYER_PREFIX")
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "wallboard-tests" + (f"-{_run}" if _run else "")  # noqa: F405

# Hashing a test user's password fast: the suite logs users in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# On PostgreSQL, no pool in the test process: the test database is dropped at the end of the
# run, and connections the executor threads still hold outside a pool are closed with their
# threads, not kept open by the pool. Production's pool is checked in tests/wallboard.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
