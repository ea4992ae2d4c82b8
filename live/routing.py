from channels.auth import AuthMiddlewareStack
from django.urls import path

from live import consumers, supervisors, tv

# Boards of the call centre (TV and supervisor) and public status embeds are apart, so a
# proxy or rate limit can treat them differently. Only supervisors need the session and user
# (AuthMiddlewareStack); on TV and public sockets its wrapper would run on every send.
websocket_urlpatterns = [
    path("ws/wallboard/tv/<str:token>/", tv.TvConsumer.as_asgi()),
    path(
        "ws/wallboard/boards/<slug:slug>/",
        AuthMiddlewareStack(supervisors.SupervisorConsumer.as_asgi()),
    ),
    path("ws/status/<slug:slug>/", consumers.PublicConsumer.as_asgi()),
]
