"""Public endpoint benchmark: requests/s of /status/<slug>.json and a badge, from the cache.

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
`--seconds` per case. Cases: the JSON and the SVG badge of the demo public board, each plain
(200) and with `If-None-Match` of the last ETag seen (304 while nothing changed; a 200 with
a new ETag when a poll changed the data). Reports req/s, p50/p99 latency, status counts and
the server's CPU. No viewer causes an upstream call: every answer comes from Redis.
Prints a final `RESULT {json}` line.
"""

import argparse
import asyncio
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import CLIENT_CPU, SERVER_CPU, pct, result_line, run_with_stack

from demo import names as demo
from tests.processes import proc_cpu
from tests.stack import ROOT, Stack


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
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        web.argv = ["taskset", "-c", str(SERVER_CPU), *web.argv]
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {CLIENT_CPU})
    stack.start_service("web")


def run(args: argparse.Namespace, stack: Stack) -> list[dict]:
    stack.start()
    web_process(stack, stack.workdir)
    slug = demo.DEMO_BOARDS["public"]
    board = stack.http.get(stack.url(f"/status/{slug}.json")).json()
    queue_id = board["queues"][0]["id"]
    cases = [
        ("json", f"/status/{slug}.json"),
        ("badge", f"/status/{slug}/badge/{queue_id}.svg"),
    ]
    pid = stack.services["web"].pid
    rows = []
    for name, path in cases:
        for conditional in (False, True):
            cpu0 = proc_cpu(pid)
            out = asyncio.run(
                load(stack.web_port, path, conditional, args.seconds, args.connections)
            )
            cpu = proc_cpu(pid) - cpu0
            total = len(out["latencies"])
            row = {
                "case": f"{name} {'If-None-Match' if conditional else 'plain'}",
                "path": path,
                "req_per_s": round(total / out["wall"], 1),
                "p50_ms": round(pct(out["latencies"], 0.5) * 1000, 2),
                "p99_ms": round(pct(out["latencies"], 0.99) * 1000, 2),
                "statuses": {str(k): v for k, v in sorted(out["statuses"].items())},
                "errors": dict(out["errors"]),
                "bytes_per_response": round(out["bytes"] / total) if total else 0,
                "server_cpu_pct": round(100 * cpu / out["wall"], 1),
                "cpu_ms_per_req": round(1000 * cpu / total, 3) if total else None,
            }
            rows.append(row)
            print(
                f"  {row['case']:<20} {row['req_per_s']:>8.0f} req/s  p50 {row['p50_ms']:.1f} ms"
                f"  p99 {row['p99_ms']:.1f} ms  {row['statuses']}  server CPU "
                f"{row['server_cpu_pct']:.0f} % ({row['cpu_ms_per_req']} ms/req)"
                f"{'  errors ' + str(row['errors']) if row['errors'] else ''}",
                flush=True,
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per case")
    parser.add_argument("--connections", type=int, default=32)
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
        f"{args.seconds:g} s per case, {args.connections} keep-alive connections, "
        "one daphne (DEBUG=false)"
    )
    print(f"\n=== public endpoints from the cache ({mode}) ===")
    print("| case | req/s | p50 ms | p99 ms | statuses | server CPU ms/req |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['case']} | {r['req_per_s']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['statuses']} | {r['cpu_ms_per_req']} |"
        )
    print(result_line({"bench": "public", "mode": mode, "rows": rows}))


if __name__ == "__main__":
    main()
