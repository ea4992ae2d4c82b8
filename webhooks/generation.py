"""Each account's event generation: bumped after every stored event is committed.

    wb:events:gen:<account>   an integer, no expiry

Whoever keeps something worked out from the stored events (the service tally,
service/ledger.py) compares it with the generation it last saw: unchanged means no event
arrived since, so there is nothing to read. Redis losing it is harmless: a missing
generation reads as "0", which no longer matches, and the readers look again.
"""

from wallboard.redis import get_redis


def generation_key(account_id: int) -> str:
    return f"wb:events:gen:{account_id}"


def bump(account_id: int) -> None:
    get_redis().incr(generation_key(account_id))
