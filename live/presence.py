"""Which TV screens this web process serves, kept in Redis for the admin ("connected").

Each screen's key (boards/screens.py) lives `SCREEN_TTL_SECONDS`; this process renews the
keys of its screens every `RENEW_SECONDS` and drops a screen's key when its last socket here
closes.
"""

import contextlib
import logging
import time
from collections import Counter

from boards.screens import SCREEN_TTL_SECONDS, screen_key

logger = logging.getLogger(__name__)

RENEW_SECONDS = 10.0


class Presence:
    def __init__(self, client) -> None:
        self.client = client
        self.screens: Counter[int] = Counter()  # kiosk token id -> its local viewers
        self._renewed = 0.0

    def add(self, token_id: int) -> None:
        self.screens[token_id] += 1

    async def remove(self, token_id: int) -> None:
        """One socket of the screen closed; its key goes with the last one of this process."""
        self.screens[token_id] -= 1
        if self.screens[token_id] > 0:
            return
        del self.screens[token_id]
        with contextlib.suppress(Exception):
            await self.client.delete(screen_key(token_id))

    async def mark(self, token_ids: set[int] | None = None) -> None:
        """Note that these TVs (default: every TV of this process) are connected now."""
        ids = set(self.screens) if token_ids is None else token_ids
        if not ids:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for token_id in ids:
                pipe.set(screen_key(token_id), f"{time.time():.0f}", ex=SCREEN_TTL_SECONDS)
            await pipe.execute()

    async def renew_if_due(self) -> None:
        if time.monotonic() - self._renewed < RENEW_SECONDS:
            return
        self._renewed = time.monotonic()
        try:
            await self.mark()
        except Exception:
            logger.warning("cannot renew screen presence in Redis", exc_info=True)
