"""Webhook delivery: every model event goes to the account's matching webhooks, in the
background, with retries. Request handling only enqueues; it never waits for a receiver."""

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from sandbox.model import ModelEvent

EVENT_TYPES = (
    "INCOMING_EXTERNAL_CALL",
    "CALL_ENDED",
    "USER_DIAL",
    "USER_ANSWER",
    "USER_HANGUP",
    "SMS_RECEIVED",
    "SMS_SENT",
    "SMS_DELIVERED",
    "QUEUE_NO_ANSWER",
    "QUEUE_HANGUP_TIMEOUT",
    "QUEUE_HANGUP_ABANDONED",
)
MAX_LOGGED_ATTEMPTS = 5000
MAX_PARALLEL_DELIVERIES = 20


class InvalidWebhook(ValueError):
    pass


@dataclass
class Webhook:
    id: int
    account_id: int
    name: str
    url: str
    event_type: str = "*"
    method: str = "POST"
    retries: int = 3

    def wants(self, event: ModelEvent) -> bool:
        return event.account_id == self.account_id and self.event_type in ("*", event.name)


def parse_webhook(data: object, webhook_id: int, account_id: int) -> Webhook:
    if not isinstance(data, dict):
        raise InvalidWebhook("the body is a JSON object")
    url = data.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise InvalidWebhook("url is an http(s) URL")
    event_type = data.get("event_type", "*")
    if event_type != "*" and event_type not in EVENT_TYPES:
        raise InvalidWebhook(f"event_type is * or one of {EVENT_TYPES}")
    method = str(data.get("method", "POST")).upper()
    if method not in ("GET", "POST"):
        raise InvalidWebhook("method is GET or POST")
    retries = data.get("retries", 3)
    if not isinstance(retries, int) or isinstance(retries, bool) or not 1 <= retries <= 5:
        raise InvalidWebhook("retries is an integer from 1 to 5")
    name = data.get("name") or f"webhook {webhook_id}"
    return Webhook(webhook_id, account_id, str(name), url, event_type, method, retries)


class WebhookDispatcher:
    def __init__(self, epoch_of: Callable[[float], float], backoff_seconds: float = 1.0) -> None:
        self.epoch_of = epoch_of  # simulated seconds -> Unix time, for payload timestamps
        self.backoff_seconds = backoff_seconds
        self.webhooks: dict[int, Webhook] = {}
        self.attempts: deque[dict[str, Any]] = deque(maxlen=MAX_LOGGED_ATTEMPTS)
        self._next_id = 1
        self._generation = 0
        self._pending: asyncio.Queue[tuple[int, Webhook, dict[str, Any]]] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, data: object, account_id: int) -> Webhook:
        webhook = parse_webhook(data, self._next_id, account_id)
        self._next_id += 1
        self.webhooks[webhook.id] = webhook
        return webhook

    def listing(self, account_id: int) -> list[dict[str, Any]]:
        return [asdict(w) for w in self.webhooks.values() if w.account_id == account_id]

    def clear(self) -> None:
        """Forget every webhook and attempt; deliveries still retrying give up."""
        self._generation += 1
        self.webhooks.clear()
        self.attempts.clear()

    def on_event(self, event: ModelEvent) -> None:
        for webhook in self.webhooks.values():
            if webhook.wants(event):
                payload = {
                    "event_name": event.name,
                    "account_id": str(event.account_id),
                    "timestamp": int(self.epoch_of(event.time)),
                    "metadata": event.metadata,
                }
                self._pending.put_nowait((self._generation, webhook, payload))

    async def run(self) -> None:
        """Starts one task per delivery, at most MAX_PARALLEL_DELIVERIES at a time."""
        limit = asyncio.Semaphore(MAX_PARALLEL_DELIVERIES)
        async with httpx.AsyncClient(timeout=5.0) as client:
            try:
                while True:
                    generation, webhook, payload = await self._pending.get()
                    task = asyncio.create_task(
                        self._deliver(client, limit, generation, webhook, payload)
                    )
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            finally:
                for task in list(self._tasks):
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _deliver(
        self,
        client: httpx.AsyncClient,
        limit: asyncio.Semaphore,
        generation: int,
        webhook: Webhook,
        payload: dict[str, Any],
    ) -> None:
        for attempt in range(1, webhook.retries + 2):
            if generation != self._generation:
                return
            async with limit:
                status, error = await self._send(client, webhook, payload)
            if generation != self._generation:
                return
            self.attempts.append(
                {
                    "webhook_id": webhook.id,
                    "webhook_name": webhook.name,
                    "url": webhook.url,
                    "method": webhook.method,
                    "event_name": payload["event_name"],
                    "attempt": attempt,
                    "status": status,
                    "error": error,
                    "ok": error is None,
                    "payload": payload,
                }
            )
            if error is None:
                return
            if attempt <= webhook.retries:
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))

    async def _send(
        self, client: httpx.AsyncClient, webhook: Webhook, payload: dict[str, Any]
    ) -> tuple[int | None, str | None]:
        try:
            if webhook.method == "GET":
                params = {**payload, "metadata": json.dumps(payload["metadata"])}
                response = await client.get(webhook.url, params=params)
            else:
                response = await client.post(webhook.url, json=payload)
        except httpx.HTTPError as error:
            return None, f"{type(error).__name__}: {error}"
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"
