from django.urls import path

from boards import views

urlpatterns = [
    path("boards/", views.index, name="board-index"),
    path("boards/<slug:slug>/", views.supervisor, name="board-supervisor"),
    path("tv/<str:token>/", views.tv, name="board-tv"),
    path("status/<slug:slug>.json", views.public_json, name="board-status-json"),
    path("status/<slug:slug>/", views.public_status, name="board-status"),
    path(
        "status/<slug:slug>/badge/<int:queue_id>.svg",
        views.public_badge,
        name="board-status-badge",
    ),
]
