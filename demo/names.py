"""The demo that `make run` sets up: one place for its names (seed_demo and announce)."""

import os

SANDBOX_ACCOUNT_ID = 61
SANDBOX_ACCOUNT_NAME = "Voice360 Sandbox"
SANDBOX_DEFAULT_DEVELOPER_KEY = "v360_dev_sandbox_61_demo_key_0000000001"
SANDBOX_DEFAULT_USER_KEY = "usr61sandboxdemokey0000000001"
DEMO_USERNAME = "admin"
# Development only: seed_demo refuses to run with DEBUG off.
DEMO_DEFAULT_PASSWORD = "wallboard-demo"  # noqa: S105


def sandbox_developer_key() -> str:
    return os.environ.get("SANDBOX_DEVELOPER_KEY") or SANDBOX_DEFAULT_DEVELOPER_KEY


def sandbox_user_key() -> str:
    return os.environ.get("SANDBOX_USER_KEY") or SANDBOX_DEFAULT_USER_KEY


def demo_password() -> str:
    return os.environ.get("DEMO_ADMIN_PASSWORD") or DEMO_DEFAULT_PASSWORD


# The demo TV's kiosk token. Real tokens are random and shown once; the demo's must be known
# so that `make run` can print the TV's URL.
DEMO_DEFAULT_KIOSK_TOKEN = "demo-floor-tv-kiosk-token-for-development-only"  # noqa: S105


def demo_kiosk_token() -> str:
    return os.environ.get("DEMO_KIOSK_TOKEN") or DEMO_DEFAULT_KIOSK_TOKEN


# The composed demo board's TV (its tiles show on TVs; supervisors keep their own page).
DEMO_COMPOSED_KIOSK_TOKEN = "demo-composed-tv-kiosk-token-for-development-only"  # noqa: S105


# The demo account's webhook token (the receiver's URL is /webhooks/voice360/<token>/). Real
# tokens are random; the demo's is known so that `make run` can point the sandbox at it.
DEMO_DEFAULT_WEBHOOK_TOKEN = "demo-webhook-token-for-development-only"  # noqa: S105


def demo_webhook_token() -> str:
    return os.environ.get("DEMO_WEBHOOK_TOKEN") or DEMO_DEFAULT_WEBHOOK_TOKEN


def demo_webhook_path() -> str:
    return f"/webhooks/voice360/{demo_webhook_token()}/"


DEMO_BOARDS = {
    "tv": "floor-tv",
    "supervisor": "supervisor",
    "public": "support-status",
    "composed": "composed",  # a layout of tiles, light theme (demo/boards.yaml)
}
