"""The control API (`/control/...`): inspect and steer the sandbox from tests and demos.

Plain JSON in and out, no envelope, no authentication (bind to loopback). Bad input answers
400 `{"error": ...}`, unknown ids 404.
"""

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import state_dump
from sandbox.entities import Account, Agent, Queue
from sandbox.envelope import iso_timestamp
from sandbox.faults import FaultRule, InvalidRule
from sandbox.model import UnknownEntity
from sandbox.runtime import Sandbox
from sandbox.scenarios import STRATEGIES, derived_key
from sandbox.webhooks import InvalidWebhook

YES_NO = ("yes", "no")
MAX_ADVANCE_SECONDS = 7 * 24 * 3600


class BadInput(ValueError):
    pass


Handler = Callable[[Request, Sandbox], Awaitable[Any]]


def route(path: str, handler: Handler, method: str = "GET") -> Route:
    async def run(request: Request) -> Response:
        sandbox: Sandbox = request.app.state.sandbox
        sandbox.sync()
        try:
            result = await handler(request, sandbox)
        except (BadInput, InvalidRule, InvalidWebhook) as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except UnknownEntity as error:
            return JSONResponse({"error": f"unknown {error}"}, status_code=404)
        return JSONResponse(result)

    return Route(path, run, methods=[method])


# --- input helpers -----------------------------------------------------------------------


async def body_of(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadInput("the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadInput("the body must be a JSON object")
    return data


def typed(
    body: dict[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    default: Any = None,
) -> Any:
    value = body.get(name, default)
    if value is default:
        return value
    # bool is an int in Python; never let true pass as a number or a number as a flag.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise BadInput(f"{name} has the wrong type")
    if not isinstance(value, kind):
        raise BadInput(f"{name} has the wrong type")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput(f"{name} must be finite")
    return value


def non_negative(body: dict[str, Any], name: str, default: Any = None) -> Any:
    value = typed(body, name, (int, float), default)
    if value is not None and value < 0:
        raise BadInput(f"{name} must not be negative")
    return value


def ids(request: Request, *names: str) -> list[int]:
    try:
        return [int(request.path_params[name]) for name in names]
    except ValueError:
        raise BadInput("ids are numeric") from None


# --- clock, settings, reset --------------------------------------------------------------


async def health(request: Request, sandbox: Sandbox) -> Any:
    return {
        "ok": True,
        "time": iso_timestamp(sandbox.epoch()),
        "elapsed": sandbox.model.now,
        "scale": sandbox.clock.scale,
    }


async def reset(request: Request, sandbox: Sandbox) -> Any:
    body = await body_of(request)
    config = sandbox.config
    scenario = typed(body, "scenario", str, config.scenario)
    if scenario not in ("default", "large"):
        raise BadInput("scenario is default or large")
    seed = typed(body, "seed", int, config.seed)
    accounts = typed(body, "accounts", int, config.extra_accounts)
    if not 0 <= accounts <= 1000:
        raise BadInput("accounts is 0 to 1000")
    quiet = typed(body, "quiet", bool, config.quiet)
    sandbox.reset(scenario, seed, accounts, quiet)
    return {"ok": True, "scenario": scenario, "seed": seed, "accounts": accounts, "quiet": quiet}


def settings_view(sandbox: Sandbox) -> dict[str, Any]:
    return {
        "quiet": sandbox.model.quiet,
        "key_limit": sandbox.limits.key_limit,
        "ip_limit": sandbox.limits.ip_limit,
        "window_seconds": sandbox.limiter.window_seconds,
        "webhook_backoff_seconds": sandbox.webhooks.backoff_seconds,
    }


async def patch_settings(request: Request, sandbox: Sandbox) -> Any:
    body = await body_of(request)
    quiet = typed(body, "quiet", bool)
    key_limit, ip_limit = typed(body, "key_limit", int), typed(body, "ip_limit", int)
    window = non_negative(body, "window_seconds")
    backoff = non_negative(body, "webhook_backoff_seconds")
    if any(limit is not None and limit < 1 for limit in (key_limit, ip_limit)):
        raise BadInput("limits are at least 1")
    if window is not None and window <= 0:
        raise BadInput("window_seconds must be positive")
    if quiet is not None:
        sandbox.model.set_quiet(quiet)
    if key_limit is not None:
        sandbox.limits.key_limit = key_limit
    if ip_limit is not None:
        sandbox.limits.ip_limit = ip_limit
    if window is not None:
        sandbox.limiter.window_seconds = float(window)
    if backoff is not None:
        sandbox.webhooks.backoff_seconds = float(backoff)
    return settings_view(sandbox)


async def set_time_scale(request: Request, sandbox: Sandbox) -> Any:
    scale = non_negative(await body_of(request), "scale")
    if scale is None:
        raise BadInput("scale is required")
    sandbox.clock.set_scale(float(scale))
    return await health(request, sandbox)


async def advance_time(request: Request, sandbox: Sandbox) -> Any:
    seconds = non_negative(await body_of(request), "seconds")
    if seconds is None or seconds > MAX_ADVANCE_SECONDS:
        raise BadInput(f"seconds is required, 0 to {MAX_ADVANCE_SECONDS}")
    sandbox.clock.advance(float(seconds))
    sandbox.sync()
    return await health(request, sandbox)


# --- inspection --------------------------------------------------------------------------


async def accounts(request: Request, sandbox: Sandbox) -> Any:
    return [state_dump.account_keys(account) for account in sandbox.model.accounts.values()]


async def state(request: Request, sandbox: Sandbox) -> Any:
    return state_dump.state(sandbox.model)


async def requests_seen(request: Request, sandbox: Sandbox) -> Any:
    seen: dict[str, dict[str, Any]] = {"keys": {}, "ips": {}}
    for bucket, stats in sandbox.limiter.stats.items():
        group, name = ("ips", bucket[3:]) if bucket.startswith("ip:") else ("keys", bucket)
        seen[group][name] = {
            "requests": stats.requests,
            "max_in_window": stats.max_in_window,
            "rate_limited": stats.rate_limited,
        }
    return seen


async def clear_requests(request: Request, sandbox: Sandbox) -> Any:
    sandbox.limiter.clear()
    return {"ok": True}


# --- faults ------------------------------------------------------------------------------


async def get_faults(request: Request, sandbox: Sandbox) -> Any:
    return {"rules": sandbox.faults.as_json()}


async def put_faults(request: Request, sandbox: Sandbox) -> Any:
    rules = (await body_of(request)).get("rules")
    if not isinstance(rules, list):
        raise BadInput("rules is a list")
    sandbox.faults.rules = [FaultRule.parse(rule) for rule in rules]
    return await get_faults(request, sandbox)


async def add_fault(request: Request, sandbox: Sandbox) -> Any:
    sandbox.faults.rules.append(FaultRule.parse(await body_of(request)))
    return await get_faults(request, sandbox)


async def clear_faults(request: Request, sandbox: Sandbox) -> Any:
    sandbox.faults.rules.clear()
    return {"rules": []}


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
    queues = [sandbox.model.queue(account_id, int(queue_id)) for queue_id in queue_ids]
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


ACCOUNT = "/control/accounts/{account}"
routes = [
    route("/control/health", health),
    route("/control/accounts", accounts),
    route("/control/state", state),
    route("/control/reset", reset, "POST"),
    route("/control/settings", patch_settings, "PATCH"),
    route("/control/time", set_time_scale, "POST"),
    route("/control/time/advance", advance_time, "POST"),
    route("/control/faults", get_faults),
    route("/control/faults", put_faults, "PUT"),
    route("/control/faults", add_fault, "POST"),
    route("/control/faults", clear_faults, "DELETE"),
    route(f"{ACCOUNT}/agents", add_agent, "POST"),
    route(f"{ACCOUNT}/agents/{{pk}}", patch_agent, "PATCH"),
    route(f"{ACCOUNT}/queues", add_queue, "POST"),
    route(f"{ACCOUNT}/queues/{{queue}}", patch_queue, "PATCH"),
    route(f"{ACCOUNT}/calls", start_call, "POST"),
    route(f"{ACCOUNT}/calls/{{call_id}}", end_call, "DELETE"),
    route(f"{ACCOUNT}/queues/{{queue}}/callers", add_caller, "POST"),
    route(f"{ACCOUNT}/sms/inbound", inbound_sms, "POST"),
    route(f"{ACCOUNT}/webhooks", list_webhooks),
    route(f"{ACCOUNT}/webhooks", add_webhook, "POST"),
    route(f"{ACCOUNT}/webhooks/{{webhook_id}}", delete_webhook, "DELETE"),
    route("/control/webhooks/deliveries", deliveries),
    route("/control/requests", requests_seen),
    route("/control/requests", clear_requests, "DELETE"),
]
