"""TV soak: does a TV page grow over time? JS heap after garbage collection and DOM nodes.

    .venv/bin/python bench/soak_bench.py                  # 30 minutes
    .venv/bin/python bench/soak_bench.py --minutes 10 --time-scale 20

TVs run for weeks, so what a page keeps of every update must not pile up. What it starts
(loopback, free ports, all stopped on exit): the stack of tests/stack.py on a private
redis-server with the sandbox busy (its random activity on, its clock `--time-scale` times
faster than real time: calls come and go many times a minute), and headless Chromium (Debian's
/usr/bin/chromium) on the demo TV page at 1920x1080. Every `--every` seconds it asks
Chromium, through the DevTools protocol, to collect garbage and then for its own metrics
(`Performance.getMetrics`: JSHeapUsedSize, Nodes, JSEventListeners), and counts the updates
the page applied (its `data-version`). Reports the first sample after a warm-up minute, the
last, and the growth in percent (the goals: heap under 10 %, DOM nodes flat).
Prints a final `RESULT {json}` line.
"""

import argparse
import secrets
import tempfile
import time
from pathlib import Path

from common import launch_browser, result_line, run_with_stack

from tests.stack import Stack

WARM_UP_SECONDS = 60


def sample(page, cdp) -> dict:
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    version = page.evaluate("Number(document.body.dataset.version || 0)")
    return {
        "t": round(time.monotonic(), 1),
        "heap_bytes": int(metrics["JSHeapUsedSize"]),
        "nodes": int(metrics["Nodes"]),
        "listeners": int(metrics["JSEventListeners"]),
        "version": version,
    }


def growth(first: float, last: float) -> float | None:
    return None if not first else round(100 * (last - first) / first, 1)


def run(args: argparse.Namespace, stack: Stack, playwright) -> dict:
    stack.start()
    browser = launch_browser(playwright)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(stack.tv_url())
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    time.sleep(WARM_UP_SECONDS)  # the first renders, fonts, htmx's own caches settle
    samples = [sample(page, cdp)]
    end = time.monotonic() + args.minutes * 60
    while time.monotonic() < end:
        time.sleep(args.every)  # the soak is the waiting: the page runs meanwhile
        samples.append(sample(page, cdp))
        s = samples[-1]
        print(
            f"  {(s['t'] - samples[0]['t']) / 60:5.1f} min: heap {s['heap_bytes'] / 1e6:.2f} MB, "
            f"{s['nodes']} nodes, {s['listeners']} listeners, version {s['version']}",
            flush=True,
        )
    browser.close()
    first, last = samples[0], samples[-1]
    return {
        "minutes": args.minutes,
        "time_scale": args.time_scale,
        "updates": last["version"] - first["version"],
        "heap_first_mb": round(first["heap_bytes"] / 1e6, 2),
        "heap_last_mb": round(last["heap_bytes"] / 1e6, 2),
        "heap_max_mb": round(max(s["heap_bytes"] for s in samples) / 1e6, 2),
        "heap_growth_pct": growth(first["heap_bytes"], last["heap_bytes"]),
        "nodes_first": first["nodes"],
        "nodes_last": last["nodes"],
        "nodes_max": max(s["nodes"] for s in samples),
        "nodes_growth_pct": growth(first["nodes"], last["nodes"]),
        "listeners_first": first["listeners"],
        "listeners_last": last["listeners"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--time-scale", type=float, default=20.0, help="the sandbox's clock")
    args = parser.parse_args()
    stack = Stack(
        Path(tempfile.mkdtemp(prefix="soak-bench-")),
        sandbox_args=("--seed", "61", "--time-scale", f"{args.time_scale:g}"),
        private_redis=True,
        env_overrides={"SECRET_KEY": secrets.token_urlsafe(50)},
    )
    _, r = run_with_stack("soak", args, run, stack=stack)
    print(
        f"\n=== TV soak ({args.minutes:g} min, sandbox x{args.time_scale:g}) ===\n"
        f"updates applied: {r['updates']}\n"
        f"JS heap after GC: {r['heap_first_mb']} -> {r['heap_last_mb']} MB "
        f"({r['heap_growth_pct']} %, max {r['heap_max_mb']} MB)\n"
        f"DOM nodes: {r['nodes_first']} -> {r['nodes_last']} ({r['nodes_growth_pct']} %, "
        f"max {r['nodes_max']}); listeners {r['listeners_first']} -> {r['listeners_last']}"
    )
    mode = f"{args.minutes:g} min, sandbox time x{args.time_scale:g}, TV page 1920x1080"
    print(result_line({"bench": "soak", "mode": mode, **r}))


if __name__ == "__main__":
    main()
