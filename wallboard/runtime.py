"""One event loop and one Voice360Client per process, for synchronous callers (Celery tasks).

Celery tasks are synchronous; creating a loop (`asyncio.run`) or an httpx client per task
would open new connections every poll. Instead each process keeps one loop, created lazily,
and runs coroutines on it with `run()`; the client lives on that loop and reuses its
connections. A forked worker child must not inherit the parent's loop or sockets, so both
are dropped in `worker_process_init` and after any fork.
"""

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from celery.signals import worker_process_init, worker_process_shutdown
from django.conf import settings

from voice360.client import Voice360Client

T = TypeVar("T")

_lock = threading.Lock()
_state: dict[str, Any] = {"pid": None, "loop": None, "clients": {}}


def _fresh_state() -> None:
    _state.update(pid=os.getpid(), loop=asyncio.new_event_loop(), clients={})


def get_loop() -> asyncio.AbstractEventLoop:
    if _state["pid"] != os.getpid() or _state["loop"] is None or _state["loop"].is_closed():
        _fresh_state()
    return _state["loop"]


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion on this process's loop. Not callable from inside a loop."""
    with _lock:
        return get_loop().run_until_complete(coro)


def get_client() -> Voice360Client:
    """The process's client for the configured base URL (call only from code run by run())."""
    get_loop()
    base_url = settings.VOICE360_BASE_URL
    clients: dict[str, Voice360Client] = _state["clients"]
    if base_url not in clients:
        clients[base_url] = Voice360Client(
            base_url, timeout=float(settings.VOICE360_TIMEOUT_SECONDS)
        )
    return clients[base_url]


def shutdown() -> None:
    """Close the clients and the loop of this process (worker shutdown, tests, benchmark)."""
    loop = _state["loop"]
    if _state["pid"] == os.getpid() and loop is not None and not loop.is_closed():
        with _lock:
            for client in _state["clients"].values():
                loop.run_until_complete(client.aclose())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
    _state.update(pid=None, loop=None, clients={})


@worker_process_init.connect
def _reset_after_fork(**_: object) -> None:
    # Objects inherited from the parent belong to its loop; drop them without closing.
    _state.update(pid=None, loop=None, clients={})


@worker_process_shutdown.connect
def _close_on_shutdown(**_: object) -> None:
    shutdown()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _state.update(pid=None, loop=None, clients={}))
