"""Worker CPU per poll of the demo account, as `make run` runs it.

    .venv/bin/python bench/worker_bench.py                # 60 s, the demo account
    .venv/bin/python bench/worker_bench.py --accounts 200 --interval 2

Starts the stack of tests/stack.py on a private redis-server, with the sandbox's random
activity on (calls come and go, as under `make run`) and the Procfile's worker command
(prefork, two children) instead of the tests' solo worker; waits for the first snapshot,
then for `--seconds` counts the polls the worker logged and the CPU of the worker's main
process and children, and of beat. Prints the worker's CPU per poll, how it splits between
the main process (the broker's messages, acks, countdowns) and the children (the tasks:
polls, the dispatcher's ticks, early polls), beat's CPU per second, and issue 16's figure
from before (22.8 ms per poll). Prints a final `RESULT {json}` line.
"""

import argparse
import itertools
import secrets
import shlex
import tempfile
import time
from pathlib import Path

from common import result_line, run_with_stack

from tests.processes import proc_cpu
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


def gaps(stack: Stack, since: float) -> tuple[int, float | None]:
    """Accounts polled in the window, and the largest gap between two polls of one account."""
    worst, polled = None, 0
    for key in stack.redis.scan_iter("wb:poll:log:*"):  # snapshots/store.py record_poll
        rows = (row.split(",", 2) for row in stack.redis.lrange(key, 0, -1))
        starts = sorted(float(started) for started, _, outcome in rows if outcome != "busy")
        starts = [t for t in starts if t >= since]
        if starts:
            polled += 1
        for a, b in itertools.pairwise(starts):
            worst = b - a if worst is None else max(worst, b - a)
    return polled, worst


def run(args: argparse.Namespace, stack: Stack) -> dict:
    import sys

    worker = stack.services["worker"]
    argv = procfile_worker()
    worker.argv = [sys.executable, "-m", *argv[0:1], *argv[1:], "--hostname", "bench@%h"]
    stack.start(prepare=add_accounts(args))
    stack.control("DELETE", "/requests")
    window_start = time.time()
    main_pid, beat_pid = worker.pid, stack.services["beat"].pid
    kids = children(main_pid)
    cpu0 = {pid: proc_cpu(pid) for pid in [main_pid, beat_pid, *kids]}
    polls0 = polls_logged(worker.log_path)
    started = time.monotonic()
    time.sleep(args.seconds)  # the measured window: the stack runs as it would
    wall = time.monotonic() - started
    used = {pid: proc_cpu(pid) - cpu0[pid] for pid in cpu0}
    polls = polls_logged(worker.log_path) - polls0
    polled, worst_gap = gaps(stack, window_start)
    seen = stack.control("GET", "/requests")
    limited = sum(s["rate_limited"] for s in [*seen["ips"].values(), *seen["keys"].values()])
    in_children = sum(used[k] for k in kids)
    total = used[main_pid] + in_children
    row = {
        "seconds": round(wall, 1),
        "polls": polls,
        "worker_ms_per_poll": round(1000 * total / polls, 2) if polls else None,
        "main_ms_per_poll": round(1000 * used[main_pid] / polls, 2) if polls else None,
        "children_ms_per_poll": round(1000 * in_children / polls, 2) if polls else None,
        "beat_ms_per_s": round(1000 * used[beat_pid] / wall, 2),
        "accounts": 1 + args.accounts,
        "accounts_polled": polled,
        "worst_gap_s": None if worst_gap is None else round(worst_gap, 2),
        "upstream_429": limited,
        "before_ms_per_poll": BEFORE_MS_PER_POLL,
    }
    print(
        f"  {polls} polls in {wall:.0f} s: worker {row['worker_ms_per_poll']} ms CPU per poll "
        f"(main process {row['main_ms_per_poll']}, children {row['children_ms_per_poll']}); "
        f"beat {row['beat_ms_per_s']} ms CPU/s; {polled} of {row['accounts']} accounts "
        f"polled, the longest gap between two polls of one account {row['worst_gap_s']} s; "
        f"upstream 429s {limited}; before: {BEFORE_MS_PER_POLL} ms per poll",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--accounts", type=int, default=0, help="the sandbox's extra accounts")
    parser.add_argument("--interval", type=float, default=2.0, help="their poll interval")
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
    print(result_line({"bench": "worker", "mode": mode, **row}))


if __name__ == "__main__":
    main()
