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


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Past PUBLIC_RATE_LIMIT: 429 with Retry-After."""
    response = HttpResponse("Too many requests; try again in a minute.\n", status=429)
    response["Retry-After"] = "60"
    response["Content-Type"] = "text/plain; charset=utf-8"
    return response
