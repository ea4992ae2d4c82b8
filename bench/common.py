"""What the benchmarks share (not a benchmark itself): the checkout on `sys.path`, the demo
agent whose calls they make, percentiles and the `RESULT {json}` line bench/run_all.py
parses, headless Chromium, and running a bench on tests/stack.py's stack with every process
stopped whatever happens. The processes themselves and the /proc readings are
tests/processes.py's, shared with the tests' harness.

A bench imports this module before anything of the project's:

    from common import CALLER, pct, result_line, run_with_stack
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.stack import Stack

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CALLER = 123  # a member of both demo queues: its calls change the TV and the public board
# Where a bench that has two cores puts the server it measures, and itself and its clients.
SERVER_CPU, CLIENT_CPU = 1, 0


def on_server_core(argv: list[str]) -> list[str]:
    """`argv` pinned to the server's core with taskset, where there are two cores."""
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(SERVER_CPU), *argv]
    return argv


def pct(values: list[float], q: float) -> float:
    """The `q` quantile (0..1) of `values`, nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def result_line(payload: dict) -> str:
    return "RESULT " + json.dumps(payload, sort_keys=True)


def launch_browser(playwright) -> "Browser":
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def interrupt_on_sigterm() -> None:
    """SIGTERM (bench/run_all.py's time limit, a `kill`) unwinds as Ctrl-C does, so the
    bench's `finally` stops what it started."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def run_with_stack(
    name: str,
    args: argparse.Namespace,
    run_bench: Callable[..., Any],
    *,
    stack: "Stack | None" = None,
    browser: bool = True,
) -> tuple["Stack", Any]:
    """Run `run_bench(args, stack, playwright)` (without `playwright` when `browser` is
    false) on `stack`, by default tests/stack.py's stack on a private redis-server (the
    machine's Redis stays untouched) in a new temporary folder, and stop every process
    whatever happens (an error, Ctrl-C or SIGTERM). `run_bench` starts the stack itself.
    Returns the stack and the result."""
    from tests.stack import Stack, StackError

    if stack is None:
        stack = Stack(Path(tempfile.mkdtemp(prefix=f"{name}-bench-")), private_redis=True)
    interrupt_on_sigterm()
    try:
        if not browser:
            return stack, run_bench(args, stack)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            return stack, run_bench(args, stack, playwright)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping every process")
        raise SystemExit(130) from None
    except StackError as error:
        print(f"\nthe {name} bench's stack failed: {error}\n{stack.logs(chars=1500)}")
        raise SystemExit(1) from None
    finally:
        stack.stop()
