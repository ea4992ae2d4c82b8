"""The API's result objects, built from the model. `public` drops what needs a key."""

from typing import Any

from sandbox.entities import Account, Agent, Number, Queue
from sandbox.queueing import QueueEngine

QUEUE_CONFIG = (
    "strategy",
    "musiconhold",
    "timeout",
    "retry",
    "wrapuptime",
    "maxlen",
    "joinempty",
    "leavewhenempty",
    "ringinuse",
)


def agent_availability(agent: Agent, now: float, public: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "pk": agent.pk,
        "presence_id": agent.presence_id,
        "callerID": agent.caller_id,
        "first_name": agent.first_name,
        "last_name": agent.last_name,
        "devices_registered": agent.registered,
    }
    if not public:
        result["channels"] = [
            {
                "to": call.to_number,
                "from": call.from_number,
                "call_seconds": max(0, int(now - call.started_at)),
                "direction": call.direction,
            }
            for call in agent.channels.values()
        ]
    return result


def availability(account: Account, now: float, public: bool) -> list[dict[str, Any]]:
    return [agent_availability(agent, now, public) for agent in account.agents.values()]


def queue_basic(queue: Queue) -> dict[str, Any]:
    return {
        "pk": queue.pk,
        "name": str(queue.pk),
        "queue_name": queue.queue_name,
        "extension": queue.extension,
    }


def queue_config(queue: Queue) -> dict[str, Any]:
    return {**queue_basic(queue), **{name: getattr(queue, name) for name in QUEUE_CONFIG}}


def queue_detail(account: Account, queue: Queue) -> dict[str, Any]:
    members = [account.agents[pk] for pk in queue.members if pk in account.agents]
    return {
        **queue_config(queue),
        "assigned_users": [
            {
                "pk": a.pk,
                "presence_id": a.presence_id,
                "callerID": a.caller_id,
                "first_name": a.first_name,
                "last_name": a.last_name,
            }
            for a in members
        ],
    }


def queue_availability(engine: QueueEngine, queue: Queue, public: bool) -> dict[str, Any]:
    online = engine.online(queue)
    on_call = sum(1 for agent in online if agent.on_voice_call)
    result = {
        **queue_basic(queue),
        "is_ready": bool(online),
        "agents_online": len(online),
        "agents_available": len(online) - on_call,
        "agents_on_call": on_call,
    }
    if not public:
        result["active_calls"] = len(queue.waiting) + len(queue.connected)
    return result


def profile(agent: Agent) -> dict[str, Any]:
    return {
        "pk": agent.pk,
        "asterisk_user_id": agent.asterisk_user_id,
        "presence_id": agent.presence_id,
        "callerID": agent.caller_id,
        "first_name": agent.first_name,
        "last_name": agent.last_name,
        "email": agent.email,
        "voicemail_enabled": agent.voicemail_enabled,
        "forward_enabled": agent.forward_enabled,
        "forward_number": agent.forward_number,
        "time_zone": agent.time_zone,
    }


def number(owned: Number) -> dict[str, Any]:
    return {
        "pk": owned.pk,
        "number": owned.number,
        "friendly_name": owned.friendly_name,
        "sms_enabled": owned.sms_enabled,
        "mms_enabled": owned.mms_enabled,
    }
