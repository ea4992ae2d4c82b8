"""Control API handlers that change the simulated world: agents, queues, calls, callers,
inbound SMS and webhooks."""

from typing import Any

from starlette.requests import Request

from sandbox import state_dump
from sandbox.control_input import BadInput, body_of, ids, non_negative, typed
from sandbox.entities import Account, Agent, Queue
from sandbox.model import UnknownEntity
from sandbox.runtime import Sandbox
from sandbox.scenarios import STRATEGIES, derived_key

YES_NO = ("yes", "no")

# --- agents ------------------------------------------------------------------------------

AGENT_TEXT = {"first_name": "first_name", "last_name": "last_name", "callerID": "caller_id"}


def apply_agent_fields(agent: Agent, body: dict[str, Any], sandbox: Sandbox) -> None:
    for field, attribute in AGENT_TEXT.items():
        value = typed(body, field, str)
        if value is not None:
            setattr(agent, attribute, value)
    answers = typed(body, "answers", str)
    if answers is not None:
        if answers not in ("random", "always", "never"):
            raise BadInput("answers is random, always or never")
        agent.answers = answers
    delay = non_negative(body, "answer_delay")
    if delay is not None:
        agent.answer_delay = float(delay)
    if "talk_seconds" in body:
        talk = non_negative(body, "talk_seconds")
        agent.talk_seconds = None if talk is None else float(talk)
    registered = typed(body, "registered", bool)
    if registered is not None:
        sandbox.model.set_registered(agent, registered)


async def add_agent(request: Request, sandbox: Sandbox) -> Any:
    (account_id,) = ids(request, "account")
    account = sandbox.model.account(account_id)
    body = await body_of(request)
    extension = typed(body, "presence_id", str)
    if not extension or account.agent_by_extension(extension) is not None:
        raise BadInput("presence_id is required and unique in the account")
    queue_ids = typed(body, "queues", list, [])
    if not all(isinstance(queue_id, int) for queue_id in queue_ids):
        raise BadInput("queues is a list of queue ids")
    queues = [sandbox.model.queue(account_id, queue_id) for queue_id in queue_ids]
    first, last = typed(body, "first_name", str, "New"), typed(body, "last_name", str, "Agent")
    pk = sandbox.model.next_agent_pk()
    agent = Agent(
        pk=pk,
        account_id=account_id,
        presence_id=extension,
        first_name=first,
        last_name=last,
        caller_id=f"{first} {last}",
        registered=False,
        user_key=f"usr{account_id}{derived_key(sandbox.model.seed, account_id, pk, 20)}",
        email=f"agent{pk}@example.com",
        asterisk_user_id=pk + 333,
    )
    account.agents[pk] = agent
    for queue in queues:
        queue.members.append(pk)
    sandbox.refresh_keys()
    apply_agent_fields(agent, {"registered": True, **body}, sandbox)
    sandbox.model.activity.agent_added(agent)
    return state_dump.agent(agent)


async def patch_agent(request: Request, sandbox: Sandbox) -> Any:
    account_id, pk = ids(request, "account", "pk")
    agent = sandbox.model.agent(account_id, pk)
    apply_agent_fields(agent, await body_of(request), sandbox)
    return state_dump.agent(agent)


# --- queues ------------------------------------------------------------------------------


def apply_queue_fields(queue: Queue, account: Account, body: dict[str, Any]) -> None:
    for name in ("queue_name", "extension", "musiconhold"):
        value = typed(body, name, str)
        if value is not None:
            setattr(queue, name, value)
    strategy = typed(body, "strategy", str)
    if strategy is not None:
        if strategy not in (*STRATEGIES, "roundrobin"):
            raise BadInput(f"strategy is one of {[*STRATEGIES, 'roundrobin']}")
        queue.strategy = strategy
    for name in ("timeout", "retry", "wrapuptime", "maxlen"):
        value = typed(body, name, int)
        if value is not None:
            if value < 0:
                raise BadInput(f"{name} must not be negative")
            setattr(queue, name, value)
    for name in ("joinempty", "leavewhenempty", "ringinuse"):
        value = typed(body, name, str)
        if value is not None:
            if value not in YES_NO:
                raise BadInput(f"{name} is yes or no")
            setattr(queue, name, value)
    for name in ("max_wait", "arrivals_per_hour"):
        value = non_negative(body, name)
        if value is not None:
            setattr(queue, name, float(value))
    members = typed(body, "members", list)
    if members is not None:
        if not all(isinstance(pk, int) and pk in account.agents for pk in members):
            raise BadInput("members are pks of agents of this account")
        queue.members = list(members)


async def add_queue(request: Request, sandbox: Sandbox) -> Any:
    (account_id,) = ids(request, "account")
    account = sandbox.model.account(account_id)
    body = await body_of(request)
    name, extension = typed(body, "queue_name", str), typed(body, "extension", str)
    if not name or not extension:
        raise BadInput("queue_name and extension are required")
    queue = Queue(
        pk=sandbox.model.next_queue_pk(),
        account_id=account_id,
        queue_name=name,
        extension=extension,
    )
    apply_queue_fields(queue, account, body)
    account.queues[queue.pk] = queue
    sandbox.model.activity.queue_added(queue)
    sandbox.model.queues.on_change(account_id)
    return state_dump.queue(queue)


async def patch_queue(request: Request, sandbox: Sandbox) -> Any:
    account_id, queue_id = ids(request, "account", "queue")
    queue = sandbox.model.queue(account_id, queue_id)
    apply_queue_fields(queue, sandbox.model.account(account_id), await body_of(request))
    sandbox.model.queues.on_change(account_id)
    return state_dump.queue(queue)


# --- calls, callers, SMS -----------------------------------------------------------------


def random_number(sandbox: Sandbox, purpose: str) -> str:
    return f"+1555{sandbox.model.rng(purpose).randrange(10_000_000):07d}"


async def start_call(request: Request, sandbox: Sandbox) -> Any:
    (account_id,) = ids(request, "account")
    body = await body_of(request)
    pk = typed(body, "pk", int)
    if pk is None:
        raise BadInput("pk is required")
    agent = sandbox.model.agent(account_id, pk)
    direction = typed(body, "direction", str, "inbound")
    if direction not in ("inbound", "outbound"):
        raise BadInput("direction is inbound or outbound")
    peer = typed(body, "peer", str) or random_number(sandbox, f"control-peer:{account_id}")
    queue_id = typed(body, "queue_id", int)
    if queue_id is not None:
        sandbox.model.queue(account_id, queue_id)
    duration = non_negative(body, "duration")
    ends = (peer, agent.presence_id) if direction == "inbound" else (agent.presence_id, peer)
    call = sandbox.model.start_call(agent, direction, *ends, duration, queue_id=queue_id)
    return state_dump.call(call)


async def end_call(request: Request, sandbox: Sandbox) -> Any:
    (account_id,) = ids(request, "account")
    call = sandbox.model.find_call(account_id, request.path_params["call_id"])
    sandbox.model.end_call(call)
    return {"ended": call.call_id}


async def add_caller(request: Request, sandbox: Sandbox) -> Any:
    account_id, queue_id = ids(request, "account", "queue")
    queue = sandbox.model.queue(account_id, queue_id)
    body = await body_of(request)
    number = typed(body, "from_number", str) or random_number(sandbox, f"control:{queue_id}")
    if "patience" in body:
        patience = non_negative(body, "patience")  # null: never gives up
    else:
        patience = 15.0 + sandbox.model.rng(f"control:{queue_id}").expovariate(1 / 150)
    caller = sandbox.model.queues.arrive(queue, number, patience)
    status = "rejected" if caller.state == "rejected" else "joined"
    return {"call_id": caller.call_id, "status": status, "state": caller.state}


async def inbound_sms(request: Request, sandbox: Sandbox) -> Any:
    (account_id,) = ids(request, "account")
    account = sandbox.model.account(account_id)
    body = await body_of(request)
    to = typed(body, "to_number", str)
    owned = account.number_owner(to or "")
    if owned is None:
        raise BadInput("to_number is a number of this account")
    sender = typed(body, "from_number", str) or random_number(sandbox, f"control:{account_id}")
    text = typed(body, "body", str, "Hello")
    message_id = sandbox.model.receive_sms(owned[0], sender, owned[1].number, text)
    return {"message_id": message_id}


# --- webhooks ----------------------------------------------------------------------------


async def list_webhooks(request: Request, sandbox: Sandbox) -> Any:
    (account_id,) = ids(request, "account")
    sandbox.model.account(account_id)
    return sandbox.webhooks.listing(account_id)


async def add_webhook(request: Request, sandbox: Sandbox) -> Any:
    (account_id,) = ids(request, "account")
    sandbox.model.account(account_id)
    webhook = sandbox.webhooks.add(await body_of(request), account_id)
    return {**webhook.__dict__}


async def delete_webhook(request: Request, sandbox: Sandbox) -> Any:
    account_id, webhook_id = ids(request, "account", "webhook_id")
    webhook = sandbox.webhooks.webhooks.get(webhook_id)
    if webhook is None or webhook.account_id != account_id:
        raise UnknownEntity(f"webhook {webhook_id}")
    del sandbox.webhooks.webhooks[webhook_id]
    return {"deleted": webhook_id}


async def deliveries(request: Request, sandbox: Sandbox) -> Any:
    return list(sandbox.webhooks.attempts)
