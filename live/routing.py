from django.urls import path

from live import consumers

# Boards of the call centre (TV and supervisor) and public status embeds are apart, so a
# proxy or rate limit can treat them differently.
websocket_urlpatterns = [
    path("ws/wallboard/tv/<str:token>/", consumers.TvConsumer.as_asgi()),
    path("ws/wallboard/boards/<slug:slug>/", consumers.SupervisorConsumer.as_asgi()),
    path("ws/status/<slug:slug>/", consumers.PublicConsumer.as_asgi()),
]
