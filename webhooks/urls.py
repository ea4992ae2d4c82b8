from django.urls import re_path

from webhooks import views

urlpatterns = [
    # With or without the trailing slash: a POST redirected by APPEND_SLASH would lose its body.
    re_path(r"^voice360/(?P<token>[^/]+)/?$", views.receive, name="webhook-receive"),
]
