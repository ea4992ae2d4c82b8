"""Each endpoint against the real sandbox: demo data, public mode, keys, rate-limit headers."""

from datetime import datetime

import pytest

from tests.client.demo import DEVELOPER_KEY, USER_KEY
from tests.sandbox_process import RunningSandbox
from voice360.client import Voice360Client
from voice360.errors import AuthInvalid, AuthRequired, NotFound
from voice360.models import Agent, QueueMember

SALES, SUPPORT = 100134, 100135


def john(agents: list[Agent]) -> Agent:
    return next(agent for agent in agents if agent.presence_id == "1001")


def assert_answered_just_now(server_time: datetime | None, elapsed: float) -> None:
    assert server_time is not None
    assert server_time.tzinfo is not None
    assert 0 < elapsed < 5


async def test_availability_returns_john_smith_with_his_channels(client: Voice360Client):
    fetched = await client.availability(61, DEVELOPER_KEY)

    agent = john(fetched.data)
    assert (agent.pk, agent.caller_id, agent.first_name, agent.last_name) == (
        123,
        "John Smith",
        "John",
        "Smith",
    )
    assert all(agent.channels is not None for agent in fetched.data)
    assert_answered_just_now(fetched.server_time, fetched.elapsed_seconds)


async def test_availability_shows_a_call_started_on_john(
    sandbox: RunningSandbox, client: Voice360Client
):
    sandbox.control("PATCH", "/accounts/61/agents/123", {"registered": True})
    sandbox.control(
        "POST", "/accounts/61/calls", {"pk": 123, "direction": "inbound", "peer": "5550100"}
    )

    fetched = await client.availability(61, DEVELOPER_KEY)

    calls = john(fetched.data).channels
    assert calls and calls[0].direction == "inbound"
    assert calls[0].from_ == "5550100"  # an inbound call's caller
    assert calls[0].call_seconds <= 5  # it started just now


async def test_queues_lists_sales_and_support(client: Voice360Client):
    fetched = await client.queues(61, DEVELOPER_KEY)

    by_pk = {queue.pk: queue for queue in fetched.data}
    assert by_pk[SALES].queue_name == "Sales Queue"
    assert (by_pk[SALES].extension, by_pk[SALES].strategy) == ("8001", "ringall")
    assert by_pk[SUPPORT].queue_name == "Support Queue"
    assert (by_pk[SUPPORT].extension, by_pk[SUPPORT].strategy) == ("8002", "fewestcalls")
    assert_answered_just_now(fetched.server_time, fetched.elapsed_seconds)


async def test_queue_returns_its_configuration_and_members(client: Voice360Client):
    fetched = await client.queue(61, SALES, DEVELOPER_KEY)

    assert (fetched.data.pk, fetched.data.name, fetched.data.queue_name) == (
        SALES,
        "100134",
        "Sales Queue",
    )
    assert fetched.data.timeout is not None
    assert all(isinstance(member, QueueMember) for member in fetched.data.assigned_users)


async def test_queue_availability_counts_agents_of_every_queue(client: Voice360Client):
    fetched = await client.queue_availability(61, DEVELOPER_KEY)

    by_pk = {queue.pk: queue for queue in fetched.data}
    assert {SALES, SUPPORT} <= set(by_pk)
    for queue in fetched.data:
        assert queue.active_calls is not None
        assert queue.agents_available == queue.agents_online - queue.agents_on_call
        assert queue.is_ready == (queue.agents_online > 0)


async def test_queue_availability_detail_counts_one_queue(client: Voice360Client):
    fetched = await client.queue_availability_detail(61, SUPPORT, DEVELOPER_KEY)

    assert (fetched.data.pk, fetched.data.queue_name) == (SUPPORT, "Support Queue")
    assert fetched.data.active_calls is not None


async def test_public_availability_leaves_out_channels(client: Voice360Client):
    fetched = await client.availability(61, None)

    assert john(fetched.data).caller_id == "John Smith"
    assert all(agent.channels is None for agent in fetched.data)


async def test_public_queue_availability_leaves_out_active_calls(client: Voice360Client):
    every = await client.queue_availability(61, None)
    one = await client.queue_availability_detail(61, SALES, None)

    assert {queue.pk for queue in every.data} >= {SALES, SUPPORT}
    assert all(queue.active_calls is None for queue in every.data)
    assert (one.data.pk, one.data.active_calls) == (SALES, None)


async def test_public_queues_carry_only_the_basic_info(client: Voice360Client):
    fetched = await client.queues(61, None)

    sales = next(queue for queue in fetched.data if queue.pk == SALES)
    assert (sales.queue_name, sales.extension) == ("Sales Queue", "8001")
    assert sales.strategy is None


async def test_public_queue_detail_requires_auth(client: Voice360Client):
    with pytest.raises(AuthRequired) as caught:
        await client.queue(61, SALES, None)

    assert (caught.value.status, caught.value.error_code) == (401, "AUTH_REQUIRED")


async def test_a_user_key_cannot_read_availability(client: Voice360Client):
    with pytest.raises(AuthInvalid) as caught:
        await client.availability(61, USER_KEY)

    assert caught.value.status == 403
    assert USER_KEY not in str(caught.value)


async def test_a_wrong_key_is_rejected(client: Voice360Client):
    wrong = "v360_dev_not_a_real_key_000000000000"

    with pytest.raises(AuthInvalid) as caught:
        await client.queues(61, wrong)

    assert wrong not in str(caught.value)


async def test_a_key_of_another_account_is_rejected(sandbox: RunningSandbox):
    sandbox.reset(accounts=1)
    other_key = developer_key_of(sandbox, 1001)

    async with Voice360Client(sandbox.base_url, timeout=5.0) as client:
        assert (await client.queues(1001, other_key)).data is not None
        with pytest.raises(AuthInvalid):
            await client.queues(61, other_key)


@pytest.mark.parametrize("method", ["queue", "queue_availability_detail"])
async def test_an_unknown_queue_is_not_found(client: Voice360Client, method: str):
    with pytest.raises(NotFound) as caught:
        await getattr(client, method)(61, 999_999, DEVELOPER_KEY)

    assert caught.value.status == 404


async def test_an_unknown_account_is_not_found_in_public_mode(client: Voice360Client):
    with pytest.raises(NotFound):
        await client.availability(999_999, None)


async def test_every_answer_exposes_the_rate_limit_headers(client: Voice360Client):
    first = await client.queues(61, DEVELOPER_KEY)
    second = await client.queues(61, DEVELOPER_KEY)
    public = await client.queues(61, None)

    assert first.rate_limit.limit == 1000
    assert first.rate_limit.remaining is not None
    assert second.rate_limit.remaining == first.rate_limit.remaining - 1
    assert public.rate_limit.limit == 100


def developer_key_of(sandbox: RunningSandbox, account_id: int) -> str:
    """Whatever shape /control/accounts has, the developer key listed with that account."""
    accounts = sandbox.control("GET", "/accounts").json()
    if isinstance(accounts, dict):
        accounts = accounts.get("accounts", list(accounts.values()))
    for account in accounts:
        if account.get("id") == account_id or account.get("account_id") == account_id:
            return next(value for value in strings_in(account) if value.startswith("v360_dev_"))
    raise AssertionError(f"account {account_id} not in /control/accounts")


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []
