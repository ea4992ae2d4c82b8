"""Who is calling: a developer key, a user key, no key (public mode) or an unknown key."""

from dataclasses import dataclass

from sandbox.entities import Account


@dataclass(frozen=True)
class Principal:
    account_id: int
    kind: str  # "developer" or "user"
    agent_pk: int | None = None

    @property
    def bucket(self) -> str:
        """The rate-limit bucket, shared by every key of this kind in the account."""
        return f"{self.account_id}:{self.kind}"


def key_index(accounts: list[Account]) -> dict[str, Principal]:
    index: dict[str, Principal] = {}
    for account in accounts:
        index[account.developer_key] = Principal(account.id, "developer")
        for agent in account.agents.values():
            index[agent.user_key] = Principal(account.id, "user", agent.pk)
    return index
