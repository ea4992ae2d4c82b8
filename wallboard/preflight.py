"""`python -m wallboard.preflight`: say in one line what is missing before starting anything."""

import os
import sys

import redis
from dotenv import load_dotenv

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_problem(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        return (
            f"Redis does not answer at REDIS_URL={url} ({exc.__class__.__name__}); start one with "
            "'redis-server --daemonize yes' (Debian: apt-get install redis-server) "
            "or point REDIS_URL at yours."
        )
    return None


def main() -> int:
    load_dotenv(".env", override=False)
    problem = redis_problem(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
