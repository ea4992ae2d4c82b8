"""Since when each agent has been in its status (available, on call, online, offline).

Worked out poll by poll on top of the stored snapshot, so it survives a worker restart (the
snapshot lives in Redis): kept while the status stays the same, else the moment of this
poll; a call's start for an agent now on a call (`call_seconds` says exactly when it began).
With webhooks a call's events bring an early poll within a fraction of a second, so the
poll's moment is close to the event's. An agent seen for the first time in another status
has no known start yet (None): the page shows nothing rather than a wrong time.
"""

from snapshots.models import AgentState, Snapshot


def _since(agent: AgentState, before: AgentState | None, now: float) -> float | None:
    if before is not None and before.status == agent.status:
        return before.state_since
    if agent.status == "on_call" and agent.calls:
        return min(call.started_at for call in agent.calls)
    return now if before is not None else None


def carry_state_since(old: Snapshot | None, new: Snapshot, now: float) -> Snapshot:
    old_agents = {a.id: a for a in old.agents} if old else {}
    agents = [
        agent.model_copy(update={"state_since": _since(agent, old_agents.get(agent.id), now)})
        for agent in new.agents
    ]
    return new.model_copy(update={"agents": agents})
