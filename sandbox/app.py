"""The sandbox's ASGI app: the API, the control API, the model ticker and webhook delivery."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from sandbox import api, control
from sandbox.runtime import Config, Sandbox

logger = logging.getLogger("sandbox")
MIN_TICK_SECONDS = 0.05
MAX_TICK_SECONDS = 1.0


async def tick(sandbox: Sandbox) -> None:
    """Keeps the model current between requests, sleeping until the next event is due.

    Requests bring the model up to date themselves; the ticker only makes webhooks fire on
    time when nobody asks. It sleeps longer when nothing is due, so an idle sandbox is idle.
    """
    while True:
        try:
            sandbox.sync()
        except Exception:
            # The failing event is already off the heap: log it and keep the clock running.
            logger.exception("model event failed")
        pause = MAX_TICK_SECONDS
        due = sandbox.model.next_event_time()
        scale = sandbox.clock.scale
        if due is not None and scale > 0:
            pause = (due - sandbox.clock.elapsed()) / scale
        await asyncio.sleep(min(MAX_TICK_SECONDS, max(MIN_TICK_SECONDS, pause)))


def create_app(config: Config) -> Starlette:
    sandbox = Sandbox(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(tick(sandbox)), asyncio.create_task(sandbox.webhooks.run())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    app = Starlette(routes=[*control.routes, *api.routes], lifespan=lifespan)
    app.state.sandbox = sandbox
    return app
