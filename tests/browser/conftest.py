"""Browser tests: headless Debian Chromium (Playwright, no downloaded browser) against the real
stack of tests/stack.py.

One browser for the folder; a fresh context and page per test, which records console errors and
every websocket frame it receives. At most one stack runs at a time (they share the tests'
Redis database): tests ask for `stack` (the default, quiet sandbox) or `large_stack` (the
sandbox's large scenario), and the pool stops one before starting the other.
"""

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from demo import announce
from demo import names as demo
from tests import stack as stack_module
from tests.browser.board import SAVED_ARTIFACTS, Tab, open_tab
from tests.stack import ACCOUNT_ID, Stack, wait_until

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# A TV's kiosk browser lets audio play without a click: nobody is there to click.
KIOSK_AUDIO = "--autoplay-policy=no-user-gesture-required"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within this folder, tests on the large stack last: each kind of stack starts once."""
    here = Path(__file__).parent
    slots = [i for i, item in enumerate(items) if here in item.path.parents]
    ours = sorted((items[i] for i in slots), key=lambda item: "large_stack" in item.fixturenames)
    for slot, item in zip(slots, ours, strict=True):
        items[slot] = item


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed:
        for running in stack_module.RUNNING:
            report.sections.append((f"stack logs ({running.workdir})", running.logs()))
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    if SAVED_ARTIFACTS:
        terminalreporter.write_sep("-", "browser test artifacts")
        for path in SAVED_ARTIFACTS:
            terminalreporter.write_line(str(path))


# --- stacks ---------------------------------------------------------------------------------


@dataclass
class StackPool:
    base: Path
    current: tuple[str, Stack] | None = None

    def get(self, kind: str, factory: Callable[[Path], Stack], prepare=None) -> Stack:
        if self.current is not None and self.current[0] == kind:
            return self.current[1]
        self.close()
        stack = factory(self.base / kind)
        stack.start(prepare)
        self.current = (kind, stack)
        return stack

    def close(self) -> None:
        if self.current is not None:
            _, stack = self.current
            self.current = None
            stack.stop()


@pytest.fixture(scope="package")
def stack_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackPool]:
    pool = StackPool(tmp_path_factory.mktemp("stacks"))
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def stack(stack_pool: StackPool) -> Stack:
    """The default stack (quiet sandbox, demo boards), brought back to the sandbox's start:
    every process up, the sandbox reset, and a poll of that state in Redis."""
    running = stack_pool.get("default", lambda path: Stack(path))
    running.ensure_running()
    running.control("DELETE", "/faults")
    running.control("POST", "/reset", {"quiet": True})
    reset_at = time.time()
    running.wait_for_snapshot(after=reset_at)
    return running


@pytest.fixture
def webhook_stack(stack: Stack) -> Iterator[Stack]:
    """The default stack with the sandbox's webhooks delivering to it (a reset drops them).
    Afterwards every caller the test left waiting gives up and its end is counted, so the
    next test's boards start with nobody waiting."""
    announce.register_webhook(stack.sandbox_url, stack.url(demo.demo_webhook_path()))
    yield stack
    stack.control("POST", "/time/advance", {"seconds": 3600})
    wait_until(lambda: stack.service_waiting() == 0 or None, 30, "the callers' ends counted")


LARGE_BOARD_AGENTS = 200


def _board_of_200_agents(stack: Stack) -> None:
    """The large scenario 15 minutes in, and the floor TV showing every queue (20) and their
    members, trimmed to exactly 200 agents."""
    stack.control("POST", "/time/advance", {"seconds": 900})
    queues = stack.account_state()["queues"]
    members = sorted({pk for queue in queues for pk in queue["members"]})
    extra = set(members[LARGE_BOARD_AGENTS:])
    for queue in queues:
        if extra & set(queue["members"]):
            kept = [pk for pk in queue["members"] if pk not in extra]
            stack.control(
                "PATCH", f"/accounts/{ACCOUNT_ID}/queues/{queue['pk']}", {"members": kept}
            )
    if len(members) < LARGE_BOARD_AGENTS:
        agents = [a["pk"] for a in stack.account_state()["agents"] if a["pk"] not in members]
        last = queues[-1]
        more = agents[: LARGE_BOARD_AGENTS - len(members)]
        stack.control(
            "PATCH",
            f"/accounts/{ACCOUNT_ID}/queues/{last['pk']}",
            {"members": last["members"] + more},
        )
    queue_ids = [queue["pk"] for queue in queues]
    stack.manage(
        "shell",
        "-c",
        "from boards.models import Board; Board.objects.filter(slug='floor-tv')"
        f".update(queue_ids={queue_ids!r}, agent_scope='members')",
    )


@pytest.fixture
def large_stack(stack_pool: StackPool) -> Stack:
    """The sandbox's large scenario with its random activity, the floor TV showing 200 agents
    and 20 queues."""
    running = stack_pool.get(
        "large",
        lambda path: Stack(path, sandbox_args=("--scenario", "large")),
        _board_of_200_agents,
    )
    running.ensure_running()
    return running


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="package", autouse=True)
def _chromium_installed() -> None:
    """Before any stack starts: skip without Chromium on a developer's machine, fail in CI."""
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
        if _in_ci():
            pytest.fail(f"{reason}; CI must run the browser tests.", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all browser tests, set up as a TV's kiosk browser (audio without a
    click), closed (with Playwright's event loop) before the rest of the suite runs its own
    loops."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, KIOSK_AUDIO]
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    """A 1920x1080 page; fails the test if the page logged an error it did not expect."""
    opened = open_tab(browser)
    try:
        yield opened
    finally:
        opened.page.context.close()
    errors = opened.unexpected_console_errors()
    assert not errors, f"console errors: {errors}"
