"""Freshness benchmark: from a change in the sandbox to that change visible on a TV board.

    .venv/bin/python bench/freshness_bench.py              # 30 changes
    .venv/bin/python bench/freshness_bench.py --changes 10

What it starts (all loopback, free ports, everything stopped on exit, error or Ctrl-C): the
whole stack of tests/stack.py (sandbox, daphne with the Procfile's options, one Celery worker,
beat: the app's own poll schedule, 2 s for the demo board) on a private redis-server, and
headless Chromium (/usr/bin/chromium) with the demo TV board open.

Each change: a random pause (0-2 s, so changes fall anywhere between two polls), then agent
123 starts a call through the documented `POST /v3/voice/61/call/outbound` (developer key);
"visible" is when the page's websocket message that swapped agent 123's card to on_call was
applied (htmx:wsAfterMessage, timestamped in the page with Date.now(): same machine clock).
Then the call ends (`DELETE /control/accounts/61/calls/<id>`) and the board is awaited back.
Reported: p50/p95/p99 of change -> visible for call starts (and ends, apart), and the split
change -> snapshot in Redis (the poll) / snapshot -> visible (diff, render, push, swap).

Polling only: the app has no webhook receiver yet, so "with webhooks" is not measured. The
htmx-polling baseline (GET every 2 s vs websocket push) is in bench/fanout_bench.py.
Prints a final `RESULT {json}` line.
"""

import argparse
import contextlib
import random
import statistics
import time

from drills_bench import CALLER, launch_browser, pct, result_line, run_with_stack
from playwright.sync_api import Page

from tests.browser.board import open_board, open_tab
from tests.stack import Stack, StackError

# Every applied websocket message: (ms since the epoch, agent 123's state, page version).
WATCH_AGENT = """
window.__fresh = [];
document.addEventListener("htmx:wsAfterMessage", function () {
  var card = document.getElementById("agent-AGENT_PK");
  var marker = document.getElementById("wb-version");
  window.__fresh.push([Date.now(), card ? card.getAttribute("data-status") : null,
                       marker ? parseInt(marker.getAttribute("data-version"), 10) : -1]);
});
""".replace("AGENT_PK", str(CALLER))


def seen_since(page: Page, since_ms: float, status: str) -> float | None:
    """When (s since the epoch) the page first showed `status` at or after `since_ms`."""
    entries = page.evaluate("() => window.__fresh")
    for at, shown, _version in entries:
        if at >= since_ms and shown == status:
            return at / 1000
    return None


def wait_visible(stack: Stack, page: Page, since: float, status: str, timeout: float):
    """(visible at, snapshot changed at): both Unix times; StackError after `timeout`."""
    version0 = stack.snapshot_state()[0]
    snapshot_at = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if snapshot_at is None and stack.snapshot_state()[0] > version0:
            snapshot_at = time.time()
        visible = seen_since(page, since * 1000 - 5, status)
        if visible is not None:
            return visible, snapshot_at
        page.wait_for_timeout(10)
    raise StackError(f"agent {CALLER} never showed {status} within {timeout:g} s")


def extension_of(stack: Stack, pk: int) -> str:
    agents = stack.api("GET", "/availability")["result"]
    return next(a["presence_id"] for a in agents if a["pk"] == pk)


def run(args: argparse.Namespace, stack: Stack, playwright) -> dict:
    stack.start()
    print(f"stack up: web :{stack.web_port}, private Redis {stack.redis_url}")
    browser = launch_browser(playwright)
    try:
        tab = open_tab(browser)
        tab.page.context.add_init_script(WATCH_AGENT)
        page = open_board(tab, stack.tv_url())
        extension = extension_of(stack, CALLER)
        rng = random.Random(7)
        starts, ends, polls, pushes = [], [], [], []
        for i in range(args.changes):
            page.wait_for_timeout(rng.uniform(0, 2000))
            began = time.time()
            call = stack.api("POST", "/call/outbound", {"from": extension, "to": "+15550100300"})
            visible, snap = wait_visible(stack, page, began, "on_call", args.timeout)
            starts.append(visible - began)
            if snap is not None:
                polls.append(snap - began)
                pushes.append(max(0.0, visible - snap))
            page.wait_for_timeout(rng.uniform(0, 2000))
            began = time.time()
            stack.control("DELETE", f"/accounts/61/calls/{call['result']['call_id']}")
            visible, _ = wait_visible(stack, page, began, "available", args.timeout)
            ends.append(visible - began)
            print(f"  change {i + 1:>2}: start visible after {starts[-1] * 1000:6.0f} ms, "
                  f"end after {ends[-1] * 1000:6.0f} ms", flush=True)  # fmt: skip
        return {"starts": starts, "ends": ends, "polls": polls, "pushes": pushes}
    finally:
        with contextlib.suppress(Exception):
            browser.close()


def ms(values: list[float], q: float) -> float:
    return round(pct(values, q) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    _, data = run_with_stack("freshness", args, run)
    starts, ends = data["starts"], data["ends"]
    summary = {
        "bench": "freshness",
        "mode": f"{len(starts)} changes, polling only (2 s poll interval)",
        "changes": len(starts),
        "start_p50_ms": ms(starts, 0.5),
        "start_p95_ms": ms(starts, 0.95),
        "start_p99_ms": ms(starts, 0.99),
        "end_p50_ms": ms(ends, 0.5),
        "end_p95_ms": ms(ends, 0.95),
        "end_p99_ms": ms(ends, 0.99),
        "poll_median_ms": round(statistics.median(data["polls"]) * 1000, 1)
        if data["polls"]
        else None,
        "push_median_ms": round(statistics.median(data["pushes"]) * 1000, 1)
        if data["pushes"]
        else None,
        "webhooks": "not built yet",
    }
    print("\n=== freshness: sandbox change -> visible on the TV board (Chromium) ===")
    print(
        f"polling only, call starts (POST /call/outbound), n={len(starts)}: "
        f"p50 {summary['start_p50_ms']:.0f} / p95 {summary['start_p95_ms']:.0f} / "
        f"p99 {summary['start_p99_ms']:.0f} ms"
    )
    print(
        f"call ends, n={len(ends)}: p50 {summary['end_p50_ms']:.0f} / "
        f"p95 {summary['end_p95_ms']:.0f} / p99 {summary['end_p99_ms']:.0f} ms"
    )
    print(
        f"median split: change -> snapshot in Redis {summary['poll_median_ms']} ms (the poll), "
        f"snapshot -> visible {summary['push_median_ms']} ms (diff, render, push, swap)"
    )
    print("with webhooks: not built yet (the app has no webhook receiver)")
    print("htmx-polling baseline: see bench/fanout_bench.py (push vs GET every 2 s)")
    print(result_line(summary))


if __name__ == "__main__":
    main()
