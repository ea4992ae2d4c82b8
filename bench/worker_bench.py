"""Worker CPU per poll of the demo account, as `make run` runs it.

    .venv/bin/python bench/worker_bench.py                # 60 s, the demo account
    .venv/bin/python bench/worker_bench.py --accounts 200 --interval 2
    .venv/bin/python bench/worker_bench.py --accounts 499 --workers 1 --seconds 600
    .venv/bin/python bench/worker_bench.py --accounts 499 --workers 2 --seconds 600

Starts the stack of tests/stack.py on a private redis-server, with the sandbox's random
activity on (calls come and go, as under `make run`) and the Procfile's worker command
(prefork, two children) instead of the tests' solo worker; waits for the first snapshot,
then for `--seconds` counts the polls the worker logged and the CPU of the worker's main
process and children, and of beat. Prints the worker's CPU per poll, how it splits between
the main process (the broker's messages, acks, countdowns) and the children (the tasks:
polls, the dispatcher's ticks, early polls), beat's CPU per second, and issue 16's figure
from before (22.8 ms per poll). Prints a final `RESULT {json}` line.

`--workers N`: N worker processes instead, each with one child (`--concurrency 1`) and
pinned with its child to a core of its own (taskset), as a host runs one per core, and the
rest of the stack on the other cores when there are any; the row says how many accounts
were polled within their interval + 10 % every time, and the workers' RSS at the end. On a
2-core machine the second worker shares its core with the sandbox, Redis and beat.
"""

import argparse
import itertools
import os
import secrets
import shlex
import sys
import tempfile
import time
from pathlib import Path

from common import result_line, run_with_stack

from tests.processes import proc_cpu, proc_rss_mb
from tests.stack import ROOT, Stack

BEFORE_MS_PER_POLL = 22.8  # issue 16: `make run`, worker CPU over 60 s / polls


def procfile_worker() -> list[str]:
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:")
    )
    return shlex.split(line.removeprefix("worker:"))


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


def pinned_worker(index: int) -> list[str]:
    """Worker `index` on core `index` (modulo the machine's), with one child."""
    core = index % (os.cpu_count() or 1)
    return [
        *("taskset", "-c", str(core), sys.executable, "-m", "celery", "-A", "wallboard"),
        *("worker", "--loglevel", "INFO", "--concurrency", "1", "--hostname", f"bench{index}@%h"),
    ]


def rss_mb(pids: list[int]) -> float:
    return round(sum(proc_rss_mb(pid) for pid in pids), 1)


def polls_logged(log: Path) -> int:
    return sum(
        1 for line in log.read_text(errors="replace").splitlines() if " poll account=" in line
    )


def add_accounts(args: argparse.Namespace):
    """The sandbox's extra accounts in the database, with their keys (before the worker)."""

    def prepare(stack: Stack) -> None:
        if not args.accounts:
            return
        accounts = stack.control("GET", "/accounts")
        keys = {a["id"]: a["developer_key"] for a in accounts if a["id"] >= 1001}
        code = (
            "from accounts.models import Voice360Account as A\n"
            f"for pk, key in {sorted(keys.items())!r}:\n"
            f"    a = A(account_id=pk, name=f'Bench {{pk}}',\n"
            f"          poll_interval_seconds={args.interval})\n"
            "    a.set_api_key(key)\n"
            "    a.save()\n"
        )
        stack.manage("shell", "-c", code, timeout=300)

    return prepare


def gaps(stack: Stack, since: float, within: float) -> tuple[int, float | None, int]:
    """Accounts polled in the window, the largest gap between two polls of one account, and
    the accounts whose every gap in the window was at most `within` seconds. The poll log
    keeps an account's last 50 polls (snapshots/store.py record_poll): the last 100 s at 2 s."""
    worst, polled, on_time = None, 0, 0
    for key in stack.redis.scan_iter("wb:poll:log:*"):
        rows = (row.split(",", 2) for row in stack.redis.lrange(key, 0, -1))
        starts = sorted(float(started) for started, _, outcome in rows if outcome != "busy")
        starts = [t for t in starts if t >= since]
        if starts:
            polled += 1
        spans = [b - a for a, b in itertools.pairwise(starts)]
        if spans:
            worst = max(spans) if worst is None else max(worst, *spans)
            on_time += max(spans) <= within
    return polled, worst, on_time


def run(args: argparse.Namespace, stack: Stack) -> dict:
    worker = stack.services["worker"]
    workers = [worker]
    if args.workers:
        worker.argv = pinned_worker(0)
        for index in range(1, args.workers):
            workers.append(stack._define(f"worker{index}", *pinned_worker(index)))
        # The rest of the stack (the sandbox above all: it answers every poll) on the cores
        # the workers leave, when they leave one.
        rest = list(range(args.workers, os.cpu_count() or 1))
        for name in ("sandbox", "redis", "beat", "web"):
            if rest and name in stack.services:
                service = stack.services[name]
                service.argv = ["taskset", "-c", ",".join(map(str, rest)), *service.argv]
    else:
        argv = procfile_worker()
        worker.argv = [sys.executable, "-m", *argv[0:1], *argv[1:], "--hostname", "bench@%h"]
    stack.start(prepare=add_accounts(args))
    for extra in workers[1:]:
        extra.start()
    time.sleep(10)  # the extra workers up and the accounts on their schedule
    stack.control("DELETE", "/requests")
    window_start = time.time()
    beat_pid = stack.services["beat"].pid
    mains = [w.pid for w in workers]
    kids = [kid for pid in mains for kid in children(pid)]
    cpu0 = {pid: proc_cpu(pid) for pid in [*mains, beat_pid, *kids]}
    polls0 = sum(polls_logged(w.log_path) for w in workers)
    started = time.monotonic()
    time.sleep(args.seconds)  # the measured window: the stack runs as it would
    wall = time.monotonic() - started
    used = {pid: proc_cpu(pid) - cpu0[pid] for pid in cpu0}
    polls = sum(polls_logged(w.log_path) for w in workers) - polls0
    rss = rss_mb([*mains, *kids])
    within = args.interval * 1.1
    polled, worst_gap, on_time = gaps(stack, window_start, within)
    seen = stack.control("GET", "/requests")
    limited = sum(s["rate_limited"] for s in [*seen["ips"].values(), *seen["keys"].values()])
    in_children = sum(used[k] for k in kids)
    in_mains = sum(used[m] for m in mains)
    total = in_mains + in_children
    row = {
        "seconds": round(wall, 1),
        "polls": polls,
        "worker_ms_per_poll": round(1000 * total / polls, 2) if polls else None,
        "main_ms_per_poll": round(1000 * in_mains / polls, 2) if polls else None,
        "children_ms_per_poll": round(1000 * in_children / polls, 2) if polls else None,
        "beat_ms_per_s": round(1000 * used[beat_pid] / wall, 2),
        "accounts": 1 + args.accounts,
        "accounts_polled": polled,
        "worst_gap_s": None if worst_gap is None else round(worst_gap, 2),
        "accounts_on_time": on_time,
        "polls_per_s": round(polls / wall, 1),
        "interval": args.interval,
        "workers": args.workers or 1,
        "pinned": bool(args.workers),
        "worker_rss_mb": rss,
        "upstream_429": limited,
        "before_ms_per_poll": BEFORE_MS_PER_POLL,
    }
    print(
        f"  {polls} polls in {wall:.0f} s: worker {row['worker_ms_per_poll']} ms CPU per poll "
        f"(main process {row['main_ms_per_poll']}, children {row['children_ms_per_poll']}); "
        f"beat {row['beat_ms_per_s']} ms CPU/s; {polled} of {row['accounts']} accounts "
        f"polled, the longest gap between two polls of one account {row['worst_gap_s']} s, "
        f"{on_time} polled within {within:g} s every time; {row['polls_per_s']} polls/s by "
        f"{row['workers']} worker(s){' pinned' if args.workers else ''}, RSS {rss} MB; "
        f"upstream 429s {limited}; before: {BEFORE_MS_PER_POLL} ms per poll",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--accounts", type=int, default=0, help="the sandbox's extra accounts")
    parser.add_argument("--interval", type=float, default=2.0, help="their poll interval")
    parser.add_argument(
        "--workers", type=int, default=0, help="pinned worker processes (default: the Procfile's)"
    )
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    stack = Stack(
        Path(tempfile.mkdtemp(prefix="worker-bench-")),
        # Its random activity on, as `make run` has it.
        sandbox_args=("--seed", "61", "--accounts", str(args.accounts)),
        private_redis=True,
        env_overrides={
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        },
    )
    _, row = run_with_stack("worker", args, run, stack=stack, browser=False)
    mode = f"{args.seconds:g} s, the demo account, the Procfile's worker"
    if args.accounts:
        mode += f", {args.accounts} more accounts at {args.interval:g} s"
    if args.workers:
        mode = mode.replace("the Procfile's worker", f"{args.workers} pinned worker(s)")
    print(result_line({"bench": "worker", "mode": mode, **row}))


if __name__ == "__main__":
    main()
