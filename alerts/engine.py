"""Alert rules judged against each snapshot (polling/overlay.py calls `evaluate` every poll).

No query on a poll where nothing changes (the account's enabled rules and open events come
from alerts/rule_cache.py, read again only after a change); writes only when something
fires, clears or is announced, and then says so to the cache. Each write is safe against
another worker judging the same account at the same moment: opening relies on the
one-open-event constraint (the loser takes the winner's row), closing and announcing are
conditional updates, so a notification is sent once.

An alert is announced (sound on screens, the outgoing webhook) when it fires, unless the
rule's quiet hours hold it back (then it is announced when they end, if still breached) or
the same rule and queue were announced less than `cooldown_seconds` ago (a repeat: shown,
never announced).
"""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts import rule_cache
from alerts.models import AlertEvent, AlertRule, RuleKind
from boards import queue_figures
from boards.language import board_language
from snapshots.models import ActiveAlert, QueueState, QueueToday, Snapshot, TodayCounts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    breached: bool
    message: str = ""


# The rule cannot be judged now (no webhook data): an open alert stays as it is.
UNKNOWN = None


def evaluate(account_id: int, snapshot: Snapshot, now: float) -> list[ActiveAlert]:
    """The alerts of the account's boards that are breached in `snapshot` at `now`."""
    rules, open_events = rule_cache.rules_and_open_events(account_id, _open_events)
    wrote: list[AlertEvent] = []  # the events this evaluation opened, closed or announced
    try:
        return _judge_all(rules, open_events, snapshot, now, wrote)
    finally:
        if wrote:
            # The poller judges in autocommit: each write is committed as it is made.
            rule_cache.events_changed(account_id, committed=True)


def _judge_all(
    rules: list[AlertRule],
    open_events: rule_cache.OpenEvents,
    snapshot: Snapshot,
    now: float,
    wrote: list[AlertEvent],
) -> list[ActiveAlert]:
    at = dt.datetime.fromtimestamp(now, tz=dt.UTC)
    queues = {q.id: q for q in snapshot.queues}
    active: list[ActiveAlert] = []
    for rule in rules:
        quiet = rule.in_quiet_hours(_local_time(rule, at))
        for queue in covered_queues(rule, snapshot.queues, queues):
            event = open_events.pop((rule.pk, queue.id), None)
            verdict = judge(rule, queue, snapshot.today, now)
            if verdict is UNKNOWN and event is None:
                continue
            if verdict is not UNKNOWN and not verdict.breached:
                if event is not None:
                    wrote.append(event)
                    _close(event, at)
                continue
            if event is None:
                event = _open(rule, queue.id, verdict.message, at)  # type: ignore[union-attr]
                wrote.append(event)
            if _due_for_announcement(event, quiet):
                wrote.append(event)
                _announce(rule, event, at)
            message = verdict.message if verdict is not UNKNOWN else event.message
            active.append(_active(rule, event, message, quiet))
    for event in open_events.values():
        wrote.append(event)
        _close(event, at)  # its rule was disabled, or its queue left the board or the data
    return active


def _open_events(account_id: int) -> rule_cache.OpenEvents:
    events = AlertEvent.objects.open().filter(board__account__account_id=account_id)
    return {(e.rule_id, e.queue_id): e for e in events}


def covered_queues(
    rule: AlertRule, ordered: list[QueueState], by_id: dict[int, QueueState]
) -> Iterable[QueueState]:
    """The queues of the snapshot the rule judges: its own, or every queue its board shows."""
    if rule.queue_id is not None:
        queue = by_id.get(rule.queue_id)
        return [queue] if queue is not None else []
    shown = rule.board.queue_ids or ()
    return [by_id[qid] for qid in shown if qid in by_id] if shown else ordered


def judge(
    rule: AlertRule, queue: QueueState, today: TodayCounts | None, now: float
) -> Verdict | None:
    """The rule's verdict on one queue; its message in the language of the rule's board, whose
    screens show it (boards/language.py), whatever process judges."""
    with board_language(rule.board):
        return _judge(rule, queue, today, now)


def _judge(
    rule: AlertRule, queue: QueueState, today: TodayCounts | None, now: float
) -> Verdict | None:
    name = queue.queue_name or queue.name
    n = rule.threshold or 0
    if rule.kind == RuleKind.NO_AGENT_READY:
        return Verdict(
            queue.agents_available == 0, _("No agent ready in %(queue)s") % {"queue": name}
        )
    if rule.kind == RuleKind.AVAILABLE_AT_OR_BELOW:
        return Verdict(queue.agents_available <= n, _available_message(queue, name, n))
    counts = today.queues.get(queue.id, QueueToday()) if today else None
    if rule.kind == RuleKind.CALLS_WAITING_ABOVE:
        waiting = queue_figures.waiting(queue, counts).count  # an estimate without webhooks
        if waiting is None:
            return UNKNOWN
        message = _("More than %(limit)s waiting in %(queue)s") % {"limit": n, "queue": name}
        return Verdict(waiting > n, message)
    if today is None:
        return UNKNOWN  # the other kinds need webhook events, and none came yet
    if rule.kind == RuleKind.SERVICE_LEVEL_BELOW:
        # The message names the limit, not the percentage: it must not change every call.
        percent = counts.window(rule.board.service_window_minutes).percent
        breached = percent is not None and percent < n
        message = _("Service level below %(limit)s %% in %(queue)s") % {"limit": n, "queue": name}
        return Verdict(breached, message)
    if rule.kind == RuleKind.ABANDONS_LAST_HOUR_ABOVE:
        abandoned = counts.abandoned_last_hour
        message = _("%(count)s abandoned in the last hour in %(queue)s (limit %(limit)s)") % {
            "count": abandoned,
            "queue": name,
            "limit": n,
        }
        return Verdict(abandoned > n, message)
    if rule.kind == RuleKind.WAITING_LONGER_THAN:
        since = counts.oldest_waiting_since
        # Nobody waiting (or the events do not say): nothing to fire, and a past breach ends.
        # The message names the limit, not the growing wait: a ticking number would change
        # the snapshot every poll.
        breached = since is not None and now - since > n
        message = _("A caller has waited over %(limit)s in %(queue)s") % {
            "limit": _duration(n),
            "queue": name,
        }
        return Verdict(breached, message)
    logger.warning("alert rule %s has an unknown kind %r; skipped", rule.pk, rule.kind)
    return UNKNOWN


def _available_message(queue: QueueState, name: str, n: int) -> str:
    count = queue.agents_available
    values = {"count": count, "queue": name, "limit": n}
    if count == 0:
        return _("No agent available in %(queue)s (alert at ≤ %(limit)s)") % values
    return (
        ngettext(
            "Only %(count)s agent available in %(queue)s (alert at ≤ %(limit)s)",
            "Only %(count)s agents available in %(queue)s (alert at ≤ %(limit)s)",
            count,
        )
        % values
    )


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and not rest:
        return _("%(minutes)s min") % {"minutes": minutes}
    return f"{minutes}:{rest:02d}" if minutes else _("%(seconds)s s") % {"seconds": rest}


def _local_time(rule: AlertRule, at: dt.datetime) -> dt.time:
    try:
        zone = zoneinfo.ZoneInfo(rule.board.account.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC  # validated in the admin; a bad value must not stop the alerts
    return at.astimezone(zone).time()


def _open(rule: AlertRule, queue_id: int, message: str, at: dt.datetime) -> AlertEvent:
    """A new open event, or the one another worker opened a moment ago."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return AlertEvent.objects.create(
                    rule=rule,
                    board_id=rule.board_id,
                    queue_id=queue_id,
                    kind=rule.kind,
                    message=message[:200],
                    fired_at=at,
                )
        except IntegrityError:
            existing = AlertEvent.objects.open().filter(rule=rule, queue_id=queue_id).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"alert rule {rule.pk} queue {queue_id}: cannot open an event")


def _close(event: AlertEvent, at: dt.datetime) -> None:
    AlertEvent.objects.filter(pk=event.pk, cleared_at__isnull=True).update(cleared_at=at)


def _due_for_announcement(event: AlertEvent, quiet: bool) -> bool:
    # Acknowledged while quiet hours held it back: someone is on it, nothing to announce.
    unseen = event.acknowledged_at is None
    return event.announced_at is None and not event.repeat and not quiet and unseen


def _announce(rule: AlertRule, event: AlertEvent, at: dt.datetime) -> None:
    """Announce the event once (whichever worker gets here first), or mark it a repeat."""
    since = at - dt.timedelta(seconds=rule.cooldown_seconds)
    recent = AlertEvent.objects.filter(
        rule=rule, queue_id=event.queue_id, announced_at__gte=since
    ).exclude(pk=event.pk)
    unannounced = AlertEvent.objects.filter(pk=event.pk, announced_at__isnull=True, repeat=False)
    if rule.cooldown_seconds and recent.exists():
        unannounced.update(repeat=True)
        event.repeat = True
        return
    if unannounced.update(announced_at=at) != 1:
        event.refresh_from_db(fields=["announced_at", "repeat"])
        return  # another worker announced it
    event.announced_at = at
    if rule.webhook_url_encrypted:
        from alerts import tasks

        tasks.send_notification(event.pk)


def _active(rule: AlertRule, event: AlertEvent, message: str, quiet: bool) -> ActiveAlert:
    acknowledged = event.acknowledged_at is not None
    return ActiveAlert(
        id=event.pk,
        rule_id=rule.pk,
        board_id=rule.board_id,
        queue_id=event.queue_id,
        kind=rule.kind,
        message=message,
        since=event.fired_at.timestamp(),
        acknowledged=acknowledged,
        sound=rule.sound and event.announced_at is not None and not acknowledged and not quiet,
    )
