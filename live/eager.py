"""Run a coroutine at once, in the caller, and make a task only if it has to wait.

The fan-out sends one message to thousands of sockets, and a send almost never waits: daphne
buffers it in Twisted, the websockets library waits only when a socket's write buffer is
full. A task per send cost about a third of the fan-out's CPU and most of its garbage
(bench/fanout_bench.py, py-spy). Python 3.12's eager tasks do the same; this works on 3.11.
"""

import asyncio
import types
from collections.abc import Coroutine
from typing import Any


def start_eagerly(coro: Coroutine[Any, Any, Any]) -> asyncio.Task | None:
    """Run `coro` until it first waits. Returns None if it finished without waiting, else the
    task that carries it on from there."""
    try:
        waiting_on = coro.send(None)
    except StopIteration:
        return None
    task = asyncio.get_running_loop().create_task(_carry_on(coro, waiting_on))
    # A task cancelled before its first step never reaches `coro`: close it then, so its
    # `finally` blocks run (closing a finished coroutine does nothing).
    task.add_done_callback(lambda _: coro.close())
    return task


async def _carry_on(coro: Coroutine[Any, Any, Any], waiting_on: object) -> object:
    return await _resume(coro, waiting_on)


@types.coroutine
def _resume(coro: Coroutine[Any, Any, Any], waiting_on: object):
    """Drive `coro` on from where it yielded `waiting_on`, as `await coro` would have."""
    while True:
        try:
            result = yield waiting_on
        except BaseException as exc:  # e.g. the task's cancellation, passed on to coro
            try:
                waiting_on = coro.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                waiting_on = coro.send(result)
            except StopIteration as stop:
                return stop.value
