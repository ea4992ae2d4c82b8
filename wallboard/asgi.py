"""ASGI entry point: HTTP goes to Django, websockets through origin and auth checks."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from boards.public_fast import PublicFastPath  # noqa: E402
from live.origin import SameOriginValidator  # noqa: E402
from live.routing import websocket_urlpatterns  # noqa: E402
from wallboard.body_limit import BodyLimit  # noqa: E402

public_fast_path = PublicFastPath(django_asgi_app)
application = ProtocolTypeRouter(
    {
        # Bodies over their limit are refused before anything reads them (wallboard/body_limit.py);
        # the public routes are answered from the worker's render (boards/public_fast.py).
        "http": BodyLimit(public_fast_path),
        # Every socket checks its Origin; the routes say who needs a login (live/routing.py).
        "websocket": SameOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
