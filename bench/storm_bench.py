"""Reconnect storm: N viewers open the public board's websocket within one second.

    .venv/bin/python bench/storm_bench.py                 # 1,000 viewers in 1 s
    .venv/bin/python bench/storm_bench.py --viewers 3000 --spread 1

A deploy, a web restart or an office's TVs waking up bring every viewer back at once. What
it starts (loopback, free ports, all stopped on exit): the stack of tests/stack.py on a
private redis-server (the worker keeps the demo board rendered), then, one after the other,
two daphne processes pinned to one core with the Procfile's options: one listening as
daphne does by default (`--bind/--port`: Twisted's backlog of 50), one with the Procfile's
endpoint (`backlog=4096`). Against each, the viewers (this process, the other core) start
their TCP connects evenly over `--spread` seconds, with no retry, and each waits for its
first full state. Reported per server: viewers connected at the first try, failures by
kind, the kernel's ListenOverflows during the storm, first full state p50/p95/max after the
connect began, and the web process's CPU per connect (auth, presence, the stored render).
PUBLIC_WEBSOCKETS_PER_IP is raised: the viewers come from one address. The servers run with
DEBUG off. `--profile` records each server with py-spy (raw stacks in the temp folder).
Prints a final `RESULT {json}` line.
"""

import argparse
import asyncio
import base64
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from common import CLIENT_CPU, on_server_core, pct, result_line, run_with_stack
from fanout_clients import envelope, raise_nofile

from demo import names as demo
from tests.processes import free_port, proc_cpu, wait_until
from tests.stack import ROOT, Stack, procfile_daphne_options, procfile_endpoint

FIRST_STATE_TIMEOUT = 120.0


def listen_overflows() -> int | None:
    """TcpExt ListenOverflows of this network namespace (None where it cannot be read)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            fields = dict(zip(names.split()[1:], values.split()[1:], strict=True))
            return int(fields["ListenOverflows"])
    return None


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readexactly(2)
    length = head[1] & 0x7F
    if length == 126:
        length = int.from_bytes(await reader.readexactly(2), "big")
    elif length == 127:
        length = int.from_bytes(await reader.readexactly(8), "big")
    return await reader.readexactly(length)


async def viewer(port: int, path: str, delay: float, out: dict) -> None:
    await asyncio.sleep(delay)
    started = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as error:
        out["failures"][f"connect: {type(error).__name__}"] += 1
        return
    out["open"].append(writer)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n"
        ).encode()
    )
    try:
        async with asyncio.timeout(FIRST_STATE_TIMEOUT):
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 101"):
                out["failures"][f"handshake {head[9:12].decode()}"] += 1
                return
            while True:
                _version, kind = envelope(await _read_frame(reader))
                if kind == "full":
                    out["first_state_s"].append(time.monotonic() - started)
                    return
    except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
        out["failures"][f"after connect: {type(error).__name__}"] += 1


async def storm(port: int, path: str, viewers: int, spread: float) -> dict:
    out: dict = {"first_state_s": [], "failures": Counter(), "open": []}
    tasks = [viewer(port, path, spread * i / viewers, out) for i in range(viewers)]
    await asyncio.gather(*tasks)
    for writer in out.pop("open"):
        writer.close()
    return out


def _profiler(args: argparse.Namespace, pid: int, name: str) -> subprocess.Popen | None:
    """py-spy on the server for the storm (`--profile`): raw stacks for a flame graph."""
    if not args.profile:
        return None
    out = Path(tempfile.gettempdir()) / f"storm-{name.split()[-1].strip(')')}.pyspy.txt"
    print(f"  profiling {name} into {out}", flush=True)
    spy = str(Path(sys.executable).parent / "py-spy")
    argv = [spy, "record", "-p", str(pid), "-d", str(int(args.spread) + 8), "-r", "300"]
    return subprocess.Popen([*argv, "-f", "raw", "-o", str(out)], stdout=subprocess.DEVNULL)


def one_server(args: argparse.Namespace, stack: Stack, name: str, address: list[str]) -> dict:
    port = free_port()
    daphne = str(Path(sys.executable).parent / "daphne")
    argv = [daphne, *address(port), *procfile_daphne_options(), "wallboard.asgi:application"]
    # Production's settings (DEBUG off), as public_bench.py runs its server.
    env = {**stack.env, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(on_server_core(argv), cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/livez"
        wait_until(lambda: httpx.get(url, timeout=1).status_code == 200, 60, f"{name} daphne")
        path = f"/ws/status/{demo.DEMO_BOARDS['public']}/"
        profiler = _profiler(args, process.pid, name)
        overflows, cpu0 = listen_overflows(), proc_cpu(process.pid)
        started = time.monotonic()
        out = asyncio.run(storm(port, path, args.viewers, args.spread))
        wall = time.monotonic() - started
        if profiler is not None:
            profiler.wait(timeout=120)
        cpu = proc_cpu(process.pid) - cpu0
        after = listen_overflows()
        connected = len(out["first_state_s"])
        row = {
            "server": name,
            "viewers": args.viewers,
            "connected_first_try": connected,
            "failures": dict(out["failures"]),
            "listen_overflows": None if overflows is None else after - overflows,
            "first_state_p50_ms": round(pct(out["first_state_s"], 0.5) * 1000),
            "first_state_p95_ms": round(pct(out["first_state_s"], 0.95) * 1000),
            "first_state_max_ms": round(max(out["first_state_s"], default=0) * 1000),
            "cpu_ms_per_connect": round(1000 * cpu / connected, 2) if connected else None,
            "storm_wall_s": round(wall, 2),
        }
        print(
            f"  {name:<34} {connected}/{args.viewers} at the first try, failures "
            f"{row['failures'] or 'none'}, ListenOverflows +{row['listen_overflows']}, first "
            f"full state p50 {row['first_state_p50_ms']} / p95 {row['first_state_p95_ms']} / "
            f"max {row['first_state_max_ms']} ms, {row['cpu_ms_per_connect']} ms CPU/connect",
            flush=True,
        )
        return row
    finally:
        process.terminate()
        process.wait(timeout=15)


def run(args: argparse.Namespace, stack: Stack) -> list[dict]:
    stack.start()
    raise_nofile(4 * args.viewers + 1024)
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {CLIENT_CPU})
    servers = [
        ("daphne's default (backlog 50)", lambda p: ["--bind", "127.0.0.1", "--port", str(p)]),
        ("the Procfile's endpoint (backlog 4096)", lambda p: ["-e", procfile_endpoint(p)]),
    ]
    return [one_server(args, stack, name, address) for name, address in servers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=1.0, help="seconds the connects span")
    parser.add_argument("--profile", action="store_true", help="py-spy on each server")
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    stack = Stack(
        Path(tempfile.mkdtemp(prefix="storm-bench-")),
        private_redis=True,
        env_overrides={
            "PUBLIC_WEBSOCKETS_PER_IP": str(10 * args.viewers),
            # One pair of secrets for every process: DEBUG=false needs them set.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        },
    )
    _, rows = run_with_stack("storm", args, run, stack=stack, browser=False)
    mode = f"{args.viewers} viewers over {args.spread:g} s, one daphne on one core"
    print(f"\n=== reconnect storm ({mode}) ===")
    print(
        "| server | connected at the first try | ListenOverflows "
        "| first full state p50 / p95 / max | CPU per connect |"
    )
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['server']} | {r['connected_first_try']} of {r['viewers']} | "
            f"{r['listen_overflows']} | {r['first_state_p50_ms']} / {r['first_state_p95_ms']} / "
            f"{r['first_state_max_ms']} ms | {r['cpu_ms_per_connect']} ms |"
        )
    print(result_line({"bench": "storm", "mode": mode, "rows": rows}))


if __name__ == "__main__":
    main()
