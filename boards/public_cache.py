"""The public answers of a board, rendered by the worker once per change, kept in Redis.

  wb:public:<slug>        board, account, interval, settings (the BoardSettings, in JSON), language,
                          json, page, badge:<queue id> (and etag:json, etag:badge:<queue
                          id> for those with no slot)
  wb:public:board:<id>    the slug the board's answers are stored under

The worker writes both when it renders the board's feeds (polling/publish.py); the web
processes' fast path (boards/public_fast.py) answers from them while the account's data is
fresh, and hands every other case to the Django views; a status page's socket finds its
board's settings here (live/consumers.py), so a reconnect storm asks the database nothing.
`json` and `page` are lists of text and slots (boards/slots.py) in JSON; badges are text.
Nothing here names a person: it is made from the public audience's view only.

A board that stops being public (or is deleted, or renamed) loses its answers at once when
the change commits (polling/receivers.py), and again whenever the worker publishes its
account, so that a render in flight during the change cannot bring them back for long.
"""

import json

import redis

from boards import public_api, slots
from boards.board_settings import BoardSettings
from boards.language import board_language
from boards.rendering import RenderedBoard
from boards.view_models import BoardView
from boards.views import public_page_parts
from snapshots.freshness import Freshness
from snapshots.models import StoredSnapshot
from wallboard.redis import get_redis


def public_key(slug: str) -> str:
    return f"wb:public:{slug}"


def _slug_key(board_id: int) -> str:
    return f"wb:public:board:{board_id}"


def badge_field(queue_id: int) -> str:
    return f"badge:{queue_id}"


def etag_field(field: str) -> str:
    return f"etag:{field}"


def _with_etag(fields: dict[str, str], field: str, text: str) -> None:
    fields[field] = text
    fields[etag_field(field)] = public_api.etag_of(text.encode())


def answers(
    settings: BoardSettings, view: BoardView, rendered: RenderedBoard, stored: StoredSnapshot | None
) -> dict[str, str]:
    """Every public answer of the board from its public view and that view's render, in
    the board's language (the JSON's `status` and `summary`, the badges' words, the page)."""
    with board_language(settings):
        return _answers(settings, view, rendered, stored)


def _answers(
    settings: BoardSettings, view: BoardView, rendered: RenderedBoard, stored: StoredSnapshot | None
) -> dict[str, str]:
    stale = Freshness.of(stored).is_stale(settings.poll_interval)
    fields = {
        "board": str(settings.id),
        "account": str(settings.account_id),
        "interval": repr(settings.poll_interval),
        "settings": settings.to_json(),
        "language": settings.language,  # of the words the fast path fills in (freshness)
        "stale": "1" if stale else "0",
    }
    json_parts = public_api.json_parts(settings.slug, settings.title, view.queues, stale)
    fields["json"] = json.dumps(json_parts, separators=(",", ":"))
    if not slots.has_slots(json_parts):
        fields[etag_field("json")] = public_api.etag_of(json_parts[0].encode())
    for queue in view.queues:
        _with_etag(fields, badge_field(queue.id), public_api.badge_svg(queue, stale))
    page = public_page_parts(settings, rendered.version, rendered.body)
    fields["page"] = json.dumps(page, separators=(",", ":"))
    return fields


def store(settings: BoardSettings, fields: dict[str, str], client: redis.Redis | None = None):
    """Replace the board's answers (under its slug of now; those under an old slug go)."""
    r = client or get_redis()
    old_slug = r.get(_slug_key(settings.id))
    pipe = r.pipeline(transaction=True)
    if old_slug and old_slug != settings.slug:
        pipe.delete(public_key(old_slug))
    pipe.delete(public_key(settings.slug))
    pipe.hset(public_key(settings.slug), mapping=fields)
    pipe.set(_slug_key(settings.id), settings.slug)
    pipe.execute()


def forget(board_ids: list[int], client: redis.Redis | None = None) -> None:
    """The boards' public answers go: the fast path hands their requests to Django again."""
    if not board_ids:
        return
    r = client or get_redis()
    slugs = r.mget([_slug_key(b) for b in board_ids])
    keys = [public_key(s) for s in slugs if s] + [_slug_key(b) for b in board_ids]
    r.delete(*keys)


async def aread_settings(client, slug: str) -> BoardSettings | None:
    """The public board's settings as the worker last stored them (None: nothing stored, or
    unreadable: the caller asks the database)."""
    raw = await client.hget(public_key(slug), "settings")
    if not raw:
        return None
    try:
        return BoardSettings.from_json(raw)
    except (ValueError, KeyError, TypeError):
        return None
