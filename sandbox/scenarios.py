"""The starting call centres: `default` (the API doc's account 61) and `large` (benchmarks).

Everything here is derived from the seed, so the same seed builds the same accounts and keys.
"""

import hashlib
import random
from dataclasses import dataclass

from sandbox.entities import Account, Agent, Number, Queue

DEMO_ACCOUNT = 61
DEMO_DEVELOPER_KEY = "v360_dev_sandbox_61_demo_key_0000000001"
DEMO_USER_KEY = "usr61sandboxdemokey0000000001"
STRATEGIES = ["ringall", "fewestcalls", "random", "leastrecent", "rrmemory", "linear"]
FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Iris",
    "Jamal",
    "Kira",
    "Liam",
    "Maya",
    "Nils",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
]
LAST_NAMES = [
    "Adams",
    "Bauer",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jones",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Novak",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
]


@dataclass(frozen=True)
class Keys:
    """The two demo keys, overridable from the environment (SANDBOX_DEVELOPER_KEY/USER_KEY)."""

    developer: str = DEMO_DEVELOPER_KEY
    user: str = DEMO_USER_KEY


def derived_key(seed: int, *parts: object, length: int = 24) -> str:
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).hexdigest()
    return digest[:length]


class _Builder:
    """Hands out globally unique agent and queue pks while accounts are being built."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"{seed}:scenario")
        self.next_agent_pk = 123
        self.next_queue_pk = 100134
        self.next_number_pk = 789

    def account(self, account_id: int, name: str, keys: Keys) -> Account:
        dev_key = (
            keys.developer
            if account_id == DEMO_ACCOUNT
            else f"v360_dev_sandbox_{account_id}_{derived_key(self.seed, account_id)}"
        )
        return Account(id=account_id, name=name, developer_key=dev_key)

    def agent(
        self,
        account: Account,
        extension: str,
        first: str,
        last: str,
        registered: bool,
        user_key: str | None = None,
    ) -> Agent:
        pk = self.next_agent_pk
        self.next_agent_pk += 1
        agent = Agent(
            pk=pk,
            account_id=account.id,
            presence_id=extension,
            first_name=first,
            last_name=last,
            caller_id=f"{first} {last}",
            registered=registered,
            user_key=user_key or f"usr{account.id}{derived_key(self.seed, account.id, pk, 20)}",
            email=f"{first}.{last}@example.com".lower(),
            asterisk_user_id=pk + 333,
        )
        account.agents[pk] = agent
        return agent

    def random_agent(self, account: Account, extension: str) -> Agent:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        return self.agent(account, extension, first, last, self.rng.random() < 0.75)

    def number(self, agent: Agent, number: str, name: str, mms: bool = False) -> None:
        agent.numbers.append(Number(self.next_number_pk, number, name, True, mms))
        self.next_number_pk += 1

    def queue(
        self, account: Account, name: str, extension: str, members: list[int], **config: object
    ) -> Queue:
        queue = Queue(
            pk=self.next_queue_pk,
            account_id=account.id,
            queue_name=name,
            extension=extension,
            members=members,
            **config,
        )  # type: ignore[arg-type]
        self.next_queue_pk += 1
        account.queues[queue.pk] = queue
        return queue


def build(
    scenario: str,
    seed: int,
    extra_accounts: int = 0,
    keys: Keys | None = None,
) -> list[Account]:
    keys = keys or Keys()
    builder = _Builder(seed)
    if scenario == "default":
        accounts = [_demo_account(builder, keys)]
    elif scenario == "large":
        accounts = _large_accounts(builder, keys)
    else:
        raise ValueError(f"unknown scenario {scenario!r} (default or large)")
    for index in range(extra_accounts):
        accounts.append(_small_account(builder, keys, 1001 + index))
    return accounts


def _demo_account(builder: _Builder, keys: Keys, size: int = 6) -> Account:
    """The API doc's account: John Smith (pk 123, ext 1001) and the Sales/Support queues."""
    account = builder.account(DEMO_ACCOUNT, "Voice360 Demo Co", keys)
    john = builder.agent(account, "1001", "John", "Smith", True, keys.user)
    john.email = "john.smith@company.com"
    builder.number(john, "+15551234567", "Main Business Line", mms=True)
    builder.number(john, "+15559876543", "Support Line")
    others = [
        ("Maria", "Garcia", True),
        ("Wei", "Chen", True),
        ("Aisha", "Okafor", False),
        ("Tom", "Becker", True),
        ("Lena", "Novak", False),
    ]
    for index, (first, last, registered) in enumerate(others[: size - 1]):
        agent = builder.agent(account, str(1002 + index), first, last, registered)
        builder.number(agent, f"+1555200{1002 + index:04d}", f"{first}'s line")
    pks = list(account.agents)
    builder.queue(
        account,
        "Sales Queue",
        "8001",
        [pks[0], pks[1], pks[2], pks[4]],
        strategy="ringall",
        timeout=20,
        arrivals_per_hour=40,
    )
    builder.queue(
        account,
        "Support Queue",
        "8002",
        [pks[0], pks[2], pks[3], pks[5]],
        strategy="fewestcalls",
        timeout=30,
        arrivals_per_hour=30,
    )
    return account


def _large_accounts(builder: _Builder, keys: Keys) -> list[Account]:
    demo = _demo_account(builder, keys)
    _grow(builder, demo, agents=300, queues=20)
    others = []
    for account_id in (62, 63):
        account = builder.account(account_id, f"Large Co {account_id}", keys)
        _grow(builder, account, agents=60, queues=6)
        others.append(account)
    return [demo, *others]


def _small_account(builder: _Builder, keys: Keys, account_id: int) -> Account:
    account = builder.account(account_id, f"Small Co {account_id}", keys)
    _grow(builder, account, agents=4, queues=1)
    return account


def _grow(builder: _Builder, account: Account, agents: int, queues: int) -> None:
    """Adds random agents and queues until the account has `agents` and `queues` of them."""
    while len(account.agents) < agents:
        builder.random_agent(account, str(1001 + len(account.agents)))
    pks = list(account.agents)
    while len(account.queues) < queues:
        index = len(account.queues)
        size = min(len(pks), builder.rng.randint(8, 30))
        members = sorted(builder.rng.sample(pks, size))
        builder.queue(
            account,
            f"Queue {index + 1}",
            str(8001 + index),
            members,
            strategy=STRATEGIES[index % len(STRATEGIES)],
            timeout=builder.rng.choice([15, 20, 30]),
            arrivals_per_hour=builder.rng.uniform(10, 60),
        )
