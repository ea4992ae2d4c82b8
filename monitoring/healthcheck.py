"""`python -m monitoring.healthcheck`: exit 0 while beat and a worker keep the heartbeat fresh.

Used as the container health check of beat: beat sends the heartbeat task every 5 s and a
worker writes its timestamp, so a fresh timestamp proves both run.
"""

import sys
import time

import django

MAX_AGE_SECONDS = 30


def main() -> int:
    django.setup()
    from monitoring.tasks import HEARTBEAT_KEY
    from wallboard.redis import get_redis

    beat = get_redis().get(HEARTBEAT_KEY)
    if beat is None or time.time() - float(beat) > MAX_AGE_SECONDS:
        print(f"no heartbeat in the last {MAX_AGE_SECONDS} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")
    sys.exit(main())
