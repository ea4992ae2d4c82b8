"""The staff's pages speak the staff user's language; every other page is a board's.

The admin and the sign-in pages follow the viewer (the browser's Accept-Language, or the
language cookie), as Django's LocaleMiddleware does. A board's pages (TV, supervisor, public
page, JSON and badges) speak the board's own language (boards/language.py), whoever asks: a
TV has no user. So they are left alone here, and their answers do not say they vary with the
browser's language (no `Vary: Accept-Language`, no `Content-Language` of the browser's): a
public answer Django makes is the same bytes and headers as the one the fast path in front
of Django makes (boards/public_fast.py).
"""

from django.middleware.locale import LocaleMiddleware

# The pages of people who sign in: the admin and the sign-in, password and sign-out pages.
STAFF_PREFIXES = ("/admin/", "/accounts/")


def follows_viewer(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES)


class StaffLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if follows_viewer(request.path_info):
            super().process_request(request)

    def process_response(self, request, response):
        if follows_viewer(request.path_info):
            return super().process_response(request, response)
        return response
