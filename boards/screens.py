"""Which TV screens are connected right now (web processes keep a short-lived key each)."""

from live.broadcaster import screen_key
from wallboard.redis import get_redis


def connected_since(token_ids: list[int]) -> dict[int, float | None]:
    """Per kiosk token: when a web process last confirmed its screen connected, or None."""
    if not token_ids:
        return {}
    values = get_redis().mget([screen_key(i) for i in token_ids])
    return {i: float(v) if v else None for i, v in zip(token_ids, values, strict=True)}
