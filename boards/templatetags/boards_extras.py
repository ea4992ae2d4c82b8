from datetime import UTC, datetime

from django import template

from boards.presenters import STATUS_ORDER

register = template.Library()


@register.filter
def epoch_time(value: float | None) -> str:
    """A Unix time as HH:MM:SS UTC; the page shows it in the viewer's own time zone."""
    if value is None:
        return ""
    return datetime.fromtimestamp(float(value), UTC).strftime("%H:%M:%S UTC")


@register.filter
def status_order(status: str) -> int:
    return STATUS_ORDER.get(status, 9)
