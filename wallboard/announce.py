"""`python -m wallboard.announce`: once the stack answers, print where everything is.

It runs as one more process under honcho, which stops every process when one exits, so
after printing it waits quietly until honcho stops it.
"""

import os
import sys
import threading
import time

import httpx

from wallboard import demo

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


def lines(sandbox_url: str) -> list[str]:
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
        print("\n".join(lines(sandbox_url)), flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
