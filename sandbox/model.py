"""The discrete-event call-centre simulation: a heap of timed events on simulated time.

Randomness comes from one `random.Random` stream per entity and purpose (seeded from the
model seed and a name), and events are ordered by (time, insertion order). So the history
only depends on the seed and on what the API and control API did, never on when requests
happened to bring the model up to date.
"""

import heapq
import random
import secrets
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.entities import Account, Agent, Call, Queue


@dataclass(frozen=True)
class ModelEvent:
    """Something a webhook reports: name, account, simulated time and metadata."""

    account_id: int
    name: str
    time: float
    metadata: dict[str, Any]


RECENT_EVENTS = 200


class UnknownEntity(LookupError):
    pass


class Model:
    def __init__(self, accounts: list[Account], seed: int, quiet: bool) -> None:
        # Imported here because both engines take the model in their constructor.
        from sandbox.activity import Activity
        from sandbox.queueing import QueueEngine

        self.accounts = {account.id: account for account in accounts}
        self.seed = seed
        self.now = 0.0
        self.callers: dict[str, Any] = {}
        self.event_counts: Counter[str] = Counter()
        self.listeners: list[Callable[[ModelEvent], None]] = []
        self.recent: deque[ModelEvent] = deque(maxlen=RECENT_EVENTS)  # for /control/state
        self._heap: list[tuple[float, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0
        self._ids = 0
        # Call and message ids must be unique across restarts and resets, as the real
        # service's are: the one thing the seed does not decide.
        self.run = secrets.randbits(32)
        self._rngs: dict[str, random.Random] = {}
        self.queues = QueueEngine(self)
        self.activity = Activity(self)
        self.quiet = True
        self.set_quiet(quiet)

    # --- time and events -------------------------------------------------------------

    def rng(self, name: str) -> random.Random:
        """The random stream of one entity and purpose, e.g. "talk:123"."""
        stream = self._rngs.get(name)
        if stream is None:
            stream = self._rngs[name] = random.Random(f"{self.seed}:{name}")
        return stream

    def schedule(self, at: float, handler: Callable[..., None], *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (max(at, self.now), self._seq, handler, args))

    def next_event_time(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def advance_to(self, until: float) -> None:
        while self._heap and self._heap[0][0] <= until:
            at, _, handler, args = heapq.heappop(self._heap)
            self.now = max(self.now, at)
            handler(*args)
        self.now = max(self.now, until)

    def emit(self, account_id: int, name: str, **metadata: Any) -> None:
        self.event_counts[name] += 1
        event = ModelEvent(account_id, name, self.now, metadata)
        self.recent.append(event)
        for listener in self.listeners:
            listener(event)

    def _emit_dict(self, account_id: int, name: str, metadata: dict[str, Any]) -> None:
        self.emit(account_id, name, **metadata)

    def new_id(self, prefix: str, account_id: int) -> str:
        self._ids += 1
        suffix = self.rng("ids").getrandbits(24)
        return f"{prefix}{self._ids:05d}-{account_id}-{self.run:08x}{suffix:06x}"

    def set_quiet(self, quiet: bool) -> None:
        if quiet != self.quiet:
            self.quiet = quiet
            self.activity.restart()

    # --- lookups ---------------------------------------------------------------------

    def account(self, account_id: int) -> Account:
        try:
            return self.accounts[account_id]
        except KeyError:
            raise UnknownEntity(f"account {account_id}") from None

    def agent(self, account_id: int, pk: int) -> Agent:
        try:
            return self.account(account_id).agents[pk]
        except KeyError:
            raise UnknownEntity(f"agent {pk}") from None

    def queue(self, account_id: int, queue_id: int) -> Queue:
        try:
            return self.account(account_id).queues[queue_id]
        except KeyError:
            raise UnknownEntity(f"queue {queue_id}") from None

    def find_call(self, account_id: int, call_id: str) -> Call:
        for agent in self.account(account_id).agents.values():
            if call_id in agent.channels:
                return agent.channels[call_id]
        raise UnknownEntity(f"call {call_id}")

    def next_agent_pk(self) -> int:
        return 1 + max((pk for a in self.accounts.values() for pk in a.agents), default=122)

    def next_queue_pk(self) -> int:
        return 1 + max((pk for a in self.accounts.values() for pk in a.queues), default=100133)

    # --- agents and calls ------------------------------------------------------------

    def set_registered(self, agent: Agent, registered: bool) -> None:
        if agent.registered == registered:
            return
        agent.registered = registered
        if not registered:
            self.queues.stop_ringing(agent)
        self.queues.on_change(agent.account_id)

    def start_call(
        self,
        agent: Agent,
        direction: str,
        from_number: str,
        to_number: str,
        duration: float | None,
        queue_id: int | None = None,
        call_id: str | None = None,
    ) -> Call:
        call = Call(
            call_id=call_id or self.new_id("c", agent.account_id),
            account_id=agent.account_id,
            agent_pk=agent.pk,
            direction=direction,
            from_number=from_number,
            to_number=to_number,
            started_at=self.now,
            queue_id=queue_id,
            ends_at=None if duration is None else self.now + duration,
        )
        agent.channels[call.call_id] = call
        if call.ends_at is not None:
            self.schedule(call.ends_at, self._call_timer, agent.account_id, call.call_id)
        if direction == "outbound":
            self.emit(
                agent.account_id,
                "USER_DIAL",
                call_id=call.call_id,
                user_id=agent.pk,
                extension=agent.presence_id,
                from_number=from_number,
                to_number=to_number,
            )
        elif direction == "inbound":
            self.queues.on_connected(call)
            self.emit(
                agent.account_id,
                "USER_ANSWER",
                call_id=call.call_id,
                user_id=agent.pk,
                extension=agent.presence_id,
                direction="inbound",
                from_number=from_number,
                to_number=to_number,
                queue_id=queue_id,
            )
        if call.is_voice:
            self.queues.on_change(agent.account_id)
        return call

    def _call_timer(self, account_id: int, call_id: str) -> None:
        try:
            call = self.find_call(account_id, call_id)
        except UnknownEntity:
            return  # ended earlier by the control API
        self.end_call(call)

    def end_call(self, call: Call) -> None:
        agent = self.agent(call.account_id, call.agent_pk)
        agent.channels.pop(call.call_id, None)
        if not call.is_voice:
            return
        duration = int(self.now - call.started_at)
        if call.direction == "outbound":
            self.emit(
                call.account_id,
                "USER_HANGUP",
                call_id=call.call_id,
                user_id=agent.pk,
                extension=agent.presence_id,
                to_number=call.to_number,
                duration=duration,
            )
        self.emit(
            call.account_id,
            "CALL_ENDED",
            call_id=call.call_id,
            direction=call.direction,
            from_number=call.from_number,
            to_number=call.to_number,
            duration=duration,
            queue_id=call.queue_id,
            user_id=agent.pk,
            reason="completed",
        )
        self.queues.on_call_ended(agent, call)
        self.queues.on_change(call.account_id)

    # --- SMS -------------------------------------------------------------------------

    def send_sms(self, agent: Agent, from_number: str, to_number: str, body: str) -> str:
        message_id = self.new_id("msg_", agent.account_id)
        self.emit(
            agent.account_id,
            "SMS_SENT",
            message_id=message_id,
            from_number=from_number,
            to_number=to_number,
            body=body,
        )
        self.start_call(agent, "sms", from_number, to_number, duration=5.0, call_id=message_id)
        delay = self.rng(f"sms:{agent.account_id}").uniform(1.0, 4.0)
        self.schedule(
            self.now + delay,
            self._emit_dict,
            agent.account_id,
            "SMS_DELIVERED",
            {
                "message_id": message_id,
                "from_number": from_number,
                "to_number": to_number,
                "status": "delivered",
            },
        )
        return message_id

    def receive_sms(self, agent: Agent, from_number: str, to_number: str, body: str) -> str:
        message_id = self.new_id("msg_", agent.account_id)
        self.emit(
            agent.account_id,
            "SMS_RECEIVED",
            message_id=message_id,
            from_number=from_number,
            to_number=to_number,
            body=body,
        )
        self.start_call(agent, "sms", from_number, to_number, duration=5.0, call_id=message_id)
        return message_id
