"""The control API (`/control/...`): inspect and steer the sandbox from tests and demos.

Plain JSON in and out, no envelope, no authentication (bind to loopback). Bad input answers
400 `{"error": ...}`, unknown ids 404.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import state_dump
from sandbox.control_input import BadInput, body_of, non_negative, typed
from sandbox.control_world import (
    add_agent,
    add_caller,
    add_queue,
    add_webhook,
    delete_webhook,
    deliveries,
    end_call,
    inbound_sms,
    list_webhooks,
    patch_agent,
    patch_queue,
    start_call,
)
from sandbox.envelope import iso_timestamp
from sandbox.faults import FaultRule, InvalidRule
from sandbox.model import UnknownEntity
from sandbox.runtime import Sandbox
from sandbox.webhooks import InvalidWebhook

MAX_ADVANCE_SECONDS = 7 * 24 * 3600


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
