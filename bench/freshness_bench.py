"""Freshness benchmark: from a call answered in the sandbox to that call on a TV board, by
polling alone and with webhooks.

    .venv/bin/python bench/freshness_bench.py              # 30 changes per mode
    .venv/bin/python bench/freshness_bench.py --changes 10 --modes webhooks

What it starts (all loopback, free ports, everything stopped on exit, error or Ctrl-C): the
whole stack of tests/stack.py (sandbox, daphne with the Procfile's options, one Celery worker,
beat: the app's own poll schedule, 2 s for the demo board) on a private redis-server, and
headless Chromium (/usr/bin/chromium) with the demo TV board open. The sandbox is quiet (no
random activity), so every change on the board is one of ours.

Each change: a random pause (0-2 s, so changes fall anywhere between two polls), then agent
123 answers an inbound call of the Sales queue (`POST /control/accounts/61/calls` with the
queue: the sandbox fires USER_ANSWER); "visible" is when the page's websocket message that
swapped agent 123's card to on_call was applied (the page's `wallboard:message` event,
timestamped in the page with Date.now(): same machine clock). Then the call ends (DELETE:
CALL_ENDED) and the board is awaited back. Modes, in this order on one stack:
  polling   no webhook configured: the regular 2 s polls only
  webhooks  the sandbox sends every event to the app's receiver (as `make run` sets it up):
            each event asks for an early poll (debounce 0.1 s, own budget slice)
Reported per mode: p50/p95/p99 of answered -> visible (and call ends apart), and the split
answered -> snapshot in Redis / snapshot -> visible (diff, render, push, swap).
Prints a final `RESULT {json}` line.
"""

import argparse
import contextlib
import random
import statistics
import time

from common import CALLER, launch_browser, pct, result_line, run_with_stack
from playwright.sync_api import Page

from demo import names as demo
from demo.announce import register_webhook
from tests.browser.board import open_board, open_tab
from tests.stack import Stack, StackError

QUEUE = 100134  # Sales: agent 123 is a member
MODES = ("polling", "webhooks")

# Every applied websocket message (static/boards/protocol.js dispatches `wallboard:message`
# once it is swapped): (ms since the epoch, agent 123's state, the page's version).
WATCH_AGENT = """
window.__fresh = [];
document.addEventListener("wallboard:message", function () {
  var card = document.getElementById("agent-AGENT_PK");
  window.__fresh.push([Date.now(), card ? card.getAttribute("data-status") : null,
                       parseInt(document.body.getAttribute("data-version") || "-1", 10)]);
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
        page.wait_for_timeout(5)
    raise StackError(f"agent {CALLER} never showed {status} within {timeout:g} s")


def measure(stack: Stack, page: Page, args: argparse.Namespace, mode: str) -> dict:
    rng = random.Random(7)
    starts, ends, polls, pushes = [], [], [], []
    for i in range(args.changes):
        page.wait_for_timeout(rng.uniform(0, 2000))
        began = time.time()
        call = stack.control(
            "POST",
            "/accounts/61/calls",
            {"pk": CALLER, "direction": "inbound", "peer": "+15550100300", "queue_id": QUEUE},
        )
        visible, snap = wait_visible(stack, page, began, "on_call", args.timeout)
        starts.append(visible - began)
        if snap is not None:
            polls.append(snap - began)
            pushes.append(max(0.0, visible - snap))
        page.wait_for_timeout(rng.uniform(0, 2000))
        began = time.time()
        stack.control("DELETE", f"/accounts/61/calls/{call['call_id']}")
        visible, _ = wait_visible(stack, page, began, "available", args.timeout)
        ends.append(visible - began)
        print(f"  {mode} change {i + 1:>2}: answered visible after {starts[-1] * 1000:6.0f} ms, "
              f"end after {ends[-1] * 1000:6.0f} ms", flush=True)  # fmt: skip
    return {"starts": starts, "ends": ends, "polls": polls, "pushes": pushes}


def run(args: argparse.Namespace, stack: Stack, playwright) -> dict:
    stack.start()
    print(f"stack up: web :{stack.web_port}, private Redis {stack.redis_url}")
    stack.control("PATCH", "/settings", {"quiet": True})
    browser = launch_browser(playwright)
    try:
        tab = open_tab(browser)
        tab.page.context.add_init_script(WATCH_AGENT)
        page = open_board(tab, stack.tv_url())
        results = {}
        for mode in args.modes:
            if mode == "webhooks":
                register_webhook(stack.sandbox_url, stack.url(demo.demo_webhook_path()))
            results[mode] = measure(stack, page, args, mode)
        return results
    finally:
        with contextlib.suppress(Exception):
            browser.close()


def ms(values: list[float], q: float) -> float:
    return round(pct(values, q) * 1000, 1)


def median_ms(values: list[float]) -> float | None:
    return round(statistics.median(values) * 1000, 1) if values else None


def summarize(data: dict) -> dict:
    starts, ends = data["starts"], data["ends"]
    return {
        "changes": len(starts),
        "start_p50_ms": ms(starts, 0.5),
        "start_p95_ms": ms(starts, 0.95),
        "start_p99_ms": ms(starts, 0.99),
        "end_p50_ms": ms(ends, 0.5),
        "end_p95_ms": ms(ends, 0.95),
        "end_p99_ms": ms(ends, 0.99),
        "poll_median_ms": median_ms(data["polls"]),
        "push_median_ms": median_ms(data["pushes"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=30, help="changes per mode")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args()
    _, data = run_with_stack("freshness", args, run)
    summary = {
        "bench": "freshness",
        "mode": f"{args.changes} changes per mode, 2 s poll interval",
        **{mode: summarize(values) for mode, values in data.items()},
    }
    print("\n=== freshness: call answered in the sandbox -> visible on the TV board (Chromium) ===")
    for mode in data:
        s = summary[mode]
        print(
            f"{mode:>8}, n={s['changes']}: answered p50 {s['start_p50_ms']:.0f} / p95 "
            f"{s['start_p95_ms']:.0f} / p99 {s['start_p99_ms']:.0f} ms; call ends p50 "
            f"{s['end_p50_ms']:.0f} / p95 {s['end_p95_ms']:.0f} / p99 {s['end_p99_ms']:.0f} ms; "
            f"median split: snapshot {s['poll_median_ms']} ms, then page {s['push_median_ms']} ms"
        )
    if "polling" in data and "webhooks" in data:
        ratio = summary["polling"]["start_p95_ms"] / max(summary["webhooks"]["start_p95_ms"], 1)
        summary["p95_ratio"] = round(ratio, 1)
        print(f"p95 polling / p95 webhooks: {ratio:.1f}x")
    print("htmx-polling baseline: see bench/fanout_bench.py (push vs GET every 2 s)")
    print(result_line(summary))


if __name__ == "__main__":
    main()
