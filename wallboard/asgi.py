"""ASGI entry point: HTTP goes to Django, websockets through origin and auth checks."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from live.origin import SameOriginValidator  # noqa: E402
from live.routing import websocket_urlpatterns  # noqa: E402
from wallboard.body_limit import BodyLimit  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Bodies over their limit are refused before anything reads them (wallboard/body_limit.py).
        "http": BodyLimit(django_asgi_app),
        # Every socket checks its Origin; the routes say who needs a login (live/routing.py).
        "websocket": SameOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
