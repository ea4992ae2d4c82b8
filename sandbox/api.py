"""The Voice360 REST API v3 routes (`/v3/voice/...`), with auth, rate limits and faults.

Order of checks for every request: rate limit (by key, or by source IP without one), fault
rules, then: numeric account id (400), known key (403), known account (404), key of that
account (403), key kind allowed here (401 without key, 403 with the wrong kind), and only
then the endpoint's own ids and body (400/404).
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import faults, presenters
from sandbox.api_input import parse_id, require_phone, require_string
from sandbox.auth import Principal
from sandbox.entities import Account, Agent, Queue
from sandbox.envelope import ApiError, error_body, iso_timestamp, success_body
from sandbox.runtime import Sandbox

logger = logging.getLogger("sandbox")
ALTERING_FAULTS = ("truncated", "wrong_types", "huge")


@dataclass(frozen=True)
class Access:
    public: bool = False  # answers without a key, with reduced fields
    developer: bool = True
    user: bool = False


@dataclass
class Context:
    sandbox: Sandbox
    request: Request
    account: Account
    principal: Principal | None
    key: str | None

    @property
    def public(self) -> bool:
        return self.principal is None

    @property
    def now(self) -> float:
        return self.sandbox.model.now

    def queue(self) -> Queue:
        queue_id = parse_id(self.request.path_params["queue"], "queue id")
        queue = self.account.queues.get(queue_id)
        if queue is None:
            raise ApiError(404, f"Queue {queue_id} not found")
        return queue

    def user(self) -> Agent:
        assert self.principal is not None and self.principal.agent_pk is not None
        return self.account.agents[self.principal.agent_pk]

    async def body(self) -> dict[str, Any]:
        try:
            data = json.loads(await self.request.body())
        except ValueError:
            raise ApiError(400, "The body is not valid JSON") from None
        if not isinstance(data, dict):
            raise ApiError(400, "The body must be a JSON object")
        return data


Handler = Callable[[Context], Awaitable[tuple[Any, str]]]


# --- the pipeline ------------------------------------------------------------------------


def endpoint(handler: Handler, access: Access) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        sandbox: Sandbox = request.app.state.sandbox
        sandbox.sync()
        key = request.headers.get("x-api-key") or None
        principal = sandbox.keys.get(key) if key else None
        if key and principal is None:
            bucket, limit = "invalid", sandbox.limits.key_limit
        elif principal is not None:
            bucket, limit = principal.bucket, sandbox.limits.key_limit
        else:
            host = request.client.host if request.client else "unknown"
            bucket, limit = f"ip:{host}", sandbox.limits.ip_limit
        decision = sandbox.limiter.hit(bucket, limit)
        if decision.allowed:
            response = await _answer(request, sandbox, handler, access, key, principal)
        else:
            message = f"Rate limit of {limit} requests per window exceeded"
            response = JSONResponse(error_body(429, sandbox.epoch(), message), status_code=429)
            response.headers["Retry-After"] = str(decision.retry_after)
        response.headers["X-RateLimit-Limit"] = str(decision.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
        return response

    return run


async def _answer(
    request: Request,
    sandbox: Sandbox,
    handler: Handler,
    access: Access,
    key: str | None,
    principal: Principal | None,
) -> Response:
    segment = request.path_params.get("account")
    rules = sandbox.faults.hits(request.url.path, segment)
    delay_ms = sum(rule.ms for rule in rules if rule.kind == "latency")
    if delay_ms:
        await asyncio.sleep(delay_ms / 1000)
        sandbox.sync()
    for rule in rules:
        replaced = faults.replacement(rule, sandbox.epoch())
        if replaced is not None:
            return replaced
    try:
        context = _context(request, sandbox, access, key, principal)
        result, message = await handler(context)
    except ApiError as error:
        return error.response(sandbox.epoch())
    except Exception:
        # A sandbox bug still answers in the documented shape, and is logged to stderr.
        logger.exception("unexpected error answering %s", request.url.path)
        return ApiError(500).response(sandbox.epoch())
    body = success_body(result, message, sandbox.epoch())
    altering = next((rule for rule in rules if rule.kind in ALTERING_FAULTS), None)
    if altering is not None:
        return faults.alter(altering, body, 200)
    return JSONResponse(body)


def _context(
    request: Request, sandbox: Sandbox, access: Access, key: str | None, principal: Principal | None
) -> Context:
    if "account" not in request.path_params:
        raise ApiError(404, f"No endpoint {request.method} {request.url.path}")
    account_id = parse_id(request.path_params["account"], "account id")
    if key and principal is None:
        raise ApiError(403, "Invalid API key provided", key=key)
    account = sandbox.model.accounts.get(account_id)
    if account is None:
        raise ApiError(404, f"Account {account_id} not found")
    if principal is not None and principal.account_id != account_id:
        raise ApiError(403, "This API key belongs to another account", key=key)
    if principal is None and not access.public:
        raise ApiError(
            401, "This endpoint needs an API key in the X-API-Key header", with_details=True
        )
    if principal is not None and principal.kind == "developer" and not access.developer:
        raise ApiError(403, "This endpoint needs a user API key", key=key)
    if principal is not None and principal.kind == "user" and not access.user:
        raise ApiError(403, "A user API key only reaches /user/* and /sms/send", key=key)
    return Context(sandbox, request, account, principal, key)


# --- the endpoints -----------------------------------------------------------------------


async def availability(ctx: Context) -> tuple[Any, str]:
    return presenters.availability(ctx.account, ctx.now, ctx.public), "User availability data"


async def queues(ctx: Context) -> tuple[Any, str]:
    present = presenters.queue_basic if ctx.public else presenters.queue_config
    return [present(queue) for queue in ctx.account.queues.values()], "List of queues"


async def queue_detail(ctx: Context) -> tuple[Any, str]:
    return presenters.queue_detail(ctx.account, ctx.queue()), "Queue details"


async def queues_availability(ctx: Context) -> tuple[Any, str]:
    engine = ctx.sandbox.model.queues
    result = [
        presenters.queue_availability(engine, queue, ctx.public)
        for queue in ctx.account.queues.values()
    ]
    return result, "Queue availability data"


async def queue_availability(ctx: Context) -> tuple[Any, str]:
    result = presenters.queue_availability(ctx.sandbox.model.queues, ctx.queue(), ctx.public)
    return result, "Queue availability data"


async def outbound_call(ctx: Context) -> tuple[Any, str]:
    body = await ctx.body()
    extension = require_string(body, "from")
    to = require_phone(body, "to")
    if "caller_id" in body and not isinstance(body["caller_id"], str | None):
        raise ApiError(400, "'caller_id' must be a string")
    if "recording" in body and not isinstance(body["recording"], bool):
        raise ApiError(400, "'recording' must be a boolean")
    agent = ctx.account.agent_by_extension(extension)
    if agent is None:
        raise ApiError(400, f"'from' {extension} is not an extension of this account")
    model = ctx.sandbox.model
    duration = model.rng(f"outbound-api:{ctx.account.id}").uniform(30.0, 300.0)
    call = model.start_call(agent, "outbound", agent.presence_id, to, duration)
    result = {
        "call_id": call.call_id,
        "status": "initiating",
        "from": extension,
        "to": to,
        "timestamp": iso_timestamp(ctx.sandbox.epoch()),
    }
    return result, "Call initiated successfully"


async def send_sms(ctx: Context) -> tuple[Any, str]:
    body = await ctx.body()
    sender = require_string(body, "from")
    to = require_phone(body, "to")
    message = body.get("message")
    if not isinstance(message, str) or not 1 <= len(message) <= 160:
        raise ApiError(400, "'message' is a string of 1 to 160 characters")
    owned = ctx.account.number_owner(sender)
    if owned is None or not owned[1].sms_enabled:
        raise ApiError(400, f"'from' {sender} is not an SMS-enabled number of this account")
    owner, _ = owned
    if (
        ctx.principal is not None
        and ctx.principal.kind == "user"
        and (ctx.principal.agent_pk != owner.pk)
    ):
        raise ApiError(403, "A user API key only sends from its own numbers", key=ctx.key)
    message_id = ctx.sandbox.model.send_sms(owner, sender, to, message)
    result = {
        "message_id": message_id,
        "status": "sent",
        "from": sender,
        "to": to,
        "timestamp": iso_timestamp(ctx.sandbox.epoch()),
    }
    return result, "SMS sent successfully"


async def user_profile(ctx: Context) -> tuple[Any, str]:
    return presenters.profile(ctx.user()), "User profile details"


async def user_numbers(ctx: Context) -> tuple[Any, str]:
    numbers = [presenters.number(owned) for owned in ctx.user().numbers]
    return numbers, "List of phone numbers assigned to user"


async def not_found(ctx: Context) -> tuple[Any, str]:
    raise ApiError(404)  # never reached: _context already answered 404


DEVELOPER = Access()
DEVELOPER_OR_PUBLIC = Access(public=True)
USER_ONLY = Access(developer=False, user=True)
ANY_KEY = Access(user=True)
PREFIX = "/v3/voice/{account}"
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

routes = [
    Route(f"{PREFIX}/availability", endpoint(availability, DEVELOPER_OR_PUBLIC)),
    Route(f"{PREFIX}/queues", endpoint(queues, DEVELOPER_OR_PUBLIC)),
    Route(f"{PREFIX}/queues/{{queue}}", endpoint(queue_detail, DEVELOPER)),
    Route(f"{PREFIX}/availability/queues", endpoint(queues_availability, DEVELOPER_OR_PUBLIC)),
    Route(
        f"{PREFIX}/availability/queues/{{queue}}", endpoint(queue_availability, DEVELOPER_OR_PUBLIC)
    ),
    Route(f"{PREFIX}/call/outbound", endpoint(outbound_call, DEVELOPER), methods=["POST"]),
    Route(f"{PREFIX}/sms/send", endpoint(send_sms, ANY_KEY), methods=["POST"]),
    Route(f"{PREFIX}/user/profile", endpoint(user_profile, USER_ONLY)),
    Route(f"{PREFIX}/user/numbers", endpoint(user_numbers, USER_ONLY)),
    # Anything else under /v3 answers the documented 404 envelope (wrong methods included).
    Route("/v3/{rest:path}", endpoint(not_found, ANY_KEY), methods=ALL_METHODS),
]
