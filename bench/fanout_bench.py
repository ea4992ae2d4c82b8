"""Fan-out benchmark: N websocket viewers of one board on ONE web process, daphne and uvicorn.

    .venv/bin/python bench/fanout_bench.py            # full run, ~10 minutes
    .venv/bin/python bench/fanout_bench.py --quick    # smoke run, ~2 minutes
    options: --servers daphne,uvicorn  --steps 100,1000  --updates 8  --profile 5000

What it starts (free ports, all loopback; cleaned up on exit, Ctrl-C or error):
  - a sandbox (`python -m sandbox --quiet-activity`: nothing moves unless we move it);
  - a migrated SQLite database in a temporary folder, `seed_demo` (DEBUG=true);
  - ONE web process pinned to core 1 (`taskset -c 1`), DEBUG=false, first daphne, then
    uvicorn (`--ws websockets --ws-per-message-deflate false`); a Redis database of this
    run's own (FANOUT_REDIS_URL, or the first empty one of a few on the local Redis) and a
    channel-layer prefix of its own (CHANNEL_LAYER_PREFIX);
  - two viewer processes on core 0 (bench/fanout_clients.py).
No Celery worker: this process IS the worker. Each update goes through the real chain:
a call starts (or ends) on agent 123 through the sandbox's control API, then
`polling.poller.poll_account` polls the account exactly as the worker task does (read API
-> snapshot -> changed? -> `polling.publish` renders every feed once -> `group_send` of
`feed.update`).
The channel layer's `group_send` is wrapped to note when each feed's message is published;
viewers note when they receive each version, so "latency" is publish -> receipt on one
clock (CLOCK_MONOTONIC); "change -> publish" (the poll and render) is reported apart.

Per N (viewers of the TV feed /ws/wallboard/tv/<demo token>/, one update a second):
p50/p95/p99 latency, delivery % (viewer x version pairs received), sequence gaps (versions
a viewer never got; "healed" when a later full state covered them), server CPU per
delivered message (/proc/<pid>/stat), server CPU %, RSS and RSS per connection, bytes per
viewer per one-agent change (websocket frames), and the viewer processes' CPU. The sweep
stops after the first N whose p95 passes 500 ms.

Then, per server: 5 % stalled viewers (tiny receive buffer, stop reading after their first
full state) among the rest, a few updates a second: the others' latency and the server's
memory over time; and the polling baseline on the public board: N websocket viewers with a
change every 2 s against N htmx-style pollers GETting /status/<slug>/ every 2 s.
"""

import argparse
import contextlib
import json
import multiprocessing
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import fanout_clients
from common import CALLER, CLIENT_CPU, ROOT, SERVER_CPU, interrupt_on_sigterm, pct

from demo import names as demo
from tests.processes import (
    Process,
    free_port,
    proc_cpu,
    proc_fds,
    proc_rss_mb,
    proc_wait,
    stop_all,
    wait_http,
)

PY = sys.executable
ACCOUNT_ID = demo.SANDBOX_ACCOUNT_ID
TV_TOKEN = demo.demo_kiosk_token()
PUBLIC_SLUG = demo.DEMO_BOARDS["public"]
# A database nobody else uses: FANOUT_REDIS_URL, or the first empty one of these. It must be
# empty at the start; it is emptied at the end (only if our claim on it is still there).
REDIS_BASE = "redis://127.0.0.1:6379"
REDIS_CANDIDATES = (11, 10, 9, 8, 7, 6, 5, 13)
CLAIM_KEY = "fanout-bench:owner"
P95_LIMIT = 0.5
CLIENT_PROCESSES = 2


# ----------------------------------------------------------------------------- processes


class Processes:
    """Every process this run starts (tests/processes.py: each in a group of its own, which
    Ctrl-C does not reach, and SIGTERMed should this process die); `close` stops them all,
    whatever happened."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.procs: list[Process] = []
        self.clients: list[tuple[multiprocessing.Process, object]] = []
        self.redis_url: str | None = None

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Process:
        proc = Process(name, argv, env, self.workdir / f"{name}.log", die_with_parent=True)
        proc.start()
        self.procs.append(proc)
        return proc

    def stop(self, proc: Process) -> None:
        proc.stop()
        if proc in self.procs:
            self.procs.remove(proc)

    def close(self) -> None:
        for process, conn in self.clients:
            with contextlib.suppress(Exception):
                conn.send(("quit",))
                if conn.poll(5):
                    conn.recv()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
        self.clients = []
        stop_all(reversed(self.procs))
        self.procs = []


def sample(pid: int) -> tuple[float, float, int]:
    return time.monotonic(), proc_rss_mb(pid), proc_fds(pid)


# ------------------------------------------------------------------- the update driver


class Updates:
    """Drives updates through the real chain, in this process (it plays the Celery worker)."""

    def __init__(self, sandbox_port: int) -> None:
        import httpx
        from channels.layers import get_channel_layer

        from accounts import crypto
        from polling import poller
        from polling.targets import PollTarget, publish_targets
        from wallboard import runtime

        self.poller = poller
        self.runtime = runtime
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{sandbox_port}/control", timeout=10)
        self.http.patch("/settings", json={"key_limit": 1_000_000}).raise_for_status()
        accounts = self.http.get("/accounts").json()
        key = next(a["developer_key"] for a in accounts if a["id"] == ACCOUNT_ID)
        publish_targets([PollTarget(ACCOUNT_ID, "bench", crypto.encrypt(key), 2.0, 1.0)])
        self.call_id: str | None = None
        self.published: dict[str, dict[int, float]] = {}
        self.changed_at: dict[int, float] = {}  # version -> when the sandbox change began
        self.last_tick = 0.0
        self.unchanged_toggles = 0

        async def hook() -> None:
            layer = get_channel_layer()
            original = layer.group_send

            async def group_send(group: str, message: dict) -> None:
                if "version" in message:
                    self.published.setdefault(group, {})[int(message["version"])] = time.monotonic()
                await original(group, message)

            layer.group_send = group_send

        runtime.run(hook())
        self.tick(change=False)  # the first snapshot: nothing to publish yet
        self.tick(change=True)  # the first feed renders exist after this one
        self.tick(change=True)

    def tick(self, change: bool) -> int | None:
        started = time.monotonic()
        if change:
            if self.call_id is None:
                response = self.http.post(
                    f"/accounts/{ACCOUNT_ID}/calls",
                    json={"pk": CALLER, "direction": "outbound", "peer": "+15550100"},
                )
                response.raise_for_status()
                self.call_id = response.json()["call_id"]
            else:
                self.http.delete(f"/accounts/{ACCOUNT_ID}/calls/{self.call_id}")
                self.call_id = None
        result = self.poller.poll_account(ACCOUNT_ID)
        self.last_tick = time.monotonic()
        if change and result.outcome != "changed":
            self.unchanged_toggles += 1
        if result.outcome == "changed" and result.version is not None:
            self.changed_at[result.version] = started
            return result.version
        return None

    def keepalive(self) -> None:
        """An unchanged poll once a second keeps the data fresh (no STALE flip) between
        measurements, as the worker's 2 s schedule would."""
        if time.monotonic() - self.last_tick >= 1.0:
            self.tick(change=False)

    def close(self) -> None:
        self.http.close()
        with contextlib.suppress(Exception):
            self.runtime.shutdown()


# ------------------------------------------------------------------------- clients


class Clients:
    def __init__(self, stack: Processes, port: int, updates: Updates) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.updates = updates
        self.conns = []
        for i in range(CLIENT_PROCESSES):
            parent, child = ctx.Pipe()
            process = ctx.Process(
                target=fanout_clients.run_client,
                args=(child, "127.0.0.1", port, f"client{i}", CLIENT_CPU),
                daemon=True,
            )
            process.start()
            child.close()
            stack.clients.append((process, parent))
            self.conns.append(parent)
        self.pids = [p.pid for p, _ in stack.clients[-CLIENT_PROCESSES:]]
        self.viewers = 0

    def ask(self, commands: list[tuple], timeout: float = 300) -> list:
        """One command per client process; keeps the data fresh while they work."""
        for conn, command in zip(self.conns, commands, strict=True):
            conn.send(command)
        answers: list = [None] * len(self.conns)
        pending = set(range(len(self.conns)))
        deadline = time.monotonic() + timeout
        while pending:
            if time.monotonic() > deadline:
                raise RuntimeError(f"client processes did not answer {commands[0][0]!r}")
            for i in list(pending):
                if self.conns[i].poll(0.05):
                    answers[i] = self.conns[i].recv()
                    pending.discard(i)
                    if isinstance(answers[i], dict) and "error" in answers[i]:
                        raise RuntimeError(f"client {i}: {answers[i]['error']}")
            self.updates.keepalive()
        return answers

    def ask_all(self, command: tuple, timeout: float = 300) -> list:
        return self.ask([command] * len(self.conns), timeout)

    def connect(self, path: str, total: int, stalled: int = 0) -> dict:
        add = total - self.viewers
        n = len(self.conns)
        counts = [add // n + (1 if i < add % n else 0) for i in range(n)]
        stalls = [stalled // n + (1 if i < stalled % n else 0) for i in range(n)]
        answers = self.ask(
            [("connect", path, c, s) for c, s in zip(counts, stalls, strict=True)], timeout=600
        )
        self.viewers = total
        errors: Counter = Counter()
        for a in answers:
            errors.update(a["errors"])
        return {
            "ok": sum(a["ok"] for a in answers),
            "asked": add,
            "errors": dict(errors),
            "seconds": max(a["seconds"] for a in answers),
        }

    def collect(self) -> list[dict]:
        return self.ask_all(("collect",))

    def cpu(self) -> float:
        return sum(self.ask_all(("cpu",)))

    def abort(self) -> None:
        self.ask_all(("abort",))
        self.viewers = 0

    def idle(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.updates.keepalive()
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))


# ------------------------------------------------------------------------ analysis


@dataclass
class Window:
    """Receipts of one measurement window, matched against what was published."""

    published: dict[int, float]
    viewers: int
    latencies: list[float] = field(default_factory=list)
    delivered: int = 0
    messages: int = 0
    fulls: int = 0
    diff_bytes: list[int] = field(default_factory=list)
    gap_viewers: int = 0
    missed: int = 0
    unhealed: int = 0
    closed_others: int = 0
    wait: float = 0.0  # s the server was runnable but another process had its core

    @classmethod
    def build(
        cls,
        collected: list[dict],
        published: dict[int, float],
        viewers: int,
        exclude_stalled: bool = False,
    ) -> "Window":
        w = cls(published, viewers)
        seen: dict[tuple[int, int], set[int]] = {}
        for p, answer in enumerate(collected):
            stalled = set(answer["stalled"]) if exclude_stalled else set()
            for idx, version, kind, at, size in answer["records"]:
                if idx in stalled:
                    continue
                w.messages += 1
                full = kind == "full"
                w.fulls += full
                if version in published and kind in ("full", "diff"):
                    w.latencies.append(at - published[version])
                    seen.setdefault((p, idx), set()).add(version)
                    if not full:
                        w.diff_bytes.append(size)
            w.closed_others += sum(1 for c in answer["closed"] if not c[1])
        versions = sorted(published)
        for got in seen.values():
            missing = [v for v in versions if v not in got]
            if missing:
                w.gap_viewers += 1
                w.missed += len(missing)
                w.unhealed += sum(1 for v in missing if not any(g > v for g in got))
        w.delivered = sum(len(s) for s in seen.values())
        silent = viewers - len(seen)  # viewers that received nothing at all
        if silent > 0 and versions:
            w.gap_viewers += silent
            w.missed += silent * len(versions)
            w.unhealed += silent * len(versions)
        return w

    @property
    def delivery(self) -> float:
        expected = self.viewers * len(self.published)
        return 100.0 * self.delivered / expected if expected else float("nan")

    def p(self, q: float) -> float:
        return pct(self.latencies, q) * 1000


# ------------------------------------------------------------------------- phases


@dataclass
class Server:
    kind: str
    port: int
    proc: Process
    env: dict[str, str]

    @property
    def pid(self) -> int:
        return self.proc.pid


def gc_reading(env: dict[str, str]) -> list[float] | None:
    """bench/fanout_gcprobe.py's counters: collections, gen0, gen1, gen2, CPU s, wall s,
    gen2 CPU s, longest gen2 (wall s)."""
    path = env.get("FANOUT_GC_FILE")
    if not path:
        return None
    try:
        fields = Path(path).read_text().split()
    except OSError:
        return None
    return [float(x) for x in fields]


def start_server(stack: Processes, kind: str, env: dict[str, str]) -> Server:
    port = free_port()
    app = env.get("FANOUT_APP", "wallboard.asgi:application")
    if kind == "daphne":
        # As the Procfile (`make run`) starts it.
        argv = [PY, "-m", "daphne", "--bind", "127.0.0.1", "--port", str(port)]
        argv += ["--ping-interval", "20", "--ping-timeout", "30", "--websocket_timeout", "-1", app]
    else:
        argv = [
            *(PY, "-m", "uvicorn", app, "--host", "127.0.0.1"),
            *("--port", str(port), "--ws", "websockets", "--ws-per-message-deflate", "false"),
            *("--lifespan", "off", "--no-access-log", "--log-level", "warning"),
            *("--backlog", "4096"),
        ]
    proc = stack.start(kind, ["taskset", "-c", str(SERVER_CPU), *argv], env)
    # Up means answering HTTP: /healthz is 503 here by design (no worker, no beat).
    wait_http(proc, f"http://127.0.0.1:{port}/", timeout=60, ready=range(500))
    return Server(kind, port, proc, env)


@dataclass
class StepResult:
    n: int
    connect_s: float
    failed: int
    w: Window
    cpu_s: float
    wall_s: float
    rss_mb: float
    rss_per_conn_kb: float
    client_cpu_pct: float
    change_to_publish_ms: float


def measure_updates(
    server: Server,
    clients: Clients,
    updates: Updates,
    group: str,
    count: int,
    interval: float,
    viewers: int,
    exclude_stalled: bool = False,
    rss_samples: list | None = None,
) -> tuple[Window, float, float, float, float]:
    """`count` updates `interval` s apart; returns the window, server CPU s, wall s, client
    CPU s, median change->publish (ms)."""
    clients.collect()  # drop what came before
    cpu0, ccpu0, t0 = proc_cpu(server.pid), clients.cpu(), time.monotonic()
    wait0 = proc_wait(server.pid)
    gc0 = gc_reading(server.env)
    versions = []
    start = time.monotonic()
    for k in range(count):
        due = start + k * interval
        while time.monotonic() < due:
            time.sleep(min(0.02, max(0.0, due - time.monotonic())))
            if rss_samples is not None and time.monotonic() - rss_samples[-1][0] >= 1.0:
                rss_samples.append(sample(server.pid))
        version = updates.tick(change=True)
        if version is not None:
            versions.append(version)
    # Drain: until nothing arrived for a second (at most 15 s).
    last_total, quiet_since, deadline = -1, time.monotonic(), time.monotonic() + 15
    collected: list[dict] = []
    while time.monotonic() < deadline:
        clients.idle(0.5)
        if rss_samples is not None:
            rss_samples.append(sample(server.pid))
        part = clients.collect()
        if not collected:
            collected = part
        else:
            for mine, more in zip(collected, part, strict=True):
                mine["records"].extend(more["records"])
                mine["closed"], mine["open"] = more["closed"], more["open"]
        total = sum(len(c["records"]) for c in collected)
        if total == last_total and time.monotonic() - quiet_since >= 1.0:
            break
        if total != last_total:
            last_total, quiet_since = total, time.monotonic()
    wall = time.monotonic() - t0
    cpu = proc_cpu(server.pid) - cpu0
    ccpu = clients.cpu() - ccpu0
    wait = proc_wait(server.pid) - wait0
    published = {v: t for v, t in updates.published.get(group, {}).items() if v in versions}
    window = Window.build(collected, published, viewers, exclude_stalled)
    window.wait = wait
    gc1 = gc_reading(server.env)
    if gc0 is not None and gc1 is not None:
        d = [b - a for a, b in zip(gc0, gc1, strict=True)]
        print(
            f"    GC in the window: {d[0]:.0f} collections (gen0/1/2 {d[1]:.0f}/{d[2]:.0f}/"
            f"{d[3]:.0f}), {1000 * d[4]:.0f} ms CPU = {100 * d[4] / cpu if cpu else 0:.0f} % of "
            f"the server's CPU; gen2: {1000 * d[6]:.0f} ms CPU, longest pause "
            f"{1000 * gc1[7]:.0f} ms (since start)"
        )
    c2p = [
        (published[v] - updates.changed_at[v]) * 1000 for v in published if v in updates.changed_at
    ]
    return window, cpu, wall, ccpu, statistics.median(c2p) if c2p else float("nan")


def sweep(server: Server, clients: Clients, updates: Updates, args, rss_base: float) -> list:
    results = []
    path = f"/ws/wallboard/tv/{TV_TOKEN}/"
    for n in args.steps:
        connected = clients.connect(path, n)
        if args.gc_freeze == "signal":
            os.kill(server.pid, signal.SIGUSR1)
        failed = connected["asked"] - connected["ok"]
        if connected["errors"]:
            print(f"    connect errors at N={n}: {connected['errors']}")
        clients.idle(1.5)
        profiler = start_profile(server, args) if args.profile == n else None
        w, cpu, wall, ccpu, c2p = measure_updates(
            server, clients, updates, "board-1-tv", args.updates, 1.0, n
        )
        if profiler is not None:
            finish_profile(profiler)
        rss = proc_rss_mb(server.pid)
        r = StepResult(
            n,
            connected["seconds"],
            failed,
            w,
            cpu,
            wall,
            rss,
            (rss - rss_base) * 1024 / n,
            100 * ccpu / wall / CLIENT_PROCESSES,
            c2p,
        )
        results.append(r)
        print("    " + step_row(r))
        sys.stdout.flush()
        if w.p(0.95) > P95_LIMIT * 1000 or failed > n * 0.05 or w.delivery < 50:
            print(f"    p95 above {P95_LIMIT * 1000:.0f} ms (or failures): sweep stops at N={n}")
            break
    return results


@dataclass
class StallResult:
    n: int
    stalled: int
    rate: float
    seconds: float
    w: Window
    rss: list[tuple[float, float, int]]  # (s since the stall, RSS MB, server fds)
    stalled_closed: list[float]
    server_log_stalled: int
    cpu_pct: float
    released: int  # sockets the server closed (open fds at the stall minus the fewest since)
    released_at: float | None  # s after the stall when half the stalled ones were gone


def stall_test(server: Server, clients: Clients, updates: Updates, args) -> StallResult:
    clients.abort()
    clients.idle(3)
    n, stalled = args.stall_n, max(1, args.stall_n // 20)
    log_before = server.proc.tail(10**7).count("closing a stalled viewer")
    clients.connect(f"/ws/wallboard/tv/{TV_TOKEN}/", n, stalled)
    clients.idle(1.5)
    clients.ask_all(("stall",))
    stall_at = time.monotonic()
    samples = [sample(server.pid)]
    count = int(args.stall_seconds * args.stall_rate)
    w, cpu, wall, _, _ = measure_updates(
        server,
        clients,
        updates,
        "board-1-tv",
        count,
        1 / args.stall_rate,
        n - stalled,
        exclude_stalled=True,
        rss_samples=samples,
    )
    # Then watch memory without updates until the server lets go of the stalled viewers.
    # The server's open sockets say when (a client whose socket is paused may never see a
    # FIN queued behind unsent data); the clients' TCP state is the second witness.
    tail_end = time.monotonic() + args.stall_tail
    base_fds = samples[0][2]
    while time.monotonic() < tail_end and base_fds - samples[-1][2] < stalled:
        clients.idle(1.0)
        samples.append(sample(server.pid))
    answers = clients.collect()
    closed = [c[2] - stall_at for a in answers for c in a["closed"] if c[1] and c[2]]
    log_after = server.proc.tail(10**7).count("closing a stalled viewer")
    rss = [(t - stall_at, m, fds) for t, m, fds in samples]
    released_at = next((t for t, _, fds in rss if base_fds - fds >= stalled / 2), None)
    return StallResult(
        n, stalled, args.stall_rate, wall, w, rss, sorted(closed), log_after - log_before,
        100 * cpu / wall, base_fds - min(fds for _, _, fds in rss), released_at,
    )  # fmt: skip


@dataclass
class BaselineResult:
    n: int
    push_cpu_per_s: float
    push_p95_ms: float
    push_delivery: float
    push_bytes: float
    poll_cpu_per_s: float
    poll_rps: float
    poll_p50_ms: float
    poll_p95_ms: float
    poll_bytes: float
    poll_statuses: dict
    poll_errors: dict


def baseline(server: Server, clients: Clients, updates: Updates, args) -> BaselineResult:
    clients.abort()
    clients.idle(3)
    n = args.baseline_n
    clients.connect(f"/ws/status/{PUBLIC_SLUG}/", n)
    clients.idle(1.5)
    count = max(2, int(args.baseline_seconds / 2))
    w, cpu, wall, _, _ = measure_updates(server, clients, updates, "board-3-public", count, 2.0, n)
    push_cpu = cpu / wall
    clients.abort()
    clients.idle(3)
    # Polling: the same freshness (every 2 s) by GETs of the public page, spread out.
    per = [n // CLIENT_PROCESSES + (1 if i < n % CLIENT_PROCESSES else 0) for i in range(2)]
    cpu0, t0 = proc_cpu(server.pid), time.monotonic()
    answers = clients.ask(
        [("poll", f"/status/{PUBLIC_SLUG}/", c, 2.0, args.baseline_seconds) for c in per]
    )
    wall_poll = time.monotonic() - t0
    poll_cpu = (proc_cpu(server.pid) - cpu0) / wall_poll
    lat = [x for a in answers for x in a["latencies"]]
    sizes = [x for a in answers for x in a["bytes"]]
    statuses: Counter = Counter()
    errors: Counter = Counter()
    for a in answers:
        statuses.update(a["statuses"])
        errors.update(a["errors"])
    return BaselineResult(
        n,
        push_cpu,
        w.p(0.95),
        w.delivery,
        statistics.median(w.diff_bytes) if w.diff_bytes else float("nan"),
        poll_cpu,
        len(lat) / wall_poll,
        pct(lat, 0.5) * 1000,
        pct(lat, 0.95) * 1000,
        statistics.median(sizes) if sizes else float("nan"),
        dict(statuses),
        dict(errors),
    )


# -------------------------------------------------------------------------- profile


def start_profile(server: Server, args) -> tuple[Process, Path] | None:
    exe = Path(PY).with_name("py-spy")
    if not exe.exists():
        print("    (py-spy is not installed in the venv: no profile)")
        return None
    workdir = Path(args.workdir)
    out = workdir / f"profile-{server.kind}.txt"
    argv = [
        *(str(exe), "record", "--pid", str(server.pid), "--rate", "250", "--format", "raw"),
        *("--duration", str(args.updates + 1), "--output", str(out)),
        *(["--native"] if args.profile_native else ["--nonblocking"]),
    ]
    log = workdir / "py-spy.log"
    profiler = Process("py-spy", argv, dict(os.environ), log, die_with_parent=True)
    profiler.start()
    return profiler, out


def _frame_name(frame: str) -> str:
    """py-spy's "function (path/file.py:line)" -> "function (file.py:line)"."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit('/', 1)[-1]}" if where else name


def finish_profile(profiler: tuple[Process, Path]) -> None:
    process, out = profiler
    if not process.wait(30):  # it ends by itself after --duration
        process.kill()
    if not out.exists():
        print("    (py-spy wrote no profile; ptrace not permitted?)")
        return
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [_frame_name(f) for f in stack.split(";")]
        own[frames[-1]] += n
        for f in set(frames):
            inclusive[f] += n
    print(f"    py-spy: {total} samples ({out})")
    print("      inclusive %   function (file:line)")
    for f, n in inclusive.most_common(28):
        print(f"      {100 * n / total:6.1f}   {f}")
    print("      self %        function")
    for f, n in own.most_common(15):
        print(f"      {100 * n / total:6.1f}   {f}")


# --------------------------------------------------------------------------- output


HEADER = (
    f"{'N':>6} {'conn s':>6} {'fail':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
    f"{'deliv%':>7} {'gaps v/miss/unheal':>18} {'fulls':>6} {'µs CPU/msg':>10} {'srv CPU%':>8} "
    f"{'wait%':>5} {'RSS MB':>7} {'KB/conn':>7} {'B/change':>8} {'cli CPU%':>8} {'chg→pub ms':>10}"
)


def step_row(r: StepResult) -> str:
    w = r.w
    per_msg = r.cpu_s / w.messages * 1e6 if w.messages else float("nan")
    bytes_change = statistics.median(w.diff_bytes) if w.diff_bytes else float("nan")
    gaps = f"{w.gap_viewers}/{w.missed}/{w.unhealed}"
    return (
        f"{r.n:>6} {r.connect_s:>6.1f} {r.failed:>4} {w.p(0.5):>7.1f} {w.p(0.95):>7.1f} "
        f"{w.p(0.99):>7.1f} {w.delivery:>7.2f} {gaps:>18} {w.fulls:>6} {per_msg:>10.1f} "
        f"{100 * r.cpu_s / r.wall_s:>8.1f} {100 * w.wait / r.wall_s:>5.1f} {r.rss_mb:>7.1f} "
        f"{r.rss_per_conn_kb:>7.1f} "
        f"{bytes_change:>8.0f} {r.client_cpu_pct:>8.1f} {r.change_to_publish_ms:>10.1f}"
    )


def print_server(kind: str, res: dict) -> None:
    print(f"\n=== {kind}: one process on core {SERVER_CPU}, TV feed, 1 update/s ===")
    print(f"(RSS before any viewer: {res['rss_base']:.1f} MB)")
    print(HEADER)
    for r in res["sweep"]:
        print(step_row(r))
    s: StallResult | None = res.get("stall")
    if s is not None:
        peak = max(m for _, m, _ in s.rss)
        start = s.rss[0][1]
        end_updates = min(s.rss, key=lambda x: abs(x[0] - s.seconds))[1]
        print(
            f"\n  stalled viewers: {s.stalled} of {s.n} stop reading; {s.rate:.0f} updates/s for "
            f"{s.seconds:.0f} s; the other {s.n - s.stalled}: p50 {s.w.p(0.5):.1f} / p95 "
            f"{s.w.p(0.95):.1f} / p99 {s.w.p(0.99):.1f} ms, delivery {s.w.delivery:.2f} %, "
            f"gaps {s.w.gap_viewers}/{s.w.missed}/{s.w.unhealed}, full states {s.w.fulls}, "
            f"others closed {s.w.closed_others}, server CPU {s.cpu_pct:.0f} % "
            f"(waiting for its core {100 * s.w.wait / s.seconds:.0f} %)"
        )
        print(
            f"  server RSS: {start:.1f} MB at the stall, {end_updates:.1f} MB when updates stop, "
            f"peak {peak:.1f} MB, {s.rss[-1][1]:.1f} MB at the end (t={s.rss[-1][0]:.0f} s)"
        )
        step = max(1, len(s.rss) // 14)
        timeline = " ".join(f"{t:.0f}s:{m:.0f}/{fds}" for t, m, fds in s.rss[::step])
        print(f"  timeline (s since the stall: RSS MB/server fds): {timeline}")
        when = f"~{s.released_at:.0f} s after the stall" if s.released_at is not None else "-"
        seen = f", first after {s.stalled_closed[0]:.0f} s" if s.stalled_closed else ""
        print(
            f"  server closed {s.released} sockets ({s.stalled} stalled), half of them by {when};"
            f" 'closing a stalled viewer' in its log: {s.server_log_stalled}; stalled clients "
            f"that saw their connection end: {len(s.stalled_closed)}{seen}"
        )
    b: BaselineResult | None = res.get("baseline")
    if b is not None:
        print(f"\n  baseline, public board, N={b.n}, same freshness (2 s):")
        print(
            f"    push: one change every 2 s -> server CPU {b.push_cpu_per_s * 1000:.0f} ms/s, "
            f"p95 {b.push_p95_ms:.1f} ms, delivery {b.push_delivery:.1f} %, "
            f"{b.push_bytes:.0f} B per viewer per change"
        )
        print(
            f"    poll: GET /status/{PUBLIC_SLUG}/ every 2 s -> server CPU "
            f"{b.poll_cpu_per_s * 1000:.0f} ms/s, {b.poll_rps:.0f} req/s "
            f"(wanted {b.n / 2:.0f}), p50 {b.poll_p50_ms:.1f} / p95 {b.poll_p95_ms:.1f} ms, "
            f"{b.poll_bytes:.0f} B per response, statuses {b.poll_statuses}, "
            f"errors {b.poll_errors or 'none'}"
        )
        if b.poll_rps:
            per = b.poll_cpu_per_s / b.poll_rps
            print(
                f"    poll: {per * 1000:.1f} ms CPU per request: {b.n / 2 * per:.1f} cores to "
                f"serve {b.n / 2:.0f} req/s; push: {b.push_cpu_per_s:.3f} cores"
            )


def summary(all_results: dict) -> str:
    parts = []
    for kind, res in all_results.items():
        ok = [r for r in res["sweep"] if r.w.p(0.95) <= P95_LIMIT * 1000 and r.failed == 0]
        best = max(ok, key=lambda r: r.n) if ok else None
        per = [r.cpu_s / r.w.messages * 1e6 for r in res["sweep"] if r.w.messages]
        text = (
            f"{kind}: up to {best.n} viewers at p95 {best.w.p(0.95):.0f} ms"
            if best
            else f"{kind}: no N met p95 <= 500 ms"
        )
        if per:
            text += f", {min(per):.0f}-{max(per):.0f} µs of server CPU per delivered message"
        if res["sweep"]:
            text += f", ~{statistics.median(r.rss_per_conn_kb for r in res['sweep']):.0f} KB/conn"
        s = res.get("stall")
        if s is not None:
            growth = max(m for _, m, _ in s.rss) - s.rss[0][1]
            text += (
                f"; with {s.stalled} stalled viewers the others' p99 was {s.w.p(0.99):.0f} ms and"
                f" RSS grew {growth:.1f} MB (the server closed {s.released}/{s.stalled} stalled"
                f" sockets within {s.rss[-1][0]:.0f} s)"
            )
        b = res.get("baseline")
        if b is not None:
            text += (
                f"; N={b.n} public viewers cost {b.push_cpu_per_s * 1000:.0f} ms CPU/s pushed vs"
                f" {b.poll_cpu_per_s * 1000:.0f} ms/s polled every 2 s ({b.poll_rps:.0f} req/s)"
            )
        met = best is not None and best.n >= 5000
        text += f". Target (>= 5,000 at p95 <= 500 ms) {'MET' if met else 'MISSED'}."
        parts.append(text)
    return "\n".join(parts)


# ----------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few N, short")
    parser.add_argument("--servers", default="daphne,uvicorn")
    parser.add_argument("--steps", help="comma-separated N, e.g. 100,1000,5000")
    parser.add_argument("--updates", type=int, help="updates per N (one a second)")
    parser.add_argument("--stall-n", type=int, help="viewers in the stalled-viewer test")
    parser.add_argument("--stall-seconds", type=float, help="seconds of updates with stalls")
    parser.add_argument("--stall-rate", type=float, default=5.0, help="updates/s during stalls")
    parser.add_argument("--stall-tail", type=float, help="seconds to wait for stalled closes")
    parser.add_argument("--baseline-n", type=int, help="viewers / pollers in the baseline")
    parser.add_argument("--baseline-seconds", type=float)
    parser.add_argument("--no-stall", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--profile", type=int, default=0, help="py-spy the server at this N")
    parser.add_argument(
        "--profile-native", action="store_true", help="with C frames (pauses the server)"
    )
    parser.add_argument(
        "--gc-probe", action="store_true", help="serve bench/fanout_gcprobe.py: GC time per N"
    )
    parser.add_argument(
        "--gc-freeze",
        choices=("start", "signal"),
        help="... and gc.freeze() once loaded, or after each batch of connects (SIGUSR1)",
    )
    args = parser.parse_args()
    full = not args.quick
    defaults = {
        "steps": "100,500,1000,2500,5000,7500,10000" if full else "100,1000",
        "updates": 8 if full else 3,
        "stall_n": 1000 if full else 300,
        "stall_seconds": 30.0 if full else 8.0,
        "stall_tail": 25.0 if full else 5.0,
        "baseline_n": 1000 if full else 200,
        "baseline_seconds": 20.0 if full else 8.0,
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.steps = [int(x) for x in str(args.steps).split(",") if x]
    args.servers = [s for s in args.servers.split(",") if s]
    return args


def environment(workdir: Path, sandbox_port: int, redis_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "REDIS_URL": redis_url,
        "CHANNEL_LAYER_PREFIX": f"fanout-bench-{os.getpid()}",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "VOICE360_BASE_URL": f"http://127.0.0.1:{sandbox_port}/v3/voice",
        "VOICE360_KEY_RATE_LIMIT": "1000000",
        "SECURE_SSL_REDIRECT": "false",
        # Every poller here comes from one of 8 loopback addresses; real viewers each have
        # their own (30 GETs/min, under the default 120/m). The check itself still runs.
        "PUBLIC_RATE_LIMIT": "100000000/m",
        # The same for the public sockets of the polling baseline (one address, many viewers).
        "PUBLIC_WEBSOCKETS_PER_IP": "1000000",
        "LOG_LEVEL": "INFO",
        "FANOUT_STATIC_ROOT": str(workdir / "static"),
    }


def start_web(
    stack: Processes, kind: str, env: dict[str, str], updates: Updates
) -> tuple[Server, Clients]:
    server = start_server(stack, kind, env)
    clients = Clients(stack, server.port, updates)
    clients.idle(1.0)
    return server, clients


def stop_web(stack: Processes, server: Server, clients: Clients) -> None:
    clients.abort()
    for process, conn in stack.clients:
        with contextlib.suppress(Exception):
            conn.send(("quit",))
        process.join(timeout=5)
    stack.clients = []
    stack.stop(server.proc)


def claim_redis_db() -> str:
    import redis

    wanted = os.environ.get("FANOUT_REDIS_URL")
    urls = [wanted] if wanted else [f"{REDIS_BASE}/{n}" for n in REDIS_CANDIDATES]
    for url in urls:
        with redis.Redis.from_url(url) as client:
            # Empty, then ours: SET NX on an empty database (another run may race us).
            if client.dbsize() == 0 and client.set(CLAIM_KEY, str(os.getpid()), nx=True):
                if client.dbsize() == 1:
                    return url
                client.delete(CLAIM_KEY)
    raise SystemExit(
        f"no empty Redis database among {urls}: other runs use them; set FANOUT_REDIS_URL"
    )


def release_redis_db(url: str | None) -> None:
    """Empty our database, unless someone else has written into it meanwhile."""
    if not url:
        return
    import redis

    with redis.Redis.from_url(url) as client:
        owner = client.get(CLAIM_KEY)
        if owner == str(os.getpid()).encode():
            client.flushdb()
        else:
            print(f"(!) {url} was not ours any more at the end: left as it is")


def run(args: argparse.Namespace, stack: Processes) -> dict:
    redis_url = claim_redis_db()
    stack.redis_url = redis_url
    workdir = stack.workdir
    fanout_clients.raise_nofile(65536)
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {CLIENT_CPU})  # the driver, sandbox and clients: core 0
    sandbox_port = free_port()
    env = environment(workdir, sandbox_port, redis_url)
    dev = {**env, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "wallboard.settings"}
    web = {**env, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "bench.fanout_settings"}
    if args.gc_probe or args.gc_freeze:
        web["FANOUT_APP"] = "bench.fanout_gcprobe:application"
        web["FANOUT_GC_FILE"] = str(workdir / "gc.txt")
        web["FANOUT_GC_FREEZE"] = args.gc_freeze or ""
    sandbox = stack.start(
        "sandbox", [PY, "-m", "sandbox", "--port", str(sandbox_port), "--quiet-activity"], env
    )
    wait_http(sandbox, f"http://127.0.0.1:{sandbox_port}/control/health", timeout=60)
    for argv, e in (
        (["manage.py", "migrate", "--noinput", "-v", "0"], dev),
        (["manage.py", "seed_demo"], dev),
        (["manage.py", "collectstatic", "--noinput", "-v", "0"], web),
    ):
        subprocess.run([PY, *argv], cwd=ROOT, env=e, check=True, stdout=subprocess.DEVNULL)

    os.environ.update(dev)
    import django

    django.setup()

    updates = Updates(sandbox_port)
    print(
        f"sandbox :{sandbox_port}; Redis {redis_url}, prefix {env['CHANNEL_LAYER_PREFIX']}; "
        f"workdir {workdir}; load average {os.getloadavg()[0]:.2f}"
    )
    all_results: dict = {}
    try:
        for kind in args.servers:
            server, clients = start_web(stack, kind, web, updates)
            print(f"\n--- {kind} (pid {server.pid}, port {server.port}, core {SERVER_CPU})")
            print("    " + HEADER)
            res: dict = {"rss_base": proc_rss_mb(server.pid)}
            all_results[kind] = res
            res["sweep"] = sweep(server, clients, updates, args, res["rss_base"])
            if not args.no_stall or not args.no_baseline:
                # A fresh process: memory freed after the sweep's largest N would hide growth.
                stop_web(stack, server, clients)
                server, clients = start_web(stack, kind, web, updates)
            if not args.no_stall:
                res["stall"] = stall_test(server, clients, updates, args)
            if not args.no_baseline:
                res["baseline"] = baseline(server, clients, updates, args)
            print_server(kind, res)
            stop_web(stack, server, clients)
            if updates.unchanged_toggles:
                print(f"  (!) {updates.unchanged_toggles} toggles produced no change")
    finally:
        updates.close()
    return all_results


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fanout-bench-"))
    args.workdir = str(workdir)
    stack = Processes(workdir)
    interrupt_on_sigterm()
    started = time.monotonic()
    try:
        results = run(args, stack)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping every process")
        raise SystemExit(130) from None
    finally:
        stack.close()
        release_redis_db(stack.redis_url)
    print("\n=== results ===")
    for kind, res in results.items():
        print_server(kind, res)
    print("\nsummary:")
    print(summary(results))
    print(f"(run took {time.monotonic() - started:.0f} s; logs in {workdir})")
    print("RESULT " + json.dumps(machine_summary(results, args), sort_keys=True))


def machine_summary(all_results: dict, args: argparse.Namespace) -> dict:
    """The key numbers for bench/run_all.py's table."""

    def num(x: float, digits: int = 1) -> float | None:
        return None if x != x else round(x, digits)  # NaN -> null

    servers = {}
    for kind, res in all_results.items():
        steps = [
            {
                "n": r.n,
                "p50_ms": num(r.w.p(0.5)),
                "p95_ms": num(r.w.p(0.95)),
                "p99_ms": num(r.w.p(0.99)),
                "delivery_pct": num(r.w.delivery, 2),
                "failed": r.failed,
                "cpu_us_per_msg": num(r.cpu_s / r.w.messages * 1e6) if r.w.messages else None,
                "kb_per_conn": num(r.rss_per_conn_kb),
                "bytes_per_change": num(statistics.median(r.w.diff_bytes), 0)
                if r.w.diff_bytes
                else None,
            }
            for r in res["sweep"]
        ]
        ok = [s for s in steps if s["p95_ms"] is not None and s["p95_ms"] <= P95_LIMIT * 1000]
        entry: dict = {"steps": steps, "max_n_p95_ok": max((s["n"] for s in ok), default=None)}
        b = res.get("baseline")
        if b is not None:
            entry["baseline"] = {
                "n": b.n,
                "push_cpu_ms_per_s": num(b.push_cpu_per_s * 1000),
                "push_p95_ms": num(b.push_p95_ms),
                "push_bytes_per_change": num(b.push_bytes, 0),
                "poll_cpu_ms_per_s": num(b.poll_cpu_per_s * 1000),
                "poll_rps": num(b.poll_rps),
                "poll_p95_ms": num(b.poll_p95_ms),
                "poll_bytes": num(b.poll_bytes, 0),
            }
        s = res.get("stall")
        if s is not None:
            entry["stall"] = {"n": s.n, "stalled": s.stalled, "others_p99_ms": num(s.w.p(0.99))}
        servers[kind] = entry
    return {
        "bench": "fanout",
        "mode": "quick" if args.quick else "full",
        "steps": args.steps,
        "updates_per_n": args.updates,
        "servers": servers,
    }


if __name__ == "__main__":
    main()
