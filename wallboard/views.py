from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import permission_denied
from django_ratelimit.exceptions import Ratelimited


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: 429 for django-ratelimit's Ratelimited, Django's own 403 otherwise."""
    if isinstance(exception, Ratelimited):
        return rate_limited(request, exception)
    return permission_denied(request, exception)


RETRY_AFTER_SECONDS = 60


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Past a rate limit: 429 with Retry-After, and a page that loads itself again then (a TV
    that lands here has nobody to press reload, and no script runs on this page)."""
    context = {"retry_after": RETRY_AFTER_SECONDS}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
