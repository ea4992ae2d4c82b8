"""Inbound callers in queues: joining, ringing members by strategy, answers, retries, leaving.

Asterisk-like rules: a member is eligible when registered, out of wrap-up, not already
ringing and, with ringinuse=no, not on a voice call. Each round rings the members the
strategy picks for `timeout` seconds; an unanswered round is followed by `retry` seconds of
waiting. Callers leave on patience (abandoned), on the queue's max wait (timeout), or when
leavewhenempty=yes and no member is online.
"""

from typing import TYPE_CHECKING

from sandbox.entities import NEVER, Agent, Call, Caller, Queue

if TYPE_CHECKING:
    from sandbox.model import Model


class QueueEngine:
    def __init__(self, model: "Model") -> None:
        self.model = model

    # --- who can be rung -------------------------------------------------------------

    def members(self, queue: Queue) -> list[Agent]:
        agents = self.model.accounts[queue.account_id].agents
        return [agents[pk] for pk in queue.members if pk in agents]

    def online(self, queue: Queue) -> list[Agent]:
        return [agent for agent in self.members(queue) if agent.registered]

    def eligible(self, queue: Queue) -> list[Agent]:
        now = self.model.now
        return [
            agent
            for agent in self.online(queue)
            if not agent.in_wrapup(now)
            and agent.ringing_call is None
            and (queue.ringinuse == "yes" or not agent.on_voice_call)
        ]

    def pick(self, queue: Queue, eligible: list[Agent]) -> list[Agent]:
        """The members one ringing round rings, by the queue's strategy."""
        strategy = queue.strategy
        if strategy == "ringall":
            return eligible
        if strategy == "fewestcalls":
            return [min(eligible, key=lambda a: queue.member_calls.get(a.pk, 0))]
        if strategy == "leastrecent":
            return [min(eligible, key=lambda a: queue.member_last_end.get(a.pk, NEVER))]
        if strategy == "random":
            return [self.model.rng(f"strategy:{queue.pk}").choice(eligible)]
        if strategy in ("rrmemory", "roundrobin"):
            return [self._next_round_robin(queue, eligible)]
        return [eligible[0]]  # linear: always the first eligible member in member order

    def _next_round_robin(self, queue: Queue, eligible: list[Agent]) -> Agent:
        order = queue.members
        start = order.index(queue.rr_last) + 1 if queue.rr_last in order else 0
        by_pk = {agent.pk: agent for agent in eligible}
        for offset in range(len(order)):
            pk = order[(start + offset) % len(order)]
            if pk in by_pk:
                queue.rr_last = pk
                return by_pk[pk]
        return eligible[0]

    # --- callers ---------------------------------------------------------------------

    def arrive(self, queue: Queue, from_number: str, patience: float | None) -> Caller:
        """A caller dials the queue; returns it (state "rejected" if it could not join)."""
        model = self.model
        caller = Caller(
            call_id=model.new_id("c", queue.account_id),
            account_id=queue.account_id,
            queue_id=queue.pk,
            from_number=from_number,
            to_number=queue.extension,
            joined_at=model.now,
            patience=patience,
        )
        model.emit(
            queue.account_id,
            "INCOMING_EXTERNAL_CALL",
            call_id=caller.call_id,
            from_number=from_number,
            to_number=queue.extension,
            queue_id=queue.pk,
            queue_name=queue.queue_name,
        )
        full = queue.maxlen > 0 and len(queue.waiting) >= queue.maxlen
        empty = not self.online(queue)
        if full or (queue.joinempty == "no" and empty):
            caller.state = "rejected"
            self._ended(caller, "rejected")
            return caller
        queue.waiting.append(caller)
        model.callers[caller.call_id] = caller
        if patience is not None:
            model.schedule(model.now + patience, self._leave, caller.call_id, "abandoned")
        if queue.max_wait > 0:
            model.schedule(model.now + queue.max_wait, self._leave, caller.call_id, "timeout")
        self.on_change(queue.account_id)
        return caller

    def _ring(self, caller: Caller, queue: Queue, agents: list[Agent]) -> None:
        model = self.model
        caller.state = "ringing"
        caller.round += 1
        caller.ringing = [agent.pk for agent in agents]
        for agent in agents:
            agent.ringing_call = caller.call_id
            delay = self._answer_delay(agent)
            if delay is not None and delay < queue.timeout:
                model.schedule(
                    model.now + delay, self._answer, caller.call_id, caller.round, agent.pk
                )
        model.schedule(model.now + queue.timeout, self._no_answer, caller.call_id, caller.round)

    def _answer_delay(self, agent: Agent) -> float | None:
        if agent.answers == "never":
            return None
        if agent.answers == "always":
            return agent.answer_delay
        rng = self.model.rng(f"answer:{agent.pk}")
        return rng.uniform(2.0, 15.0) if rng.random() < 0.85 else None

    def _answer(self, call_id: str, round_: int, agent_pk: int) -> None:
        caller = self.model.callers.get(call_id)
        if caller is None or caller.state != "ringing" or caller.round != round_:
            return
        if agent_pk not in caller.ringing:
            return  # stopped ringing (unregistered) before answering
        model = self.model
        agent = model.agent(caller.account_id, agent_pk)
        self._remove(caller)
        talk = agent.talk_seconds
        if talk is None:
            talk = 20.0 + model.rng(f"talk:{agent.pk}").expovariate(1 / 180)
        model.start_call(
            agent,
            "inbound",
            caller.from_number,
            agent.presence_id,
            talk,
            queue_id=caller.queue_id,
            call_id=caller.call_id,
        )

    def _no_answer(self, call_id: str, round_: int) -> None:
        caller = self.model.callers.get(call_id)
        if caller is None or caller.state != "ringing" or caller.round != round_:
            return
        model = self.model
        queue = model.queue(caller.account_id, caller.queue_id)
        self._unring(caller)
        caller.state = "retry"
        model.emit(
            caller.account_id,
            "QUEUE_NO_ANSWER",
            call_id=caller.call_id,
            queue_id=queue.pk,
            queue_name=queue.queue_name,
            from_number=caller.from_number,
            wait_seconds=self._waited(caller),
        )
        model.schedule(model.now + queue.retry, self._retry, call_id, round_)
        self.on_change(caller.account_id)

    def _retry(self, call_id: str, round_: int) -> None:
        caller = self.model.callers.get(call_id)
        if caller is not None and caller.state == "retry" and caller.round == round_:
            caller.state = "waiting"
            self.on_change(caller.account_id)

    def _leave(self, call_id: str, reason: str) -> None:
        """The caller gives up (patience: "abandoned") or the queue's max wait ran out."""
        caller = self.model.callers.get(call_id)
        if caller is None:
            return
        queue = self.model.queue(caller.account_id, caller.queue_id)
        self._remove(caller)
        event = "QUEUE_HANGUP_ABANDONED" if reason == "abandoned" else "QUEUE_HANGUP_TIMEOUT"
        self.model.emit(
            caller.account_id,
            event,
            call_id=caller.call_id,
            queue_id=queue.pk,
            queue_name=queue.queue_name,
            from_number=caller.from_number,
            wait_seconds=self._waited(caller),
        )
        self._ended(caller, reason)
        self.on_change(caller.account_id)

    def _eject_all(self, queue: Queue) -> None:
        """leavewhenempty=yes and nobody online: every waiting caller is sent away."""
        for caller in list(queue.waiting):
            self._remove(caller)
            self._ended(caller, "rejected")

    def _ended(self, caller: Caller, reason: str) -> None:
        self.model.emit(
            caller.account_id,
            "CALL_ENDED",
            call_id=caller.call_id,
            direction="inbound",
            from_number=caller.from_number,
            to_number=caller.to_number,
            duration=self._waited(caller),
            queue_id=caller.queue_id,
            user_id=None,
            reason=reason,
        )

    def _waited(self, caller: Caller) -> int:
        return int(self.model.now - caller.joined_at)

    def _remove(self, caller: Caller) -> None:
        self._unring(caller)
        queue = self.model.queue(caller.account_id, caller.queue_id)
        if caller in queue.waiting:
            queue.waiting.remove(caller)
        self.model.callers.pop(caller.call_id, None)
        caller.state = "gone"

    def _unring(self, caller: Caller) -> None:
        agents = self.model.accounts[caller.account_id].agents
        for pk in caller.ringing:
            agent = agents.get(pk)
            if agent is not None and agent.ringing_call == caller.call_id:
                agent.ringing_call = None
        caller.ringing = []

    def stop_ringing(self, agent: Agent) -> None:
        caller = self.model.callers.get(agent.ringing_call or "")
        if caller is not None and agent.pk in caller.ringing:
            caller.ringing.remove(agent.pk)
        agent.ringing_call = None

    # --- reacting to changes ---------------------------------------------------------

    def on_connected(self, call: Call) -> None:
        if call.queue_id is None:
            return
        queue = self.model.accounts[call.account_id].queues.get(call.queue_id)
        if queue is not None:
            queue.connected.add(call.call_id)
            queue.member_calls[call.agent_pk] = queue.member_calls.get(call.agent_pk, 0) + 1

    def on_call_ended(self, agent: Agent, call: Call) -> None:
        queue = self.model.accounts[call.account_id].queues.get(call.queue_id or -1)
        if queue is None:
            return
        queue.connected.discard(call.call_id)
        queue.member_last_end[agent.pk] = self.model.now
        if queue.wrapuptime > 0:
            agent.wrapup_until = self.model.now + queue.wrapuptime
            self.model.schedule(agent.wrapup_until, self.on_change, agent.account_id)

    def on_change(self, account_id: int) -> None:
        """Something changed in the account: empty queues let go, free members get rung."""
        account = self.model.accounts.get(account_id)
        if account is None:
            return
        for queue in account.queues.values():
            if queue.leavewhenempty == "yes" and queue.waiting and not self.online(queue):
                self._eject_all(queue)
            for caller in list(queue.waiting):
                if caller.state != "waiting":
                    continue
                eligible = self.eligible(queue)
                if not eligible:
                    break
                self._ring(caller, queue, self.pick(queue, eligible))
