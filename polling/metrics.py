"""Counters of the workers (and web processes) in Redis, read by /metrics at scrape time.

Every process on every host adds to the same Redis hashes, so one scrape of any web process
sees the whole deployment:

wb:metrics:polls                 outcome -> count
wb:metrics:poll_seconds          histogram of poll durations (see `observe`)
wb:metrics:render_seconds        histogram of feed renders (by the worker, after a change)
wb:metrics:upstream_errors       HTTP status (or error type when none) -> count
wb:metrics:diffs                 "published" -> visible changes published, "feeds" -> feed
                                 updates they sent (one per board and audience that changed)
wb:metrics:pushed                "messages" -> websocket messages sent by every web process
wb:metrics:rejections            reason -> count (bad upstream data, by error type)
wb:metrics:rejections:<account>  reason -> count
"""

import redis

from wallboard.redis import get_redis

# Upper bounds (seconds) of the histograms' buckets; +Inf is implied.
POLL_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RENDER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


def count_poll(
    outcome: str, seconds: float | None = None, client: redis.Redis | None = None, pipe=None
) -> None:
    """With `pipe`, only queue the commands on it (the poller sends them with its own)."""
    own = pipe is None
    pipe = (client or get_redis()).pipeline(transaction=False) if own else pipe
    pipe.hincrby("wb:metrics:polls", outcome, 1)
    if seconds is not None:
        _observe(pipe, "poll_seconds", POLL_BUCKETS, seconds)
    if own:
        pipe.execute()


def count_upstream_error(code: str, client: redis.Redis | None = None) -> None:
    (client or get_redis()).hincrby("wb:metrics:upstream_errors", code, 1)


def count_published(feeds: int, client: redis.Redis | None = None) -> None:
    pipe = (client or get_redis()).pipeline(transaction=False)
    pipe.hincrby("wb:metrics:diffs", "published", 1)
    pipe.hincrby("wb:metrics:diffs", "feeds", feeds)
    pipe.execute()


def observe_render(seconds: float, client: redis.Redis | None = None) -> None:
    pipe = (client or get_redis()).pipeline(transaction=False)
    _observe(pipe, "render_seconds", RENDER_BUCKETS, seconds)
    pipe.execute()


def count_rejection(account_id: int, reason: str, client: redis.Redis | None = None) -> None:
    pipe = (client or get_redis()).pipeline(transaction=False)
    pipe.hincrby("wb:metrics:rejections", reason, 1)
    pipe.hincrby(f"wb:metrics:rejections:{account_id}", reason, 1)
    pipe.execute()


def _observe(pipe, name: str, bounds: tuple[float, ...], seconds: float) -> None:
    """One observation: the count of the first bucket it fits (cumulated at scrape time)."""
    bucket = next((repr(b) for b in bounds if seconds <= b), "+Inf")
    key = f"wb:metrics:{name}"
    pipe.hincrby(key, bucket, 1)
    pipe.hincrbyfloat(key, "sum", seconds)


def histogram(
    raw: dict[str, str], bounds: tuple[float, ...]
) -> tuple[list[tuple[str, int]], float]:
    """(cumulative buckets as prometheus_client wants them, sum) from a histogram hash."""
    buckets, total = [], 0
    for bound in (*map(repr, bounds), "+Inf"):
        total += int(raw.get(bound, 0))
        buckets.append((bound, total))
    return buckets, float(raw.get("sum", 0.0))


def read(name: str, client: redis.Redis | None = None) -> dict[str, int]:
    return {k: int(v) for k, v in (client or get_redis()).hgetall(f"wb:metrics:{name}").items()}
