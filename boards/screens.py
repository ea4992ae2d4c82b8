"""Which TV screens are connected right now: web processes keep a short-lived key per screen
(live/presence.py renews them), the admin reads them here."""

from wallboard.redis import get_redis

# A TV counts as connected while its key lives; web processes renew it well within this.
SCREEN_TTL_SECONDS = 30


def screen_key(token_id: int) -> str:
    return f"wb:screen:{token_id}"


def connected_since(token_ids: list[int]) -> dict[int, float | None]:
    """Per kiosk token: when a web process last confirmed its screen connected, or None."""
    if not token_ids:
        return {}
    values = get_redis().mget([screen_key(i) for i in token_ids])
    return {i: float(v) if v else None for i, v in zip(token_ids, values, strict=True)}
