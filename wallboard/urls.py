from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from wallboard import views
from wallboard.js_catalog import js_catalog

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("monitoring.urls")),
    # Browsers ask for it on every page that names none (the admin's). Lazy: in production the
    # hashed name comes from collectstatic's manifest, which importing the URLconf (e.g. for
    # `check --deploy` before collectstatic) must not need.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("boards/favicon.svg"), permanent=True),
    ),
    path("admin/", admin.site.urls),
    # The board pages' script words, in the board's language (wallboard/js_catalog.py).
    path("jsi18n/<str:language>/", js_catalog, name="js-catalog"),
    path("webhooks/", include("webhooks.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("alerts.urls")),
    path("", include("boards.urls")),
    path("", include("replay.urls")),
]

handler403 = views.forbidden
