"""The snapshot a poll stores: what it parsed, and the stored snapshot's part for an answer
whose bytes were the stored answer's (polling/same_answer.py), which those bytes made.

The kept part is taken on top of the snapshot the writer read, so it is only good while that
snapshot was made of the same answers; if another poll stored other answers meanwhile, the
poll is superseded (the next one reads anew).
"""

import logging
from dataclasses import dataclass

import redis

from polling.same_answer import Answers
from snapshots import normalize, store
from snapshots.models import QueueState, Snapshot, StoredSnapshot
from voice360.models import Queue

logger = logging.getLogger("polling.poller")

UNREAD = object()
# The stored snapshot a poll read before its requests (None: there is none), or UNREAD.
Base = StoredSnapshot | object | None


def read_bases(account_ids: list[int]) -> dict[int, StoredSnapshot | None]:
    """Each account's snapshot before its reads: what its answers were made of (those of the
    same bytes are not parsed again) and the writer's first base. Empty when Redis cannot
    say: every answer is parsed then, and the writer reads again."""
    try:
        return store.read_snapshots(account_ids) if account_ids else {}
    except redis.RedisError:
        logger.warning("the stored snapshots are unreadable; parsing every answer")
        return {}


def answers_of(base: Base) -> Answers | None:
    return Answers.decode(base.answers) if isinstance(base, StoredSnapshot) else None


@dataclass(frozen=True)
class Fresh:
    parsed: Snapshot  # of the answers that were parsed; the other part empty
    keep_agents: bool
    keep_queues: bool
    last: Answers | None  # the stored answers the kept parts are of
    configs: dict[int, Queue]
    members: dict[int, list[int]] | None  # None: not known (public mode)

    @property
    def kept(self) -> bool:
        return self.keep_agents or self.keep_queues

    def on(self, previous: StoredSnapshot | None) -> Snapshot | None:
        """The whole snapshot on top of `previous`; None when `previous` is not made of the
        answers the kept parts are of."""
        if not self.kept:
            return self.parsed
        stored = Answers.decode(previous.answers) if previous is not None else None
        if previous is None or stored is None or self.last is None:
            return None
        if self.keep_agents and stored.agents != self.last.agents:
            return None
        if self.keep_queues and (stored.queues, stored.queue_ids) != (
            self.last.queues,
            self.last.queue_ids,
        ):
            return None
        update: dict[str, object] = {}
        if self.keep_agents:
            update["agents"] = previous.snapshot.agents
        if self.keep_queues:
            update["queues"] = [self._configured(q) for q in previous.snapshot.queues]
        return self.parsed.model_copy(update=update)

    def _configured(self, queue: QueueState) -> QueueState:
        """A kept queue with the configuration of now (it is refreshed every few minutes),
        as normalize.build_snapshot puts it on."""
        config = self.configs.get(queue.id)
        update = {
            "config": normalize.queue_config(config) if config else None,
            "member_ids": None if self.members is None else self.members.get(queue.id),
        }
        if all(getattr(queue, name) == value for name, value in update.items()):
            return queue
        return queue.model_copy(update=update)
