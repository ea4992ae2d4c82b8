from django.urls import path, re_path

from boards import look_views, message_views, public_api, reports, views

urlpatterns = [
    # A board's accent and logo (boards/look_views.py), before the board routes they could
    # be taken for.
    re_path(
        r"^boards/look/(?P<board_id>[0-9]{1,12})-(?P<colour>[0-9a-f]{6})\.css$",
        look_views.accent_stylesheet,
        name="board-look",
    ),
    re_path(
        r"^boards/logo/(?P<board_id>[0-9]{1,12})-(?P<digest>[0-9a-f]{16})\.png$",
        look_views.logo,
        name="board-logo",
    ),
    path("boards/", views.index, name="board-index"),
    path("boards/<slug:slug>/", views.supervisor, name="board-supervisor"),
    path("boards/<slug:slug>/report.csv", reports.report_csv, name="board-report"),
    path("boards/<slug:slug>/intervals/", reports.intervals, name="board-intervals"),
    path("boards/<slug:slug>/messages/", message_views.messages_panel, name="board-messages"),
    path(
        "boards/<slug:slug>/messages/<int:message_id>/withdraw",
        message_views.withdraw_message,
        name="board-message-withdraw",
    ),
    path("tv/<str:token>/", views.tv, name="board-tv"),
    path("status/<slug:slug>.json", public_api.public_json, name="board-status-json"),
    path("status/<slug:slug>/", views.public_status, name="board-status"),
    path(
        "status/<slug:slug>/badge/<int:queue_id>.svg",
        public_api.public_badge,
        name="board-status-badge",
    ),
]
