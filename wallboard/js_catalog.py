"""The words of the board pages' scripts: `/jsi18n/<language>/`, one catalogue per language.

A board page loads the catalogue of its board's language (templates/boards/_scripts.html),
never the viewer's: a TV has no user. The script is ours, from our own origin (the CSP allows
no other), holds only our words (locale/<language>/LC_MESSAGES/djangojs.po) and is the same
for everyone until a deploy: browsers and proxies may keep it. A page whose catalogue fails
to load speaks English (each script falls back to the English words).
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.i18n import JavaScriptCatalog

CATALOGUE_MAX_AGE = 3600
# packages: an app of ours (it has no locale folder of its own), so that only LOCALE_PATHS
# is read, not the catalogues of every installed app (the admin's calendar words).
_catalogue = JavaScriptCatalog.as_view(domain="djangojs", packages=["boards"])


@cache_control(public=True, max_age=CATALOGUE_MAX_AGE)
def js_catalog(request: HttpRequest, language: str) -> HttpResponse:
    if language not in {code for code, _ in settings.LANGUAGES}:
        raise Http404
    with translation.override(language):
        return _catalogue(request)
