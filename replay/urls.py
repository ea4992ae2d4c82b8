from django.urls import path

from replay import views

urlpatterns = [
    path("boards/<slug:slug>/replay", views.board_replay, name="board-replay"),
]
