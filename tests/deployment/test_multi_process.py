"""Scale-out proof: two daphne processes, two Celery workers and two beats on one Redis.

The production shape (several web processes behind a load balancer, workers on several
hosts, one beat) plus a second beat, which must be harmless: the dispatcher claims due
accounts atomically. Against the sandbox's quiet activity with the demo account (key) and
three extra accounts in public mode, which share one per-IP budget that cannot serve them
all every 2 s, so the budget has to stretch them. Then:

(a) no account is polled twice at once, and no poll follows another at once;
(b) the budget holds: the sandbox saw no 429 and no more per IP than it allows;
(c) TV viewers on either web process get every update of a series of call starts and ends:
    each diff applies to the version the viewer holds; only a full state may skip versions.
"""

import asyncio
import contextlib
import itertools
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import websockets

from demo import names as demo
from live import protocol
from polling import budget
from snapshots import store
from tests.stack import Service, Stack, procfile_daphne_options, wait_until
from wallboard.celery import app

pytestmark = pytest.mark.slow

ACCOUNT_ID = demo.SANDBOX_ACCOUNT_ID
EXTRA_ACCOUNTS = (1001, 1002, 1003)
SANDBOX_PER_IP_LIMIT = 100  # the API doc's per-IP limit, which the sandbox enforces
JOHN = 123  # an agent of the demo account
CHANGES = 6  # call starts and ends


class ScaledStack(Stack):
    """The stack with more web processes, workers and beats beside its own."""

    def add_web(self, name: str) -> Service:
        return self.start_extra_web(name, *procfile_daphne_options())

    def add_like(self, name: str, like: str) -> Service:
        argv = list(self.services[like].argv)
        if like == "worker":
            argv[argv.index("--hostname") + 1] = f"{name}-{id(self)}@localhost"
        else:
            argv[argv.index("--schedule") + 1] = str(self.workdir / f"{name}-schedule")
        service = self._define(name, *argv)
        self.start_service(name, wait=False)
        return service


def add_public_accounts(stack: Stack) -> None:
    code = (
        "from accounts.models import Voice360Account\n"
        f"for account_id in {EXTRA_ACCOUNTS!r}:\n"
        "    Voice360Account.objects.create(\n"
        "        account_id=account_id, name=f'Extra {account_id}', poll_interval_seconds=2\n"
        "    )\n"
    )
    stack.manage("shell", "-c", code)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledStack]:
    stack = ScaledStack(
        tmp_path_factory.mktemp("scaled-stack"),
        sandbox_args=("--quiet-activity", "--accounts", str(len(EXTRA_ACCOUNTS))),
    )
    stack.start(prepare=add_public_accounts)
    try:
        stack.add_like("worker2", "worker")
        stack.add_like("beat2", "beat")
        stack.add_web("web2")
        yield stack
    finally:
        stack.stop()


@dataclass
class Viewer:
    """A TV's websocket: the version it holds and whatever broke the version rules."""

    url: str
    origin: str
    version: int = -1
    fulls: int = 0
    diffs: int = 0
    problems: list[str] = field(default_factory=list)

    def take(self, text: str) -> None:
        message = protocol.decode(text)
        if message.kind == protocol.Kind.FULL:
            self.fulls += 1
        elif message.kind == protocol.Kind.DIFF:
            if message.base != self.version:
                self.problems.append(
                    f"diff {message.base}->{message.version} applied to {self.version}"
                )
            else:
                self.diffs += 1
        else:
            return  # the greeting and freshness change no version
        self.version = message.version

    async def watch(self, stop: asyncio.Event) -> None:
        async with websockets.connect(self.url, origin=self.origin, open_timeout=30) as socket:
            receiving = asyncio.ensure_future(self._receive(socket))
            await stop.wait()
            receiving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await receiving

    async def _receive(self, socket) -> None:
        async for message in socket:
            self.take(message if isinstance(message, str) else message.decode())


@contextlib.contextmanager
def watching(viewers: list[Viewer]) -> Iterator[list[BaseException]]:
    """The viewers' sockets, open on an event loop of their own in a thread."""
    errors: list[BaseException] = []
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def main() -> None:
        results = await asyncio.gather(*(v.watch(stop) for v in viewers), return_exceptions=True)
        errors.extend(r for r in results if isinstance(r, BaseException))

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    try:
        yield errors
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=15)
        loop.close()


def polls(account_id: int, since: float) -> list[tuple[float, float, str]]:
    return sorted(
        (p.started, p.finished, p.outcome)
        for p in store.recent_polls(account_id)
        if p.started >= since
    )


def poll_counts_by_worker(names: list[str]) -> dict[str, int]:
    stats = app.control.inspect(destination=names, timeout=2).stats() or {}
    return {n: s["total"].get("polling.tasks.poll_due_accounts", 0) for n, s in stats.items()}


def test_two_web_processes_two_workers_and_two_beats_poll_once_and_fan_out_to_all(
    stack: ScaledStack, tmp_path: Path
) -> None:
    started = time.time()
    stack.control("DELETE", "/requests")
    token = demo.demo_kiosk_token()
    viewers = [
        Viewer(f"ws://127.0.0.1:{port}/ws/wallboard/tv/{token}/", f"http://127.0.0.1:{port}")
        for port in (stack.web_port, stack.services["web2"].port)
        for _ in range(2)
    ]
    with watching(viewers) as errors:
        wait_until(lambda: all(v.version > 0 for v in viewers) or errors, 30, "every full state")
        assert not errors, errors
        call_id = None
        for _ in range(CHANGES):
            version, _ = stack.snapshot_state()
            if call_id is None:
                body = {"pk": JOHN, "direction": "inbound", "duration": 600}
                call_id = stack.control("POST", f"/accounts/{ACCOUNT_ID}/calls", body)["call_id"]
            else:
                stack.control("DELETE", f"/accounts/{ACCOUNT_ID}/calls/{call_id}")
                call_id = None
            new, _ = stack.wait_for_snapshot(min_version=version + 1)
            wait_until(
                lambda new=new: all(v.version >= new for v in viewers) or errors,
                20,
                f"every viewer at version {new}",
            )
            assert not errors, errors
        final, _ = stack.snapshot_state()
    # (c) every viewer, on either web process, followed every change in order
    for viewer in viewers:
        assert viewer.problems == [], viewer
        assert viewer.version == final, viewer
        assert viewer.diffs >= CHANGES - viewer.fulls, viewer  # updates came as diffs

    # (a) one poll at a time per account, across both workers and both beats
    for account_id in (ACCOUNT_ID, *EXTRA_ACCOUNTS):
        # The public accounts share one stretched budget (about one poll in 6 s each, the
        # early-poll slice kept free): give each the time for a second poll.
        wait_until(
            lambda account_id=account_id: len(polls(account_id, started)) >= 2,
            30,
            f"two polls of account {account_id}",
        )
        seen = polls(account_id, started)
        for (_, end, _), (next_start, _, _) in itertools.pairwise(seen):
            assert next_start >= end, f"account {account_id}: overlapping polls"
    demo_polls = polls(ACCOUNT_ID, started)
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(demo_polls)]
    assert min(gaps) >= 1.0, f"a poll right after another (a beat doubled it): {gaps}"
    ours = (f"browser-tests-{os.getpid()}@", f"worker2-{id(stack)}@")
    workers = [n for reply in app.control.ping(timeout=1) for n in reply if n.startswith(ours)]
    assert len(workers) == 2, workers

    # Both take polls. Under load one worker can take every poll for a while (it asks the
    # broker first), so give the other the time the dispatcher needs to reach it.
    def both_polled() -> dict[str, int] | None:
        counts = poll_counts_by_worker(workers)
        return counts if len(counts) == 2 and all(counts.values()) else None

    wait_until(both_polled, 30, f"polls on both workers: {poll_counts_by_worker(workers)}")

    # (b) the budget held upstream
    seen = stack.control("GET", "/requests")
    assert seen["ips"], seen
    for ip, stats in seen["ips"].items():
        assert stats["rate_limited"] == 0, ip
        assert stats["max_in_window"] <= SANDBOX_PER_IP_LIMIT, ip
    for key, stats in seen["keys"].items():
        assert stats["rate_limited"] == 0, key
    # The public accounts' shared budget cannot serve three every 2 s: it stretched them.
    assert {budget.effective_interval(a) for a in EXTRA_ACCOUNTS} == {
        budget.effective_interval(EXTRA_ACCOUNTS[0])
    }
    assert budget.effective_interval(EXTRA_ACCOUNTS[0]) > 2.0
