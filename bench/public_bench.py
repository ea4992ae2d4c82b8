"""Public endpoint benchmark: requests/s of the public routes against daphne's own ceiling.

    .venv/bin/python bench/public_bench.py                  # 10 s per case
    .venv/bin/python bench/public_bench.py --seconds 5 --connections 32

What it starts (all loopback, free ports, everything stopped on exit, error or Ctrl-C): the
stack of tests/stack.py (sandbox, worker and beat keep the snapshot fresh, as in production)
on a private redis-server; then its web process is replaced by ONE daphne with the Procfile's
options, DEBUG=false (static files collected into the run's folder), pinned to core 1 where
there are two, and PUBLIC_RATE_LIMIT raised so the per-IP limit does not answer 429 to a load
generator that comes from one address (the check itself still runs on every request).

The load generator (this process, core 0) is a small asyncio HTTP/1.1 keep-alive client:
`--connections` sockets, each sending its next request when the answer arrived, for
`--seconds` per case. Cases, in one run:
- the ceiling: the smallest ASGI app (bench/raw_asgi.py) on a daphne of its own, same core
  and options, before the stack's daphne is measured;
- the JSON and the SVG badge of the demo public board, each plain (200) and with
  `If-None-Match` of the last ETag seen (304 while nothing changed; a 200 with a new ETag
  when a poll changed the data); the public status page; `/livez` (a trivial Django view,
  what a request through Django's whole middleware costs).
Reports req/s, p50/p99 latency, status counts, the server's CPU per request, the ratio to
the ceiling, and the figure issue 16 measured on main before the fast path (the "before"
column). No viewer causes an upstream call: every answer comes from Redis.
Prints a final `RESULT {json}` line.
"""

import argparse
import asyncio
import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from common import CLIENT_CPU, on_server_core, pct, result_line, run_with_stack

from demo import names as demo
from tests.processes import free_port, proc_cpu, wait_until
from tests.stack import ROOT, Stack, procfile_daphne_options

# Issue 16's measurements on main before the fast path (`make run`, one daphne, 32 clients).
BEFORE = {
    "json plain": "80 req/s, 12.9 ms CPU/req",
    "json If-None-Match": "95 req/s, 11.0 ms CPU/req",
    "badge plain": "73 req/s, ~14 ms CPU/req",
    "page plain": "71 req/s, ~14 ms CPU/req",
    "livez plain": "221 req/s, 4.4 ms CPU/req",
    "ceiling (raw ASGI on daphne)": "4,491 req/s, 0.21 ms CPU/req",
}


async def one_connection(
    port: int, path: str, conditional: bool, end: float, etag: list[str | None], out: dict
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < end:
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n"
            if conditional and etag[0]:
                request += f"If-None-Match: {etag[0]}\r\n"
            started = time.perf_counter()
            writer.write((request + "\r\n").encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length, close, chunked = 0, False, False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name, value = name.strip().lower(), value.strip()
                if name == b"content-length":
                    length = int(value)
                elif name == b"etag":
                    etag[0] = value.decode()
                elif name == b"connection" and value.lower() == b"close":
                    close = True
                elif name == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
            size = 0
            if chunked:
                while True:
                    chunk = int((await reader.readuntil(b"\r\n")).strip(), 16)
                    await reader.readexactly(chunk + 2)
                    size += chunk
                    if chunk == 0:
                        break
            elif length:
                size = len(await reader.readexactly(length))
            out["latencies"].append(time.perf_counter() - started)
            out["statuses"][status] += 1
            out["bytes"] += size
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except (OSError, asyncio.IncompleteReadError) as error:
        out["errors"][type(error).__name__] += 1
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def load(port: int, path: str, conditional: bool, seconds: float, connections: int) -> dict:
    out: dict = {"latencies": [], "statuses": Counter(), "errors": Counter(), "bytes": 0}
    etag: list[str | None] = [None]
    end = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(
        *(one_connection(port, path, conditional, end, etag, out) for _ in range(connections))
    )
    out["wall"] = time.monotonic() - started
    return out


def web_process(stack: Stack, workdir: Path) -> None:
    """Swap the stack's web process for a production-like one (DEBUG=false, own core)."""
    web = stack.services["web"]
    stack.kill("web")
    env = {
        **stack.env,
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "bench.fanout_settings",
        "FANOUT_STATIC_ROOT": str(workdir / "static"),
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    web.env = env
    web.argv = on_server_core(web.argv)
    if (os.cpu_count() or 1) >= 2:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {CLIENT_CPU})
    stack.start_service("web")


def _row(case: str, path: str, total: int, wall: float, cpu: float, **fields: object) -> dict:
    return {
        "case": case,
        "path": path,
        "req_per_s": round(total / wall, 1),
        "server_cpu_pct": round(100 * cpu / wall, 1),
        "cpu_ms_per_req": round(1000 * cpu / total, 3) if total else None,
        "before": BEFORE.get(case),
        **fields,
    }


def measure(
    args: argparse.Namespace, pid: int, port: int, case: str, path: str, conditional: bool
) -> dict:
    if args.generator == "wrk":
        return measure_wrk(args, pid, port, case, path, conditional)
    cpu0 = proc_cpu(pid)
    out = asyncio.run(load(port, path, conditional, args.seconds, args.connections))
    cpu = proc_cpu(pid) - cpu0
    total = len(out["latencies"])
    return _row(
        case,
        path,
        total,
        out["wall"],
        cpu,
        p50_ms=round(pct(out["latencies"], 0.5) * 1000, 2),
        p99_ms=round(pct(out["latencies"], 0.99) * 1000, 2),
        statuses={str(k): v for k, v in sorted(out["statuses"].items())},
        errors=dict(out["errors"]),
        bytes_per_response=round(out["bytes"] / total) if total else 0,
    )


_WRK_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(m?s)")
_WRK_PERCENTILE = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_WRK_BAD = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def measure_wrk(
    args: argparse.Namespace, pid: int, port: int, case: str, path: str, conditional: bool
) -> dict:
    """The same with wrk (C, one thread on the client's core): a load generator that needs
    far less CPU per request than the server, so the ceiling is the server's."""
    url = f"http://127.0.0.1:{port}{path}"
    argv = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds:g}s", "--latency"]
    expected = 200
    if conditional:
        etag = httpx.get(url, timeout=5).headers["etag"]
        argv += ["-H", f"If-None-Match: {etag}"]
        expected = httpx.get(url, headers={"If-None-Match": etag}, timeout=5).status_code
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        argv = ["taskset", "-c", str(CLIENT_CPU), *argv]
    cpu0 = proc_cpu(pid)
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    cpu = proc_cpu(pid) - cpu0
    total_match = _WRK_TOTAL.search(out)
    total = int(total_match[1])
    wall = float(total_match[2]) * (60 if total_match[3] == "m" else 1)
    percentiles = {p: float(v) * _UNIT[u] for p, v, u in _WRK_PERCENTILE.findall(out)}
    bad = int(_WRK_BAD.search(out)[1]) if _WRK_BAD.search(out) else 0
    return _row(
        case,
        path,
        total,
        wall,
        cpu,
        p50_ms=round(percentiles["50"], 2),
        p99_ms=round(percentiles["99"], 2),
        # wrk counts answers outside 2xx/3xx only; the status a request of this case gets,
        # checked once before the run, says what the others were.
        statuses={str(expected): total - bad, **({"other": bad} if bad else {})},
        errors={},
    )


def ceiling(args: argparse.Namespace, stack: Stack) -> dict:
    """The raw ASGI app on a daphne of its own (the Procfile's options, the same core)."""
    port = free_port()
    argv = [str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
    argv += [*procfile_daphne_options(), "bench.raw_asgi:app"]
    process = subprocess.Popen(on_server_core(argv), cwd=ROOT, env=stack.env)
    try:
        wait_until(lambda: _answers(port), 30, "the raw ASGI daphne")
        return measure(args, process.pid, port, "ceiling (raw ASGI on daphne)", "/", False)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200


def run(args: argparse.Namespace, stack: Stack) -> list[dict]:
    stack.start()
    web_process(stack, stack.workdir)
    rows = [ceiling(args, stack)]
    slug = demo.DEMO_BOARDS["public"]
    board = stack.http.get(stack.url(f"/status/{slug}.json")).json()
    queue_id = board["queues"][0]["id"]
    cases = [
        ("json", f"/status/{slug}.json", (False, True)),
        ("badge", f"/status/{slug}/badge/{queue_id}.svg", (False, True)),
        ("page", f"/status/{slug}/", (False,)),
        ("livez", "/livez", (False,)),
    ]
    pid = stack.services["web"].pid
    for name, path, variants in cases:
        for conditional in variants:
            case = f"{name} {'If-None-Match' if conditional else 'plain'}"
            rows.append(measure(args, pid, stack.web_port, case, path, conditional))
    top = rows[0]["req_per_s"]
    for row in rows:
        row["of_ceiling"] = round(row["req_per_s"] / top, 3) if top else None
        print(
            f"  {row['case']:<28} {row['req_per_s']:>8.0f} req/s ({row['of_ceiling']:.0%} of "
            f"the ceiling)  p50 {row['p50_ms']:.1f} ms  p99 {row['p99_ms']:.1f} ms  "
            f"{row['statuses']}  server CPU {row['server_cpu_pct']:.0f} % "
            f"({row['cpu_ms_per_req']} ms/req)"
            f"{'  errors ' + str(row['errors']) if row['errors'] else ''}"
            f"{'  [before: ' + row['before'] + ']' if row['before'] else ''}",
            flush=True,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per case")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--generator",
        choices=("wrk", "asyncio"),
        default="wrk" if shutil.which("wrk") else "asyncio",
        help="the load generator: wrk where installed (Debian's package), else our own client",
    )
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    workdir = Path(tempfile.mkdtemp(prefix="public-bench-"))
    stack = Stack(
        workdir,
        private_redis=True,
        env_overrides={
            # One pair of secrets for every process: DEBUG=false needs them set.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "PUBLIC_RATE_LIMIT": "1000000000/m",
        },
    )
    _, rows = run_with_stack("public", args, run, stack=stack, browser=False)
    mode = (
        f"{args.seconds:g} s per case, {args.connections} keep-alive connections "
        f"({args.generator}), one daphne (DEBUG=false)"
    )
    print(f"\n=== public endpoints ({mode}) ===")
    print("| case | before (issue 16) | req/s | of the ceiling | p50 / p99 ms | CPU ms/req |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['case']} | {r['before'] or '-'} | {r['req_per_s']:.0f} | "
            f"{r['of_ceiling']:.0%} | {r['p50_ms']:.1f} / {r['p99_ms']:.1f} | "
            f"{r['cpu_ms_per_req']} |"
        )
    print(result_line({"bench": "public", "mode": mode, "rows": rows}))


if __name__ == "__main__":
    main()
