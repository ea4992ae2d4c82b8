"""The admin's "test connection": what a key can do, told in plain words.

Outcomes: a developer key of this account (works), a user key (refused: it cannot read
availability), the key of another account, a wrong key, no key (public mode only), and an
API that cannot be reached. A user key is told apart by a 403 on /availability while
/user/profile answers 200 with the same key.
"""

from dataclasses import dataclass
from enum import StrEnum

from voice360.errors import AuthInvalid, AuthRequired, TransportError, Voice360Error
from wallboard import runtime


class Outcome(StrEnum):
    DEVELOPER_KEY = "developer_key"
    USER_KEY = "user_key"
    OTHER_ACCOUNT_KEY = "other_account_key"
    WRONG_KEY = "wrong_key"
    NO_KEY = "no_key"
    UNREACHABLE = "unreachable"
    API_ERROR = "api_error"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    message: str

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.DEVELOPER_KEY, Outcome.NO_KEY)


async def _user_profile_works(account_id: int, api_key: str) -> bool:
    # The wallboard's client has no /user/* methods (a wallboard never needs them): one raw
    # GET on the same connection pool answers "is this a user key?".
    try:
        status = await runtime.get_client().status(f"/{account_id}/user/profile", api_key)
    except Voice360Error:
        return False
    return status == 200


async def _works_for(account_id: int, api_key: str) -> bool:
    try:
        await runtime.get_client().availability(account_id, api_key)
    except Voice360Error:
        return False
    return True


async def _check(account_id: int, api_key: str | None, other_ids: list[int]) -> Verdict:
    client = runtime.get_client()
    try:
        fetched = await client.availability(account_id, api_key)
    except TransportError as exc:
        return Verdict(Outcome.UNREACHABLE, f"The Voice360 API cannot be reached: {exc.message}")
    except (AuthInvalid, AuthRequired) as exc:
        if api_key is None:
            return Verdict(Outcome.API_ERROR, f"Public access was refused: {exc.message}")
        return await _refused(account_id, api_key, exc, other_ids)
    except Voice360Error as exc:
        return Verdict(Outcome.API_ERROR, f"The API answered with an error: {exc.message}")
    if api_key is None:
        return Verdict(
            Outcome.NO_KEY,
            f"No key: public mode works ({len(fetched.data)} agents), with limited data "
            "(no calls, no queue members).",
        )
    return Verdict(
        Outcome.DEVELOPER_KEY,
        f"Valid developer key: it reads this account's availability ({len(fetched.data)} agents).",
    )


async def _refused(
    account_id: int, api_key: str, exc: Voice360Error, other_ids: list[int]
) -> Verdict:
    if await _user_profile_works(account_id, api_key):
        return Verdict(
            Outcome.USER_KEY,
            "This is a user API key: it only reaches one person's /user/* data and cannot "
            "read availability or queues. Use a developer key (v360_dev_...).",
        )
    for other in other_ids:
        if await _works_for(other, api_key):
            return Verdict(
                Outcome.OTHER_ACCOUNT_KEY,
                f"This key belongs to another account ({other}), not to account {account_id}.",
            )
    if "another account" in exc.message.lower():
        return Verdict(
            Outcome.OTHER_ACCOUNT_KEY,
            f"This key belongs to another Voice360 account, not to account {account_id}.",
        )
    return Verdict(
        Outcome.WRONG_KEY,
        "Wrong key: Voice360 does not know it. Check for a typo or a revoked key.",
    )


def check_connection(account_id: int, api_key: str | None, other_ids: list[int]) -> Verdict:
    """Run the check on this process's event loop (sync callers: the admin, commands)."""
    return runtime.run(_check(account_id, api_key, other_ids))
