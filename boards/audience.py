"""Who watches a board, and what each audience may see: the one place that decides it.

Presenters, feeds, page views, consumers and templates ask an `Audience` what it may see
instead of comparing names, so a new rule (or a new audience) is one edit here.
"""

from enum import StrEnum


class Audience(StrEnum):
    TV = "tv"  # a wall TV, let in by its kiosk token
    SUPERVISOR = "supervisor"  # a logged-in user granted the board
    ADMIN = "admin"  # a superuser
    PUBLIC = "public"  # anyone, on a board marked public

    @property
    def is_public(self) -> bool:
        """Anonymous visitors: the plainer wording and layout of a status page."""
        return self is Audience.PUBLIC

    @property
    def sees_agents(self) -> bool:
        """Agent names, states and call timers."""
        return self is not Audience.PUBLIC

    @property
    def sees_alerts(self) -> bool:
        """Alerts on the tiles, their sound."""
        return self is not Audience.PUBLIC

    @property
    def sees_detail(self) -> bool:
        """Queue config and members, sparklines, call peers, the alert history, the poller's
        health and errors, why the data is limited: the supervisor page."""
        return self in (Audience.SUPERVISOR, Audience.ADMIN)

    @property
    def sees_limited_reason(self) -> bool:
        return self is not Audience.PUBLIC

    @property
    def sees_business_hours(self) -> bool:
        """Night mode on TVs, the "closed" chip on supervisor pages; never on public pages."""
        return self is not Audience.PUBLIC

    def peer(self, number: str) -> str:
        """A caller's number as this audience may see it: whole for admins, all but the last
        four digits hidden for supervisors, nothing for TVs and the public."""
        if self is Audience.ADMIN:
            return number
        if self is Audience.SUPERVISOR:
            return mask_number(number)
        return ""

    @classmethod
    def of_user(cls, user: object) -> "Audience":
        """The audience of a logged-in user allowed to watch a board."""
        return cls.ADMIN if getattr(user, "is_superuser", False) else cls.SUPERVISOR


def mask_number(number: str) -> str:
    """All but the last four digits hidden; short internal extensions are left as they are."""
    digits = sum(ch.isdigit() for ch in number)
    if digits <= 4:
        return number
    return "•" * (len(number) - 4) + number[-4:]
