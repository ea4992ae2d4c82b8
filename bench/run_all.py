"""`make bench`: every benchmark in bench/, one after the other, and ONE table of results.

    .venv/bin/python bench/run_all.py            # ~15 min: the fan-out in its --quick mode
    .venv/bin/python bench/run_all.py --full     # the full fan-out sweep too (~25 min)
    make bench            /  make bench FULL=1

Each bench runs as its own process (its output is shown as it comes and kept in the run's
folder) and ends with a `RESULT {json}` line; this script parses those lines and prints the
table, then writes it to bench/results.md with the machine it ran on and the command. A bench
that fails or runs over its time limit gets a FAILED row; the others still run.

Redis: the poller and fan-out benches are pointed at a private redis-server this script
starts on a free port (BENCH_REDIS_URL, FANOUT_REDIS_URL); the freshness, public and drill
benches start private ones of their own. The machine's Redis is not written to.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, interrupt_on_sigterm

from tests.processes import Process, ProcessError, free_port, redis_server_argv, wait_until

BENCH = Path(__file__).resolve().parent


@dataclass
class Bench:
    name: str
    script: str
    args: list[str]
    limit: float  # seconds
    mode: str
    result: dict | None = None
    status: str = "not run"
    seconds: float = 0.0
    log: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)


def plan(full: bool, redis_url: str) -> list[Bench]:
    benches = [
        Bench("poller", "poller_bench.py", ["--polls", "200"], 300, "200 polls",
              extra_env={"BENCH_REDIS_URL": f"{redis_url}/14"}),
        Bench("fanout", "fanout_bench.py", [] if full else ["--quick"], 1800 if full else 600,
              "full" if full else "--quick", extra_env={"FANOUT_REDIS_URL": f"{redis_url}/11"}),
        Bench("freshness", "freshness_bench.py", ["--changes", "30"], 900, "30 changes per mode"),
        Bench("public", "public_bench.py", ["--seconds", "10"], 300, "10 s per case"),
        Bench("storm", "storm_bench.py", ["--viewers", "1000"], 600, "1,000 viewers within 1 s"),
        Bench("worker", "worker_bench.py", ["--seconds", "60"], 300, "60 s of the demo"),
        *(
            Bench(f"worker500x{n}", "worker_bench.py",
                  ["--accounts", "499", "--workers", str(n), "--seconds", "600" if full else "120"],
                  900 if full else 420,
                  f"500 accounts at 2 s, {n} pinned worker(s), {'10 min' if full else '2 min'}")
            for n in (1, 2)
        ),
        Bench("http_client", "http_client_bench.py", [], 300, "3,000 requests, 16 at a time"),
        Bench("soak", "soak_bench.py", ["--minutes", "30" if full else "5"],
              2400 if full else 600, "30 min" if full else "5 min (FULL=1: 30 min)"),
        Bench("drills", "drills_bench.py", ["--delays", "0,5"], 900, "restart after 0 s and 5 s"),
        Bench("replay", "replay_bench.py", ["--minutes", "60"], 300, "1 h of 2 s polls",
              extra_env={"BENCH_REDIS_URL": f"{redis_url}/14"}),
    ]  # fmt: skip
    known = {b.script for b in benches}
    for path in sorted(BENCH.glob("*_bench.py")):
        if path.name not in known:  # a bench added later still runs, with its defaults
            benches.append(Bench(path.stem.removesuffix("_bench"), path.name, [], 900, "defaults"))
    return benches


# --------------------------------------------------------------------------- running


class PrivateRedis:
    """A throwaway redis-server (tests/processes.py) for the benches that take a URL."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        try:
            argv = redis_server_argv(self.port, workdir)
        except ProcessError as error:
            raise SystemExit(f"{error}; the benches start private ones") from None
        self.process = Process("redis", argv, dict(os.environ), workdir / "redis.log")
        self.process.start()
        import redis

        def pings() -> bool:
            self.process.check_alive()
            with redis.Redis(port=self.port) as client:
                return bool(client.ping())

        try:
            wait_until(pings, 10, "the private redis-server to answer PING")
        except ProcessError as error:
            self.stop()
            raise SystemExit(f"the private redis-server did not start: {error}") from None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.stop()


def run_one(bench: Bench, workdir: Path) -> None:
    bench.log = workdir / f"{bench.name}.log"
    argv = [sys.executable, str(BENCH / bench.script), *bench.args]
    print(f"\n===== {bench.name}: {shlex.join(argv[1:])}", flush=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **bench.extra_env}
    started = time.monotonic()
    with bench.log.open("w") as log:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, text=True, start_new_session=True,
        )  # fmt: skip
        lines: list[str] = []

        def pump() -> None:  # show and keep the output as it comes
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line)
                sys.stdout.write(line)
                sys.stdout.flush()
                log.write(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            try:
                process.wait(timeout=bench.limit)
            except subprocess.TimeoutExpired:
                bench.status = f"FAILED: over its {bench.limit:.0f} s limit"
                stop_group(process)
        except KeyboardInterrupt:
            stop_group(process)
            raise
        reader.join(timeout=10)
        buffer = "".join(lines)
        bench.seconds = time.monotonic() - started
        results = [line for line in buffer.splitlines() if line.startswith("RESULT ")]
        if results:
            bench.result = json.loads(results[-1].removeprefix("RESULT "))
        if bench.status == "not run":
            code = process.returncode
            bench.status = "ok" if code == 0 and results else f"FAILED: exit code {code}"


def stop_group(process: subprocess.Popen) -> None:
    """SIGINT first (each bench then stops what it started), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --------------------------------------------------------------------------- the table


def fmt(x, unit: str = "", digits: int = 0) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}f}{unit}"


def rows_for(bench: Bench) -> list[tuple[str, str, str]]:
    """(what, mode, result) rows of one bench."""
    r, mode = bench.result, bench.mode
    if bench.status != "ok" or r is None:
        log = f" (log: {bench.log})" if bench.log else ""
        return [(bench.name, mode, f"{bench.status}{log}")]
    if bench.name == "poller":
        return [
            (f"poller: one poll of a {r['agents']}-agent account", mode,
             f"wall {fmt(r['poll_wall_ms'], ' ms', 1)}, CPU {fmt(r['poll_cpu_ms'], ' ms', 1)}"),
            ("poller: accounts per worker process at a 2 s interval", mode,
             f"~{r['accounts_per_process_wall']} (solo pool, wall-bound); "
             f"~{r['accounts_per_process_cpu']} (CPU-bound)"),
            ("poller: snapshot + diff + store, CPU per poll", mode,
             fmt(r["snapshot_diff_store_cpu_ms"], " ms", 2)),
            (f"poller: {r['many_accounts']} small accounts polled together, CPU per poll", mode,
             fmt(r["many_poll_cpu_ms"], " ms", 2)),
        ]  # fmt: skip
    if bench.name == "fanout":
        rows = []
        for server, s in r["servers"].items():
            steps = "; ".join(
                f"N={x['n']}: p50 {fmt(x['p50_ms'], '', 0)} / p95 {fmt(x['p95_ms'], '', 0)} / "
                f"p99 {fmt(x['p99_ms'], ' ms', 0)}, delivery {fmt(x['delivery_pct'], ' %', 2)}, "
                f"{fmt(x['cpu_us_per_msg'], ' µs', 0)} CPU/msg"
                for x in s["steps"]
            )
            rows.append((f"fan-out ({server}, one process): publish → receipt", r["mode"], steps))
            best = s.get("max_n_p95_ok")
            tested = max((x["n"] for x in s["steps"]), default=0)
            per_change = next(
                (x["bytes_per_change"] for x in s["steps"] if x["bytes_per_change"]), None
            )
            rows.append((
                f"fan-out ({server}): most viewers at p95 ≤ 500 ms", r["mode"],
                f"{fmt(best)} (largest N tried: {tested}); {fmt(per_change, ' B')} per viewer "
                "per one-agent change",
            ))  # fmt: skip
            b = s.get("baseline")
            if b:
                rows.append((
                    f"fan-out ({server}): htmx-polling baseline, {b['n']} public viewers, 2 s",
                    r["mode"],
                    f"push {fmt(b['push_cpu_ms_per_s'], ' ms', 0)} CPU/s (p95 "
                    f"{fmt(b['push_p95_ms'], ' ms', 0)}, {fmt(b['push_bytes_per_change'], ' B')}"
                    f"/change) vs polling {fmt(b['poll_cpu_ms_per_s'], ' ms', 0)} CPU/s "
                    f"({fmt(b['poll_rps'])} req/s, p95 {fmt(b['poll_p95_ms'], ' ms', 0)}, "
                    f"{fmt(b['poll_bytes'], ' B')}/response)",
                ))  # fmt: skip
        return rows
    if bench.name == "freshness":
        labels = {"polling": "polling only", "webhooks": "with webhooks (early polls)"}
        rows = [
            (f"freshness: call answered in the sandbox → on a TV board, {labels[mode]}", r["mode"],
             f"answered p50 {fmt(m['start_p50_ms'], '', 0)} / p95 {fmt(m['start_p95_ms'], '', 0)}"
             f" / p99 {fmt(m['start_p99_ms'], ' ms', 0)}; call end p50 "
             f"{fmt(m['end_p50_ms'], '', 0)} / p95 {fmt(m['end_p95_ms'], '', 0)} / p99 "
             f"{fmt(m['end_p99_ms'], ' ms', 0)}; median split: snapshot "
             f"{fmt(m['poll_median_ms'], ' ms', 0)}, snapshot → page "
             f"{fmt(m['push_median_ms'], ' ms', 0)}")
            for mode, m in ((mode, r[mode]) for mode in labels if mode in r)
        ]  # fmt: skip
        if "p95_ratio" in r:
            rows.append(("freshness: p95 polling / p95 webhooks", r["mode"], f"{r['p95_ratio']}x"))
        return rows
    if bench.name == "public":
        return [
            (f"public route: {x['case']}", r["mode"],
             f"{fmt(x['req_per_s'])} req/s ({x['of_ceiling']:.0%} of the ceiling), p50 "
             f"{fmt(x['p50_ms'], '', 1)} / p99 {fmt(x['p99_ms'], ' ms', 1)}, "
             f"{fmt(x['cpu_ms_per_req'], ' ms', 2)} server CPU/req, statuses {x['statuses']}"
             f"{', errors ' + str(x['errors']) if x['errors'] else ''}"
             f"{'; before: ' + x['before'] if x.get('before') else ''}")
            for x in r["rows"]
        ]  # fmt: skip
    if bench.name == "storm":
        return [
            (f"reconnect storm: {x['server']}", r["mode"],
             f"{x['connected_first_try']} of {x['viewers']} connected, failures "
             f"{x['failures'] or 'none'}, ListenOverflows {x['listen_overflows']}, first full "
             f"state p50 {x['first_state_p50_ms']} / p95 {x['first_state_p95_ms']} / max "
             f"{x['first_state_max_ms']} ms, {x['cpu_ms_per_connect']} ms CPU per connect")
            for x in r["rows"]
        ]  # fmt: skip
    if bench.name == "worker":
        return [(
            "worker CPU per poll, the demo account, the Procfile's worker", mode,
            f"{fmt(r['worker_ms_per_poll'], ' ms', 1)} (main process "
            f"{fmt(r['main_ms_per_poll'], ' ms', 1)}, children "
            f"{fmt(r['children_ms_per_poll'], ' ms', 1)}) over {r['polls']} polls; beat "
            f"{fmt(r['beat_ms_per_s'], ' ms', 1)} CPU/s",
        )]  # fmt: skip
    if bench.name.startswith("worker500x"):
        return [(f"worker: 500 accounts, {r['workers']} pinned worker(s)", mode,
                 _many_accounts(r) or "-")]  # fmt: skip
    if bench.name == "http_client":
        return [(
            "Voice360 client: CPU per request, httpx / aiohttp", mode,
            f"{fmt(r['httpx_ms_per_request'], ' ms', 3)} / "
            f"{fmt(r['aiohttp_ms_per_request'], ' ms', 3)} ({r['ratio']}x)",
        )]  # fmt: skip
    if bench.name == "soak":
        return [(
            "TV soak: JS heap after GC and DOM nodes", mode,
            f"{r['updates']} updates; heap {r['heap_first_mb']} → {r['heap_last_mb']} MB "
            f"({r['heap_growth_pct']} %), nodes {r['nodes_first']} → {r['nodes_last']} "
            f"({r['nodes_growth_pct']} %, max {r['nodes_max']})",
        )]  # fmt: skip
    if bench.name == "drills":
        rows = []
        for d in r["drills"]:
            recovered = "NOT recovered" if d["recovered_s"] is None else f"{d['recovered_s']:.1f} s"
            boards = ", ".join(
                f"{k} {'-' if v is None else f'{v:.1f} s'}" for k, v in d["per_board_s"].items()
            )
            errors = ", ".join(f"{k} {v}" for k, v in d["error_lines"].items()) or "none"
            extra = d.get("also_restarted") or []
            if extra:
                errors += f"; also restarted: {', '.join(sorted(set(extra)))}"
            rows.append((
                f"drill: kill -9 {d['target']}, restart after {d['delay_s']:g} s", r["mode"],
                f"{'MET' if d['met'] else 'MISSED'}: boards current after {recovered} ({boards});"
                f" lost: {'; '.join(d['lost']) or 'nothing'}; error lines: {errors}",
            ))  # fmt: skip
        return rows
    if bench.name == "replay":
        rows = []
        for a in (r["demo"], r["large"]):
            rows.append((
                f"replay log: bytes per account-hour, {a['agents']}-agent account", mode,
                f"Redis {fmt(a['memory_bytes_per_hour'], ' B')} (raw entries "
                f"{fmt(a['raw_bytes_per_hour'], ' B')}), {a['changed_polls']} of {a['polls']} "
                f"polls changed; a full copy per poll "
                f"{fmt(a['copy_per_poll_bytes_per_hour'], ' B')}: "
                f"{fmt(100 * a['ratio_memory_to_copy_per_poll'], ' %', 2)} of it",
            ))  # fmt: skip
            rows.append((
                f"replay log: rebuild a moment, {a['agents']}-agent account", mode,
                f"median {fmt(a['rebuild_median_ms'], '', 1)} / p95 "
                f"{fmt(a['rebuild_p95_ms'], ' ms', 1)} (200 moments, {a['rebuilt_wrong']} wrong); "
                f"record {fmt(a['record_cpu_ms'], ' ms', 2)} CPU per changed poll",
            ))  # fmt: skip
        return rows
    return [(bench.name, mode, json.dumps(r)[:300])]


# Issue 16's table: what was measured on main before, and the goal; the figures now come
# from this run's benches.
BEFORE_AND_GOALS = [
    ("worker CPU per poll of the demo account", "22.8 ms", "≤ 2 ms"),
    ("one poll of a 300-agent account", "28.7 ms CPU", "≤ 5 ms"),
    ("`/status/<slug>.json`, one daphne, 32 keep-alive clients", "80 req/s, 12.9 ms CPU/req",
     "≥ 2,000 req/s"),
    ("the same with `If-None-Match` (304)", "95 req/s, 11.0 ms", "≥ 3,000 req/s"),
    ("badge SVG", "73 req/s, ~14 ms", "≥ 2,000 req/s"),
    ("public status page HTML", "71 req/s, ~14 ms", "≥ 1,000 req/s"),
    ("`/livez` (Django, trivial)", "221 req/s, 4.4 ms", ""),
    ("raw ASGI app on daphne (the ceiling)", "4,491 req/s, 0.21 ms", ""),
    ("fan-out, one daphne on one core, p95 ≤ 500 ms", "7,500 viewers", "≥ 10,000"),
    ("reconnect storm, 1,000 viewers within 1 s", "583 connected", "all, at the first try"),
    ("500 accounts at 2 s, one worker process on one core", "", "each within 2.2 s"),
    ("the same, two worker processes on two cores", "", "≥ 1.8x one"),
]  # fmt: skip


def _result(benches: list[Bench], name: str) -> dict | None:
    bench = next((b for b in benches if b.name == name), None)
    return bench.result if bench is not None and bench.status == "ok" else None


def _public(benches: list[Bench], case: str) -> str | None:
    r = _result(benches, "public")
    row = next((x for x in (r or {}).get("rows", []) if x["case"] == case), None)
    if row is None:
        return None
    return f"{fmt(row['req_per_s'])} req/s, {fmt(row['cpu_ms_per_req'], ' ms', 2)} CPU/req"


def issue_figures(benches: list[Bench]) -> list[str | None]:
    """Today's figure for each row of BEFORE_AND_GOALS (None: not measured in this run)."""
    worker, poller = _result(benches, "worker"), _result(benches, "poller")
    one, two = _result(benches, "worker500x1"), _result(benches, "worker500x2")
    fanout, storm = _result(benches, "fanout"), _result(benches, "storm")
    daphne = (fanout or {}).get("servers", {}).get("daphne")
    procfile = next((x for x in (storm or {}).get("rows", []) if "4096" in x["server"]), None)
    return [
        worker and f"{fmt(worker['worker_ms_per_poll'], ' ms', 1)}",
        poller and f"{fmt(poller['poll_cpu_ms'], ' ms', 1)} CPU",
        _public(benches, "json plain"),
        _public(benches, "json If-None-Match"),
        _public(benches, "badge plain"),
        _public(benches, "page plain"),
        _public(benches, "livez plain"),
        _public(benches, "ceiling (raw ASGI on daphne)"),
        daphne
        and f"{fmt(daphne.get('max_n_p95_ok'))} viewers (largest N tried: "
        f"{max((x['n'] for x in daphne['steps']), default=0)})",
        procfile
        and f"{procfile['connected_first_try']} connected, ListenOverflows "
        f"{procfile['listen_overflows']}, {procfile['cpu_ms_per_connect']} ms CPU per connect",
        _many_accounts(one),
        _many_accounts(two, one),
    ]


def _many_accounts(run: dict | None, one: dict | None = None) -> str | None:
    """A worker500 row: polls a second, how many accounts were on time, CPU per poll; with
    `one`, the ratio of polls a second to one worker's."""
    if run is None:
        return None
    text = (
        f"{fmt(run['polls_per_s'])} polls/s of {fmt(run['accounts'] / run['interval'])} due, "
        f"{run['accounts_on_time']} of "
        f"{run['accounts']} accounts within 2.2 s every time, longest gap "
        f"{fmt(run['worst_gap_s'], ' s', 1)}, {fmt(run['worker_ms_per_poll'], ' ms', 2)} CPU "
        f"per poll, RSS {fmt(run['worker_rss_mb'], ' MB', 0)}, upstream 429s "
        f"{run['upstream_429']}"
    )
    if one is not None and one.get("polls_per_s"):
        text += f"; {run['polls_per_s'] / one['polls_per_s']:.2f}x one worker's polls/s"
    return text


def render_issue_table(benches: list[Bench]) -> str:
    lines = ["| what | before (issue 16) | now | goal |", "|---|---|---|---|"]
    for (what, before, goal), now in zip(BEFORE_AND_GOALS, issue_figures(benches), strict=True):
        lines.append(f"| {what} | {before} | {now or 'not measured in this run'} | {goal} |")
    return "\n".join(lines)


def render_table(benches: list[Bench]) -> str:
    lines = ["| benchmark | mode | result |", "|---|---|---|"]
    for bench in benches:
        for what, mode, result in rows_for(bench):
            lines.append(f"| {what} | {mode} | {result.replace('|', '/')} |")
    return "\n".join(lines)


def machine() -> list[str]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    redis_version = (
        subprocess.run(["redis-server", "--version"], capture_output=True, text=True, check=False)
        .stdout.split(" v=")[-1]
        .split()[0]
    )
    return [
        f"- CPU: {model}, `nproc` = {os.cpu_count()}",
        f"- RAM: {ram}",
        f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python {platform.python_version()}, redis-server {redis_version}, "
        "Chromium /usr/bin/chromium (headless)",
        f"- load average at the start: {os.getloadavg()[0]:.2f}",
    ]


def write_results(benches: list[Bench], table: str, command: str, started: datetime.datetime):
    lines = [
        "# Benchmark results",
        "",
        f"Latest `make bench` run, {started:%Y-%m-%d %H:%M} UTC; command: `{command}` "
        f"(took {sum(b.seconds for b in benches) / 60:.0f} min).",
        "",
        "Machine:",
        "",
        *machine(),
        "",
        "Modes: `--quick` = the fan-out smoke sweep (N = 100 and 1000, 3 updates each, both "
        "servers); `make bench FULL=1` runs the full sweep (100 ... 10,000 viewers). Every "
        "row says which mode produced it.",
        "",
        table,
        "",
    ]
    drills = next((b for b in benches if b.name == "drills" and b.result), None)
    if drills is not None:
        samples = [
            f"- kill -9 {d['target']} (restart after {d['delay_s']:g} s): {s}"
            for d in drills.result["drills"]  # type: ignore[index]
            for s in d["error_samples"]
        ]
        if samples:
            lines += ["Error lines the drills found in the process logs (first of each):", ""]
            lines += [s.replace("|", "/") for s in samples]
            lines.append("")
    (BENCH / "results.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full fan-out sweep")
    parser.add_argument("--only", help="comma-separated bench names (poller,fanout,...)")
    args = parser.parse_args()
    command = "make bench FULL=1" if args.full else "make bench"
    started = datetime.datetime.now(datetime.UTC)
    workdir = Path(tempfile.mkdtemp(prefix="bench-all-"))
    redis_server = PrivateRedis(workdir)
    interrupt_on_sigterm()
    benches = plan(args.full, redis_server.url)
    if args.only:
        wanted = set(args.only.split(","))
        benches = [b for b in benches if b.name in wanted]
        command += f" (only {args.only})"
    try:
        for bench in benches:
            run_one(bench, workdir)
    except KeyboardInterrupt:
        print("\ninterrupted: the running bench was stopped; no table written")
        raise SystemExit(130) from None
    finally:
        redis_server.stop()
    table = render_table(benches) + "\n\nIssue 16's figures, before and now:\n\n"
    table += render_issue_table(benches)
    print("\n===== results")
    print(table)
    write_results(benches, table, command, started)
    print(f"\nwritten to {BENCH / 'results.md'}; each bench's output in {workdir}")
    if any(b.status != "ok" for b in benches):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
