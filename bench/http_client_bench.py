"""The Voice360 client's HTTP library: CPU per request through httpx and through aiohttp.

    .venv/bin/python bench/http_client_bench.py [--requests 3000] [--concurrency 16]

Starts its own sandbox (quiet, 100 extra accounts) and reads `/availability` of each
account with its own key, `--concurrency` at a time, first through an httpx.AsyncClient (what
voice360/client.py used until 2026-12-08) and then through an aiohttp session configured as
voice360/client.py configures it, twice each, alternating. Prints the client process's CPU
per request and the wall time of each run, the ratio of the two libraries' CPU, and a final
`RESULT {json}` line. The sandbox runs on the same machine and takes its share of the CPU;
the figure to read is the client's CPU per request.
"""

import argparse
import asyncio
import time

import aiohttp
import httpx
from common import result_line

from tests.sandbox_process import start_sandbox

Request = tuple[str, dict[str, str]]


async def through_httpx(requests: list[Request], concurrency: int) -> tuple[float, float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, follow_redirects=False) as client:
        slots = asyncio.Semaphore(concurrency)

        async def one(url: str, headers: dict[str, str]) -> int:
            async with slots, client.stream("GET", url, headers=headers) as response:
                return len(b"".join([chunk async for chunk in response.aiter_bytes()]))

        return await _measured(requests, one)


async def through_aiohttp(requests: list[Request], concurrency: int) -> tuple[float, float]:
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=30)
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:

        async def one(url: str, headers: dict[str, str]) -> int:
            async with session.get(url, headers=headers, allow_redirects=False) as response:
                chunks = [chunk async for chunk in response.content.iter_chunked(64 * 1024)]
                return len(b"".join(chunks))

        return await _measured(requests, one)


async def _measured(requests: list[Request], one) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of all the requests, after a warm-up of the connections."""
    await asyncio.gather(*(one(url, headers) for url, headers in requests[:100]))
    cpu, wall = time.process_time(), time.perf_counter()
    sizes = await asyncio.gather(*(one(url, headers) for url, headers in requests))
    assert all(sizes), "an empty answer"
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    sandbox = start_sandbox("--quiet-activity", "--accounts", "100")
    try:
        sandbox.control("PATCH", "/settings", {"key_limit": 1_000_000})
        accounts = [a for a in sandbox.control("GET", "/accounts").json() if a["id"] >= 1001]
        each = [
            (f"{sandbox.base_url}/{a['id']}/availability", {"X-API-Key": a["developer_key"]})
            for a in accounts
        ]
        requests = (each * (args.requests // len(each) + 1))[: args.requests]
        runs: dict[str, list[float]] = {"httpx": [], "aiohttp": []}
        for name in ("httpx", "aiohttp", "httpx", "aiohttp"):
            read = through_httpx if name == "httpx" else through_aiohttp
            cpu, wall = asyncio.run(read(requests, args.concurrency))
            runs[name].append(cpu / len(requests))
            print(
                f"{name}: {1000 * cpu / len(requests):.3f} ms CPU per request, "
                f"{len(requests)} requests in {wall:.2f} s",
                flush=True,
            )
        best = {name: min(values) * 1000 for name, values in runs.items()}
        ratio = best["httpx"] / best["aiohttp"]
        print(f"aiohttp needs 1/{ratio:.1f} of httpx's CPU per request (the better run of each)")
        print(
            result_line(
                {
                    "bench": "http_client",
                    "mode": f"{len(requests)} requests, {args.concurrency} at a time",
                    "httpx_ms_per_request": round(best["httpx"], 3),
                    "aiohttp_ms_per_request": round(best["aiohttp"], 3),
                    "ratio": round(ratio, 1),
                }
            )
        )
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
