"""Random activity when not quiet: caller arrivals, device churn, outbound calls, inbound SMS.

Each process draws from its own stream, so one agent's churn never shifts another queue's
arrivals. Events carry the activity generation: switching quiet on and off again starts a
new generation and the old timers fire into nothing.
"""

from typing import TYPE_CHECKING

from sandbox.entities import Agent, Queue

if TYPE_CHECKING:
    from sandbox.model import Model

MEAN_ONLINE = 45 * 60.0
MEAN_OFFLINE = 10 * 60.0
MEAN_BETWEEN_OUTBOUND = 40 * 60.0
MEAN_BETWEEN_SMS = 20 * 60.0


def phone_number(rng_value: int) -> str:
    return f"+1555{rng_value:07d}"


class Activity:
    def __init__(self, model: "Model") -> None:
        self.model = model
        self.generation = 0

    def restart(self) -> None:
        self.generation += 1
        if self.model.quiet:
            return
        for account in self.model.accounts.values():
            for queue in account.queues.values():
                self._next_arrival(queue)
            for agent in account.agents.values():
                self._next_churn(agent)
                self._next_outbound(agent)
            self._next_sms(account.id)

    def _live(self, generation: int) -> bool:
        return generation == self.generation and not self.model.quiet

    # --- arrivals --------------------------------------------------------------------

    def _next_arrival(self, queue: Queue) -> None:
        if queue.arrivals_per_hour <= 0:
            return
        gap = self.model.rng(f"arrivals:{queue.pk}").expovariate(queue.arrivals_per_hour / 3600)
        self.model.schedule(
            self.model.now + gap, self._arrival, queue.account_id, queue.pk, self.generation
        )

    def _arrival(self, account_id: int, queue_id: int, generation: int) -> None:
        queue = self.model.accounts[account_id].queues.get(queue_id)
        if queue is None or not self._live(generation):
            return
        rng = self.model.rng(f"callers:{queue.pk}")
        number = phone_number(rng.randrange(10_000_000))
        patience = 15.0 + rng.expovariate(1 / 150)
        self.model.queues.arrive(queue, number, patience)
        self._next_arrival(queue)

    # --- agents ----------------------------------------------------------------------

    def _next_churn(self, agent: Agent) -> None:
        mean = MEAN_ONLINE if agent.registered else MEAN_OFFLINE
        gap = self.model.rng(f"churn:{agent.pk}").expovariate(1 / mean)
        self.model.schedule(
            self.model.now + gap, self._churn, agent.account_id, agent.pk, self.generation
        )

    def _churn(self, account_id: int, pk: int, generation: int) -> None:
        agent = self.model.accounts[account_id].agents.get(pk)
        if agent is None or not self._live(generation):
            return
        # Agents do not log off in the middle of a call; they try again later.
        if not agent.on_voice_call:
            self.model.set_registered(agent, not agent.registered)
        self._next_churn(agent)

    def _next_outbound(self, agent: Agent) -> None:
        gap = self.model.rng(f"outbound:{agent.pk}").expovariate(1 / MEAN_BETWEEN_OUTBOUND)
        self.model.schedule(
            self.model.now + gap, self._outbound, agent.account_id, agent.pk, self.generation
        )

    def _outbound(self, account_id: int, pk: int, generation: int) -> None:
        agent = self.model.accounts[account_id].agents.get(pk)
        if agent is None or not self._live(generation):
            return
        idle = agent.registered and not agent.on_voice_call and agent.ringing_call is None
        if idle and not agent.in_wrapup(self.model.now):
            rng = self.model.rng(f"outbound:{agent.pk}")
            to = phone_number(rng.randrange(10_000_000))
            self.model.start_call(
                agent, "outbound", agent.presence_id, to, duration=10.0 + rng.expovariate(1 / 120)
            )
        self._next_outbound(agent)

    # --- SMS -------------------------------------------------------------------------

    def _next_sms(self, account_id: int) -> None:
        gap = self.model.rng(f"sms-in:{account_id}").expovariate(1 / MEAN_BETWEEN_SMS)
        self.model.schedule(self.model.now + gap, self._sms, account_id, self.generation)

    def _sms(self, account_id: int, generation: int) -> None:
        if not self._live(generation):
            return
        account = self.model.accounts[account_id]
        owned = [(a, n) for a in account.agents.values() for n in a.numbers if n.sms_enabled]
        if owned:
            rng = self.model.rng(f"sms-in:{account_id}")
            agent, number = rng.choice(owned)
            sender = phone_number(rng.randrange(10_000_000))
            self.model.receive_sms(agent, sender, number.number, "Hi, please call me back")
        self._next_sms(account_id)

    # --- entities added by the control API ---------------------------------------------

    def agent_added(self, agent: Agent) -> None:
        if not self.model.quiet:
            self._next_churn(agent)
            self._next_outbound(agent)

    def queue_added(self, queue: Queue) -> None:
        if not self.model.quiet:
            self._next_arrival(queue)
