"""/metrics: the whole deployment in Prometheus' text format, read from Redis at scrape time.

Workers and web processes on any host count into Redis (polling/metrics.py,
live/web_metrics.py), so every web process answers with the same numbers and a scrape of
one of them is enough. Labels carry account ids, audiences, outcomes, HTTP codes and key
fingerprints (polling.budget.key_bucket), never a key, a name or a phone number.

Open to `Authorization: Bearer <METRICS_TOKEN>` when that is set; else to the client
addresses in METRICS_ALLOWED_IPS (loopback by default), told by the one rule of
wallboard/client_ip.py. A private address alone is no credential: behind Docker's port
publishing or a load balancer, every client looks private.
"""

import hmac
import time
from collections.abc import Iterator

import redis
from django.conf import settings
from django.http import HttpRequest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from alerts.tasks import METRICS_KEY as ALERT_NOTIFICATIONS_KEY
from live import web_metrics
from monitoring.tasks import HEARTBEAT_KEY
from polling import budget
from polling import metrics as counters
from snapshots.store import snapshot_key
from wallboard.client_ip import in_networks, networks, request_client_ip
from wallboard.redis import get_redis
from webhooks import metrics as webhook_metrics

_HASHES = ("polls", "poll_seconds", "render_seconds", "upstream_errors", "diffs")
ALERT_HASH = ALERT_NOTIFICATIONS_KEY.removeprefix("wb:metrics:")


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    address = request_client_ip(request)
    return in_networks(address, networks(tuple(settings.METRICS_ALLOWED_IPS)))


class RedisCollector:
    """Three Redis round trips per scrape, whatever the number of processes."""

    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def collect(self) -> Iterator[Metric]:
        now = time.time()
        pipe = self.redis.pipeline(transaction=False)
        for name in (*_HASHES, ALERT_HASH):
            pipe.hgetall(f"wb:metrics:{name}")
        pipe.hget(web_metrics.PUSHED_KEY, "messages")
        pipe.hgetall(budget.EFFECTIVE_INTERVALS_KEY)
        pipe.hgetall(budget.LIMITS_KEY)
        pipe.zremrangebyscore(web_metrics.PROCESSES_KEY, "-inf", now - web_metrics.EXPIRE_SECONDS)
        pipe.zrange(web_metrics.PROCESSES_KEY, 0, -1)
        pipe.get(HEARTBEAT_KEY)
        pipe.time()
        polls, poll_seconds, render_seconds, errors, diffs, alerts, pushed, *rest = pipe.execute()
        intervals, limits, _, processes, heartbeat, (seconds, micros) = rest
        redis_now = seconds + micros / 1_000_000

        accounts = sorted(intervals, key=int)
        pipe = self.redis.pipeline(transaction=False)
        for account_id in accounts:
            pipe.hget(snapshot_key(int(account_id)), "fetched_at")
        for bucket in limits:
            pipe.zcount(budget.log_key(bucket), redis_now - budget.window_seconds(), "+inf")
        for process in processes:
            pipe.hgetall(process)
        raw = pipe.execute()
        fetched = raw[: len(accounts)]
        used = raw[len(accounts) : len(accounts) + len(limits)]
        per_process = raw[len(accounts) + len(limits) :]

        yield _labelled(CounterMetricFamily, "wallboard_polls", "Polls.", "outcome", polls)
        yield _histogram(
            "wallboard_poll_duration_seconds", "Poll duration.", poll_seconds, counters.POLL_BUCKETS
        )
        yield _labelled(
            CounterMetricFamily,
            "wallboard_upstream_errors",
            "Failed upstream calls by HTTP status (or error type when there was no answer).",
            "code",
            errors,
        )
        yield _budget(limits, used)
        yield from _budget_left(limits, used)
        yield _snapshot_ages(accounts, fetched, now)
        yield CounterMetricFamily(
            "wallboard_diffs_published",
            "Visible changes published to the boards.",
            value=int(diffs.get("published", 0)),
        )
        yield CounterMetricFamily(
            "wallboard_feed_updates_published",
            "Feed updates sent with them: one per board and audience whose HTML changed.",
            value=int(diffs.get("feeds", 0)),
        )
        yield CounterMetricFamily(
            "wallboard_websocket_messages_pushed",
            "Websocket messages sent to viewers by every web process.",
            value=int(pushed or 0),
        )
        yield _clients(per_process)
        yield GaugeMetricFamily(
            "wallboard_web_processes",
            "Web processes that reported in the last seconds.",
            value=len(processes),
        )
        yield _histogram(
            "wallboard_render_duration_seconds",
            "Render time of one board for one audience.",
            render_seconds,
            counters.RENDER_BUCKETS,
        )
        yield _labelled(
            CounterMetricFamily,
            "wallboard_alert_notifications",
            "Outgoing alert webhook posts by outcome (sent, retried, failed, refused).",
            "outcome",
            alerts,
        )
        yield GaugeMetricFamily(
            "wallboard_worker_heartbeat_age_seconds",
            "Seconds since beat and a worker last ran the heartbeat task.",
            value=now - float(heartbeat) if heartbeat else float("inf"),
        )
        yield from webhook_metrics.families(self.redis)


def _labelled(family, name: str, documentation: str, label: str, values: dict) -> Metric:
    metric = family(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        metric.add_metric([key], int(value))
    return metric


def _histogram(name: str, documentation: str, raw: dict, bounds: tuple[float, ...]) -> Metric:
    buckets, total = counters.histogram(raw, bounds)
    return HistogramMetricFamily(name, documentation, buckets=buckets, sum_value=total)


def _kind(bucket: str) -> str:
    return "ip" if bucket == budget.PUBLIC_BUCKET else "key"


def _budget(limits: dict, used: list) -> Metric:
    metric = GaugeMetricFamily(
        "wallboard_budget_used_requests",
        "Upstream requests taken in the current rate window, per key fingerprint or source IP.",
        labels=["bucket", "kind"],
    )
    for bucket, count in zip(limits, used, strict=True):
        metric.add_metric([bucket, _kind(bucket)], int(count))
    return metric


def _budget_left(limits: dict, used: list) -> Iterator[Metric]:
    left = GaugeMetricFamily(
        "wallboard_budget_left_requests",
        "Upstream requests this server may still send in the current rate window.",
        labels=["bucket", "kind"],
    )
    limit = GaugeMetricFamily(
        "wallboard_budget_limit_requests",
        "Upstream requests this server may send per rate window.",
        labels=["bucket", "kind"],
    )
    for (bucket, value), count in zip(limits.items(), used, strict=True):
        left.add_metric([bucket, _kind(bucket)], max(0, int(value) - int(count)))
        limit.add_metric([bucket, _kind(bucket)], int(value))
    yield left
    yield limit


def _snapshot_ages(accounts: list[str], fetched: list, now: float) -> Metric:
    metric = GaugeMetricFamily(
        "wallboard_snapshot_age_seconds",
        "Seconds since the account's last good poll (+Inf before the first).",
        labels=["account_id"],
    )
    for account_id, fetched_at in zip(accounts, fetched, strict=True):
        metric.add_metric([account_id], now - float(fetched_at) if fetched_at else float("inf"))
    return metric


def _clients(per_process: list[dict]) -> Metric:
    totals: dict[str, int] = {}
    for counts in per_process:
        for audience, count in counts.items():
            if audience != "_":
                totals[audience] = totals.get(audience, 0) + int(count)
    metric = GaugeMetricFamily(
        "wallboard_websocket_clients",
        "Open websockets by audience, every web process together.",
        labels=["audience"],
    )
    for audience in ("tv", "supervisor", "admin", "public"):
        metric.add_metric([audience], totals.get(audience, 0))
    return metric


def exposition(client: redis.Redis | None = None) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RedisCollector(client or get_redis()))  # type: ignore[arg-type]
    return generate_latest(registry)
