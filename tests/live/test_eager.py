import asyncio

import pytest

from live.eager import start_eagerly


async def test_a_coroutine_that_never_waits_runs_to_the_end_at_once_without_a_task():
    done = []

    async def quick() -> None:
        done.append(1)

    assert start_eagerly(quick()) is None
    assert done == [1]


async def test_a_coroutine_that_waits_goes_on_in_a_task_with_its_result():
    gate = asyncio.Event()
    steps = []

    async def slow() -> str:
        steps.append("before")
        await gate.wait()
        steps.append("after")
        await asyncio.sleep(0)
        return "sent"

    task = start_eagerly(slow())
    assert steps == ["before"]  # ran up to the first wait in the caller
    gate.set()
    assert await task == "sent"
    assert steps == ["before", "after"]


async def test_cancelling_the_task_cancels_the_coroutine_where_it_waits():
    cleaned = []

    async def slow() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.append(True)

    task = start_eagerly(slow())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]


async def test_an_exception_after_the_first_wait_reaches_the_task():
    async def failing() -> None:
        await asyncio.sleep(0)
        raise ValueError("socket gone")

    task = start_eagerly(failing())
    with pytest.raises(ValueError, match="socket gone"):
        await task
