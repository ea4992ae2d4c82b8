"""Poller benchmark against the sandbox: how many accounts one worker process can poll.

    .venv/bin/python bench/poller_bench.py [--polls 200] [--accounts 100 --rounds 20]
    .venv/bin/python bench/poller_bench.py --only-many     # the small accounts only

Starts its own sandbox (large scenario, quiet), polls the 300-agent account in one process
on the process's one loop and client (as a Celery worker does), and prints:
  - wall and CPU time per poll, RSS growth, and accounts per process at a 2 s interval;
  - the snapshot+diff cost per poll for 300 agents (normalize, carry, diff, store);
  - the service figures' cost with 20,000 webhook events today (service/today.py): the
    rebuild from the table once, then per poll with no new event and with one;
  - the CPU per poll of `--accounts` small accounts polled together, as one dispatcher step
    sends them to a worker (poller.poll_due), `--rounds` times.
Uses Redis db 14 and empties it before and after, and a migrated SQLite file of its own.
"""

import argparse
import os
import resource
import tempfile
import time

from common import result_line

os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")
# The development settings, as this bench always ran (DEBUG used to be the default): the
# development secrets, which production's settings refuse.
os.environ.setdefault("DEBUG", "true")
os.environ["POLL_RATE_WINDOW_SECONDS"] = "60"
os.environ["VOICE360_KEY_RATE_LIMIT"] = "1000000"
# A database of its own, migrated here: each poll reads the overlay's tables (today's
# counts, alert rules) and the account's boards, as in production.
DATABASE_DIR = tempfile.mkdtemp(prefix="poller-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE_DIR}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)

from django.conf import settings  # noqa: E402

from accounts import crypto  # noqa: E402
from accounts.models import Voice360Account  # noqa: E402
from polling import poller  # noqa: E402
from polling.targets import PollTarget, publish_targets  # noqa: E402
from snapshots import diff, normalize, store  # noqa: E402
from tests.sandbox_process import start_sandbox  # noqa: E402
from wallboard import runtime  # noqa: E402
from wallboard.redis import get_redis  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def largest_account(sandbox) -> tuple[int, str, int]:
    state = sandbox.control("GET", "/state").json()
    accounts = sandbox.control("GET", "/accounts").json()
    keys = {a["id"]: a["developer_key"] for a in accounts}
    sizes = {a["id"]: len(a["agents"]) for a in state["accounts"]}
    account_id = max(sizes, key=sizes.get)
    return account_id, keys[account_id], sizes[account_id]


def bench_polls(account_id: int, key: str, polls: int) -> dict:
    publish_targets([PollTarget(account_id, "bench", crypto.encrypt(key), 2.0, 1.0)])
    poller.poll_account(account_id)  # warm up: first snapshot, config refresh
    rss_before = rss_mb()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    outcomes: dict[str, int] = {}
    for _ in range(polls):
        outcome = str(poller.poll_account(account_id).outcome)  # polling.outcome.Outcome
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    wall = (time.perf_counter() - wall0) / polls
    cpu = (time.process_time() - cpu0) / polls
    print(f"outcomes: {outcomes}")
    print(f"poll of a 300-agent account: wall {wall * 1000:.1f} ms, CPU {cpu * 1000:.1f} ms")
    print(f"RSS {rss_mb():.0f} MB (+{rss_mb() - rss_before:.1f} MB over {polls} polls)")
    print(
        f"accounts per worker process at a 2 s interval: ~{int(2 / wall)} (wall-bound, solo), "
        f"~{int(2 / cpu)} (CPU-bound, if polls overlap on the loop)"
    )
    return {
        "poll_wall_ms": round(wall * 1000, 2),
        "poll_cpu_ms": round(cpu * 1000, 2),
        "accounts_per_process_wall": int(2 / wall),
        "accounts_per_process_cpu": int(2 / cpu),
        "outcomes": outcomes,
    }


def bench_many(sandbox, accounts: int, rounds: int) -> dict:
    """`accounts` small accounts polled together, as one dispatcher step sends them to a
    worker (poller.poll_due: all read at once on the loop, each stored as it comes)."""
    keys = {a["id"]: a["developer_key"] for a in sandbox.control("GET", "/accounts").json()}
    ids = sorted(k for k in keys if k >= 1001)[:accounts]
    # In the database, as in production: the overlay looks each account up.
    for pk in ids:
        account = Voice360Account(account_id=pk, name=f"Bench {pk}", poll_interval_seconds=2)
        account.set_api_key(keys[pk])
        account.save()
    publish_targets([PollTarget(a, "bench", crypto.encrypt(keys[a]), 2.0, 1.0) for a in ids])
    claims = [(a, 0.0) for a in ids]
    poller.poll_due(claims)  # warm up: first snapshots, config refreshes
    outcomes: dict[str, int] = {}
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for result in poller.poll_due(claims):
            outcomes[str(result.outcome)] = outcomes.get(str(result.outcome), 0) + 1
    polls = rounds * len(ids)
    wall = (time.perf_counter() - wall0) / rounds
    cpu = (time.process_time() - cpu0) / polls
    print(f"outcomes: {outcomes}")
    print(
        f"{len(ids)} accounts polled together: {wall * 1000:.0f} ms wall per round, "
        f"CPU {cpu * 1000:.2f} ms per poll: ~{int(2 / cpu)} accounts per core at 2 s"
    )
    return {"many_accounts": len(ids), "many_poll_cpu_ms": round(cpu * 1000, 2)}


def bench_snapshot_diff(account_id: int, key: str, rounds: int) -> float:
    async def fetch():
        client = runtime.get_client()
        return await client.availability(account_id, key), await client.queue_availability(
            account_id, key
        )

    agents, queues = runtime.run(fetch())
    previous = store.read_snapshot(account_id)
    started = time.process_time()
    for i in range(rounds):
        snap = normalize.build_snapshot(
            account_id, "key", agents.data, queues.data, time.time() + i * 0.01
        )
        snap = diff.carry_call_starts(previous.snapshot, snap, 3.0)
        changed = diff.changed(previous.snapshot, snap)
        store.write_snapshot(
            account_id, snap, time.time(), expected_version=previous.version, changed=False
        )
    per = (time.process_time() - started) / rounds
    print(
        f"snapshot+diff+store for {len(agents.data)} agents: {per * 1000:.2f} ms CPU "
        f"(the last diff: {'changed' if changed else 'unchanged'})"
    )
    return per


def bench_service(account_id: int, events: int = 20_000, polls: int = 600) -> dict:
    """The service figures of an account with `events` stored today: what a poll pays."""
    from datetime import UTC, datetime

    from accounts.models import Voice360Account
    from service import today
    from webhooks.models import WebhookEvent, WebhookReceiver
    from webhooks.storage import store as store_event
    from webhooks.validation import WebhookPayload

    account, _ = Voice360Account.objects.get_or_create(
        account_id=account_id, defaults={"name": "bench", "time_zone": "UTC"}
    )
    now = time.time()
    midnight = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0).timestamp()
    span = max(now - midnight - 60, 3600.0)  # the day so far (an hour just after midnight)
    rows, calls = [], events // 4
    for n in range(calls):
        start = now - span + span * n / calls
        meta = {"call_id": f"bench-{n}", "queue_id": 100 + n % 20, "queue_name": "q"}
        names = ("INCOMING_EXTERNAL_CALL", "USER_ANSWER", "CALL_ENDED", "QUEUE_NO_ANSWER")
        for i, name in enumerate(names):
            extra = {"user_id": 1 + n % 300, "direction": "inbound", "reason": "completed"}
            at = datetime.fromtimestamp(start + (0, 12, 200, 5)[i], UTC)
            rows.append(
                WebhookEvent(
                    account=account,
                    event_name=name,
                    occurred_at=at,
                    received_at=at,
                    dedup_key=f"{n:08d}{i}".ljust(64, "0"),
                    call_id=meta["call_id"],
                    queue_id=meta["queue_id"],
                    user_id=extra["user_id"] if i else None,
                    direction="inbound" if i in (1, 2) else "",
                    reason="completed" if i == 2 else "",
                    metadata={**meta, "wait_seconds": 5} if i == 3 else meta,
                )
            )
    WebhookEvent.objects.bulk_create(rows, batch_size=2000)
    snapshot = store.read_snapshot(account_id).snapshot
    started = time.process_time()
    today.today_counts(account_id, now, snapshot)  # the rebuild from the table
    rebuild = time.process_time() - started

    started = time.process_time()
    for i in range(polls):  # 2 s apart: 20 minutes of polls, each minute's figures anew
        today.today_counts(account_id, now + 2 * i, snapshot)
    quiet = (time.process_time() - started) / polls

    receiver = WebhookReceiver.for_account(account)
    payloads = [
        WebhookPayload(
            event_name="INCOMING_EXTERNAL_CALL",
            account_id=str(account_id),
            timestamp=int(now),
            metadata={
                "call_id": f"new-{i}",
                "from_number": "+15550000000",
                "to_number": "8001",
                "queue_id": 100,
                "queue_name": "q",
            },
        )
        for i in range(polls // 10)
    ]
    spent = 0.0
    for i, payload in enumerate(payloads):
        store_event(receiver, payload, time.time())
        started = time.process_time()
        today.today_counts(account_id, now + 2 * i, snapshot)  # the event folded in
        spent += time.process_time() - started
    busy = spent / len(payloads)
    print(
        f"service figures, {events:,} events today: rebuild {rebuild * 1000:.0f} ms once; "
        f"per poll {quiet * 1000:.3f} ms CPU with no new event, {busy * 1000:.3f} ms with one"
    )
    return {
        "service_events": events,
        "service_rebuild_ms": round(rebuild * 1000, 1),
        "service_quiet_poll_cpu_ms": round(quiet * 1000, 3),
        "service_event_poll_cpu_ms": round(busy * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=100, help="small accounts polled together")
    parser.add_argument("--rounds", type=int, default=20, help="polls of each small account")
    parser.add_argument("--only-many", action="store_true", help="the small accounts only")
    args = parser.parse_args()
    extra = ("--accounts", str(args.accounts))
    sandbox = start_sandbox("--scenario", "large", "--quiet-activity", *extra)
    try:
        settings.VOICE360_BASE_URL = sandbox.base_url
        get_redis().flushdb()
        # Lift the sandbox's key limit too: this measures cost, not the budget.
        sandbox.control("PATCH", "/settings", {"key_limit": 1_000_000})
        if args.only_many:
            print(
                result_line({"bench": "poller", **bench_many(sandbox, args.accounts, args.rounds)})
            )
            return
        account_id, key, size = largest_account(sandbox)
        print(f"sandbox large scenario: account {account_id} with {size} agents")
        result = bench_polls(account_id, key, args.polls)
        per = bench_snapshot_diff(account_id, key, args.polls)
        result.update(bench_service(account_id))
        result.update(bench_many(sandbox, args.accounts, args.rounds))
        result.update(
            bench="poller",
            mode=f"{args.polls} polls",
            agents=size,
            snapshot_diff_store_cpu_ms=round(per * 1000, 3),
        )
        print(result_line(result))
    finally:
        runtime.shutdown()
        get_redis().flushdb()
        sandbox.stop()


if __name__ == "__main__":
    main()
