"""The product's service figures against an independent reading of docs/metrics.md
(tests/service/reference.py), on random days of calls: lost, repeated and reordered events,
reused call ids, local midnight and the days the clocks change."""

import os
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from service import figures, today
from service.calls import Event, calls_of
from service.ledger import State
from service.models import ServiceTarget
from service.tally import Tally, Target
from snapshots.models import WINDOWS, QueueToday, ServiceLevel, TodayCounts
from tests.service import reference as ref
from tests.service.helpers import stored
from tests.webhooks.helpers import metadata_for
from webhooks.models import WebhookEvent

QUEUES = (100135, 200, 300)
AGENTS = (7, 8, 9)
CALLERS = ("+15550000001", "+15550000002", "+4930123456")
DAYS = {  # normal days, the days the clocks change and the days after
    "UTC": ("2026-11-28",),
    "Europe/Berlin": ("2026-03-29", "2026-03-30", "2026-10-25", "2026-10-26", "2026-06-15"),
    "America/New_York": ("2026-03-08", "2026-11-01", "2026-11-02"),
}
SPAN = 8 * 3600  # calls begin up to this long before now
# Examples per run: enough for `make test`; SERVICE_REFERENCE_EXAMPLES=3000 for a long search.
EXAMPLES = int(os.environ.get("SERVICE_REFERENCE_EXAMPLES", "500"))
KINDS = ("answered",) * 3 + ("abandoned", "timed_out", "rejected", "waiting", "direct", "outbound")


@dataclass
class Day:
    zone: ZoneInfo
    now: float
    targets: dict[int, tuple]
    batches: list[list[ref.Stored]]  # in the order of storage

    @property
    def events(self) -> list[ref.Stored]:
        return [e for batch in self.batches for e in batch]


@st.composite
def moments(draw) -> tuple[ZoneInfo, float]:
    """A zone and a `now` in it: around local midnight, the hours the clocks change, any."""
    name = draw(st.sampled_from(sorted(DAYS)))
    zone = ZoneInfo(name)
    date = draw(st.sampled_from(DAYS[name]))
    start, end = ref.day_start(date, zone), ref.day_end(date, zone)
    length = int(end - start)
    offset = draw(
        st.one_of(
            st.integers(0, 5400),
            st.integers(length - 5400, length - 1),
            st.integers(3600, 4 * 3600),
            st.integers(0, length - 1),
        )
    )
    return zone, start + offset + 0.5  # between seconds: no event is ever exactly `now`


calls = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "queue": st.sampled_from(QUEUES),
        "agent": st.sampled_from(AGENTS),
        "caller": st.sampled_from(CALLERS),
        "back": st.integers(0, 3600) | st.integers(0, SPAN),  # seconds before now
        "wait": st.one_of(st.integers(0, 40), st.integers(0, 1500)),
        "rings": st.integers(0, 3),
        "talk": st.integers(1, 1200),
        "reuse": st.none() | st.integers(0, 40),  # the id of an earlier call, hours later
        "gap": st.integers(1800, 6 * 3600),
        "only_end": st.integers(0, 9).map(lambda n: n == 0),  # all but its CALL_ENDED lost
    }
)
targets = st.fixed_dictionaries(
    {
        q: st.none()
        | st.tuples(
            st.sampled_from([10, 20, 30]),
            st.sampled_from([0, 5, 10]),
            st.sampled_from([50.0, 80.0, 90.0]),
        )
        for q in QUEUES
    }
).map(lambda found: {q: t for q, t in found.items() if t is not None})


def timeline(plan: dict, call_id: str, start: int) -> list[tuple[str, int, dict]]:
    """One call's events as the upstream sends them, in order, with consistent times."""
    kind, queue, agent, wait, talk = (plan[k] for k in ("kind", "queue", "agent", "wait", "talk"))
    caller, user = {"from_number": plan["caller"], "to_number": "1001"}, {"user_id": agent}
    ring_times = [20 * i for i in range(1, plan["rings"] + 1)]
    events: list[tuple[str, int, dict]] = []

    def add(name: str, after: int, **fields) -> None:
        events.append((name, start + after, metadata_for(name, call_id=call_id, **fields)))

    def end(after: int, **fields) -> None:
        add(ref.ENDED, after, direction="inbound", **caller, queue_id=queue, **fields)

    if kind in ("direct", "outbound"):
        if kind == "direct":
            add(ref.ANSWER, 0, **user, direction="inbound", **caller, queue_id=None)
        else:
            add(ref.DIAL, 0, **user, from_number="1001", to_number=plan["caller"])
        add(ref.HANGUP, talk, **user, to_number=plan["caller"], duration=talk)
        direction = "inbound" if kind == "direct" else "outbound"
        add(ref.ENDED, talk, direction=direction, **caller, duration=talk, queue_id=None)
        events[-1][2].update(user_id=agent, reason="completed")
        return events
    add(ref.INCOMING, 0, **caller, queue_id=queue)
    for ring in ring_times if kind == "waiting" else [r for r in ring_times if r < wait]:
        add(ref.NO_ANSWER, ring, queue_id=queue, from_number=plan["caller"], wait_seconds=ring)
    if kind == "answered":
        add(ref.ANSWER, wait, **user, direction="inbound", **caller, queue_id=queue)
        add(ref.HANGUP, wait + talk, **user, to_number=plan["caller"], duration=talk)
        end(wait + talk, duration=talk, **user, reason="completed")
    elif kind in ("abandoned", "timed_out"):
        name = ref.ABANDONED if kind == "abandoned" else ref.TIMEOUT
        add(name, wait, queue_id=queue, from_number=plan["caller"], wait_seconds=wait)
        end(wait, duration=wait, user_id=None, reason=kind.split("_")[0])
    elif kind == "rejected":
        end(wait % 10, duration=wait % 10, user_id=None, reason="rejected")
    return events


@st.composite
def days(draw, max_calls: int = 30, min_batches: int = 1) -> Day:
    zone, now = draw(moments())
    size = draw(st.integers(1, max_calls))
    plans = draw(st.lists(calls, min_size=size, max_size=size))
    sent: list[tuple[str, int, dict]] = []
    ids: list[str] = []
    last: dict[str, int] = {}  # call id -> its last event's time
    for i, plan in enumerate(plans):
        call_id, start = f"c{i}", int(now) - plan["back"]
        if plan["reuse"] is not None and plan["reuse"] < i:
            earlier = ids[plan["reuse"]]
            if earlier in last and last[earlier] + plan["gap"] <= now:
                call_id, start = earlier, last[earlier] + plan["gap"]
        ids.append(call_id)
        events = [e for e in timeline(plan, call_id, start) if e[1] <= now]
        if plan["only_end"]:
            events = [e for e in events if e[0] == ref.ENDED] or events
        if events:
            last[call_id] = max(at for _, at, _ in events)
        sent += events
    n = len(sent)
    lost = draw(st.sets(st.integers(0, n - 1), max_size=n // 3)) if n else set()
    copies = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 300)), max_size=n // 2))
    # A lost event is lost in every delivery; a copy is the same event, possibly stamped again.
    delivered = [e for i, e in enumerate(sent) if i not in lost]
    delivered += [(*sent[i][:1], sent[i][1] + dt, sent[i][2]) for i, dt in copies if i not in lost]
    delivered = [e for e in delivered if e[1] <= now]
    order = draw(st.permutations(delivered))
    unique: dict[tuple, tuple] = {}
    for name, at, meta in order:  # the same payload twice is stored once
        unique.setdefault((name, at, repr(sorted(meta.items()))), (name, at, meta))
    events = [
        ref.Stored(i + 1, meta["call_id"], name, at, meta)
        for i, (name, at, meta) in enumerate(unique.values())
    ]
    parts = draw(st.integers(min_batches, 3))
    cuts = draw(
        st.lists(st.integers(1, max(1, len(events) - 1)), min_size=parts - 1, max_size=parts - 1)
    )
    bounds = [0, *sorted(cuts), len(events)]
    batches = [events[a:b] for a, b in pairwise(bounds) if b > a]
    return Day(zone, now, draw(targets), batches)


def ends_disagree(events: list[ref.Stored]) -> bool:
    """A call (by the documented rules) with two CALL_ENDED that judge it differently."""
    by_id: dict[str, list[ref.Stored]] = {}
    for e in events:
        by_id.setdefault(e.call_id, []).append(e)
    for same_id in by_id.values():
        for call in ref.split(same_id):
            ends = {(e.get("user_id"), e.get("reason")) for e in call if e.name == ref.ENDED}
            if len(ends) > 1:
                return True
    return False


def product_event(e: ref.Stored) -> Event:
    m = e.meta
    return Event(
        id=e.id,
        name=e.name,
        at=float(e.at),
        queue_id=m.get("queue_id"),
        user_id=m.get("user_id"),
        direction=m.get("direction", ""),
        reason=m.get("reason", ""),
        wait_seconds=m.get("wait_seconds"),
        duration=m.get("duration"),
        from_number=m.get("from_number", ""),
        to_number=m.get("to_number", ""),
        received_at=float(e.id),
    )


def product_calls(events: list[ref.Stored], call_id: str) -> list:
    return calls_of(call_id, [product_event(e) for e in events if e.call_id == call_id])


def new_tally(day: Day) -> Tally:
    goals = {q: Target(*t) for q, t in day.targets.items()}
    return Tally(zone=day.zone, date=ref.local_date(day.now, day.zone), targets=goals)


def tally_of(day: Day, events: list[ref.Stored]) -> Tally:
    tally = new_tally(day)
    for call_id in dict.fromkeys(e.call_id for e in events):
        for call in product_calls(events, call_id):
            tally.apply(call, +1)
    return tally


def counts_of(day: Day, tally: Tally) -> TodayCounts:
    since = min((e.at for e in day.events), default=day.now)
    return figures.today_counts(
        State(tally=tally, since=since, cursor=day.now, has_events=True), day.now
    )


def _level(level: ServiceLevel) -> dict:
    return {
        "answered": level.answered,
        "within": level.answered_within_threshold,
        "timed": level.answered_timed,
        "wait_total": level.wait_total,
        "abandoned": level.abandoned,
        "short": level.short_abandoned,
        "timed_out": level.timed_out,
        "not_answered": level.not_answered,
        "offered": level.offered,
        "percent": level.percent,
        "asa": level.asa_seconds,
        "abandon_rate": level.abandon_rate,
    }


def flat(counts: TodayCounts) -> dict[tuple, object]:
    """The product's figures keyed as reference.figures() keys them."""
    assert set(counts.queues) <= set(QUEUES)
    out: dict[tuple, object] = {("date",): counts.date, ("time_zone",): counts.time_zone}
    for key in [*QUEUES, "total"]:
        queue = counts.total if key == "total" else counts.queues.get(key) or QueueToday()
        windows = {"today": queue.service} | {m: queue.window(m) for m in WINDOWS}
        for name, level in windows.items():
            out.update({("queue", key, name, k): v for k, v in _level(level).items()})
        if key != "total":
            out["queue", key, "meets"] = queue.service.meets_target
        out["queue", key, "inbound"] = queue.inbound
        out["queue", key, "waiting"] = queue.calls_waiting
        out["queue", key, "oldest"] = queue.oldest_waiting_since
        out["queue", key, "talked"] = queue.talked
        out["queue", key, "talk_total"] = queue.talk_total
        out["queue", key, "aht"] = queue.aht_seconds
    out["direct_answered",] = counts.direct_answered
    for user_id, agent in counts.agents.items():
        out["agent", user_id, "answered"] = agent.answered
        out["agent", user_id, "placed"] = agent.placed
        out["agent", user_id, "talked"] = agent.talked
        out["agent", user_id, "talk"] = agent.talk_total
        out["agent", user_id, "aht"] = agent.aht_seconds
    return out


def expected(day: Day, events: list[ref.Stored]) -> dict[tuple, object]:
    return ref.figures(events, day.zone, day.targets, day.now, QUEUES)


def check(day: Day, counts: TodayCounts, events: list[ref.Stored]) -> None:
    assume(not ends_disagree(events))
    assert flat(counts) == pytest.approx(expected(day, events))
    for queue_id, queue in counts.queues.items():  # each queue judged by its own target
        level = queue.service
        shown = (level.threshold_seconds, level.short_abandon_seconds, level.target_percent)
        assert shown == day.targets.get(queue_id, ref.DEFAULT_TARGET)


@settings(max_examples=EXAMPLES, deadline=None)
@given(day=days())
def test_the_figures_are_those_the_specification_gives(day):
    check(day, counts_of(day, tally_of(day, day.events)), day.events)


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(day=days(), data=st.data())
def test_the_figures_do_not_depend_on_the_order_events_arrive_in(day, data):
    whole = counts_of(day, tally_of(day, day.events))
    again = data.draw(st.permutations(day.events))
    restored = [ref.Stored(i + 1, e.call_id, e.name, e.at, e.meta) for i, e in enumerate(again)]
    assert counts_of(day, tally_of(day, restored)) == whole
    # Folded in batch by batch, as the ledger does: each changed call id's old calls taken
    # out, its new ones put in.
    tally, known = new_tally(day), []
    for batch in day.batches:
        before, known = known, known + batch
        for call_id in dict.fromkeys(e.call_id for e in batch):
            for call in product_calls(before, call_id):
                tally.apply(call, -1)
            for call in product_calls(known, call_id):
                tally.apply(call, +1)
        check(day, counts_of(day, tally), known)
    assert counts_of(day, tally) == whole


@settings(
    max_examples=max(15, EXAMPLES // 20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(day=days(max_calls=15, min_batches=2))
def test_figures_kept_up_to_date_in_redis_equal_a_rebuild_and_the_specification(
    day, receiver, redis_client
):
    WebhookEvent.objects.all().delete()
    ServiceTarget.objects.all().delete()
    redis_client.flushdb()
    today.forget()
    account = receiver.account
    account.time_zone = day.zone.key
    account.save()
    for queue_id, (threshold, short, percent) in day.targets.items():
        ServiceTarget.objects.create(
            account=account,
            queue_id=queue_id,
            threshold_seconds=threshold,
            short_abandon_seconds=short,
            target_percent=percent,
        )
    known: list[ref.Stored] = []
    for batch in day.batches:
        for e in batch:
            stored(receiver, e.name, e.at, **e.meta)
        known += batch
        counts = today.today_counts(account.account_id, day.now)
        check(day, counts, known)
    redis_client.flushdb()
    today.forget()
    assert today.today_counts(account.account_id, day.now) == counts
