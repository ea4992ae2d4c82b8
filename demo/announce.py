"""`python -m demo.announce`: once the stack answers, point the sandbox's webhooks at
the demo account's receiver and print where everything is.

It runs as one more process under honcho, which stops every process when one exits, so
after printing it waits quietly until honcho stops it.
"""

import os
import sys
import threading
import time

import httpx

from demo import names as demo

WEB_URL = "http://127.0.0.1:8000"


def _wait_until_up(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    return False


WEBHOOK_NAME = "Live Wallboard (make run)"


def receiver_url(web_url: str = WEB_URL) -> str:
    return f"{web_url}{demo.demo_webhook_path()}"


def register_webhook(sandbox_url: str, url: str) -> bool:
    """Have the sandbox send every event of the demo account to `url` (POST, 3 retries),
    unless a webhook with that URL is there already. Returns whether it added one."""
    base = f"{sandbox_url}/control/accounts/{demo.SANDBOX_ACCOUNT_ID}/webhooks"
    existing = httpx.get(base, timeout=5)
    existing.raise_for_status()
    if any(webhook.get("url") == url for webhook in existing.json()):
        return False
    spec = {"name": WEBHOOK_NAME, "url": url, "event_type": "*", "method": "POST", "retries": 3}
    httpx.post(base, json=spec, timeout=5).raise_for_status()
    return True


def _register_or_say_why(sandbox_url: str) -> list[str]:
    try:
        register_webhook(sandbox_url, receiver_url())
    except httpx.HTTPError as exc:
        return [f"  (The sandbox's webhook could not be set up: {type(exc).__name__}.)"]
    return []


def lines(sandbox_url: str, notes: list[str] | None = None) -> list[str]:
    return [
        "",
        "Voice360 Live Wallboard is up.",
        f"  Sandbox API:          {sandbox_url}/v3/voice  (account {demo.SANDBOX_ACCOUNT_ID})",
        f"  Sandbox developer key: {demo.sandbox_developer_key()}",
        f"  Sandbox user key:      {demo.sandbox_user_key()}",
        f"  Demo login:            {demo.DEMO_USERNAME} / {demo.demo_password()}",
        f"  TV board:              {WEB_URL}/tv/{demo.demo_kiosk_token()}/",
        f"  Supervisor board:      {WEB_URL}/boards/{demo.DEMO_BOARDS['supervisor']}/",
        f"  Public status board:   {WEB_URL}/status/{demo.DEMO_BOARDS['public']}/",
        f"  Composed TV board:     {WEB_URL}/tv/{demo.DEMO_COMPOSED_KIOSK_TOKEN}/",
        f"  Webhook receiver:      {receiver_url()}",
        *(notes or []),
        f"  Web app:               {WEB_URL}/",
        f"  Admin:                 {WEB_URL}/admin/",
        f"  Health:                {WEB_URL}/healthz",
        "Press Ctrl-C to stop everything.",
        "",
    ]


def main() -> int:
    sandbox_url = f"http://127.0.0.1:{os.environ.get('SANDBOX_PORT', '8001')}"
    deadline = time.monotonic() + 60
    up = _wait_until_up(f"{sandbox_url}/control/health", deadline) and _wait_until_up(
        f"{WEB_URL}/healthz", deadline
    )
    if not up:
        print("The sandbox or the web app did not answer within 60 s; see the logs above.")
    else:
        print("\n".join(lines(sandbox_url, _register_or_say_why(sandbox_url))), flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
