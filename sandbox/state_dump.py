"""The control API's views of the model: everything, in plain JSON, for tests and demos.

Only simulated times appear here (never wall-clock ones), so two sandboxes with the same seed
and the same simulated history dump identical states.
"""

import math
from typing import Any

from sandbox.entities import Account, Agent, Call, Caller, Queue
from sandbox.model import Model
from sandbox.presenters import queue_config


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def call(call: Call) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "agent_pk": call.agent_pk,
        "direction": call.direction,
        "from": call.from_number,
        "to": call.to_number,
        "started_at": call.started_at,
        "ends_at": call.ends_at,
        "queue_id": call.queue_id,
    }


def agent(agent: Agent) -> dict[str, Any]:
    return {
        "pk": agent.pk,
        "presence_id": agent.presence_id,
        "first_name": agent.first_name,
        "last_name": agent.last_name,
        "callerID": agent.caller_id,
        "registered": agent.registered,
        "ringing_call": agent.ringing_call,
        "wrapup_until": finite(agent.wrapup_until),
        "answers": agent.answers,
        "answer_delay": agent.answer_delay,
        "talk_seconds": agent.talk_seconds,
        "channels": [call(c) for c in agent.channels.values()],
    }


def caller(caller: Caller) -> dict[str, Any]:
    return {
        "call_id": caller.call_id,
        "from_number": caller.from_number,
        "joined_at": caller.joined_at,
        "patience": caller.patience,
        "state": caller.state,
        "ringing": list(caller.ringing),
        "round": caller.round,
    }


def queue(queue: Queue) -> dict[str, Any]:
    return {
        **queue_config(queue),
        "members": list(queue.members),
        "max_wait": queue.max_wait,
        "arrivals_per_hour": queue.arrivals_per_hour,
        "waiting": [caller(c) for c in queue.waiting],
        "connected": sorted(queue.connected),
        "member_calls": {str(pk): n for pk, n in sorted(queue.member_calls.items())},
        "member_last_end": {str(pk): t for pk, t in sorted(queue.member_last_end.items())},
    }


def state(model: Model) -> dict[str, Any]:
    return {
        "time": model.now,
        "quiet": model.quiet,
        "event_counts": dict(sorted(model.event_counts.items())),
        "events": [
            {"name": e.name, "account_id": e.account_id, "time": e.time, "metadata": e.metadata}
            for e in model.recent
        ],
        "accounts": [
            {
                "id": account.id,
                "name": account.name,
                "agents": [agent(a) for a in account.agents.values()],
                "queues": [queue(q) for q in account.queues.values()],
                "calls": [call(c) for a in account.agents.values() for c in a.channels.values()],
            }
            for account in model.accounts.values()
        ],
    }


def account_keys(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "developer_key": account.developer_key,
        "user_keys": [
            {"pk": a.pk, "presence_id": a.presence_id, "name": a.caller_id, "key": a.user_key}
            for a in account.agents.values()
        ],
    }
