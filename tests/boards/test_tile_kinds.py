"""Composed boards: each tile kind renders from its partial, as fragments of their own."""

import re

import pytest

from boards.audience import Audience
from boards.board_settings import TileSpec
from boards.layout import TILE_OPTIONS, TileKind, option_errors, with_defaults
from boards.presenters import board_view
from boards.rendering import render_board, rows
from boards.tile_kinds import KINDS
from snapshots.models import AgentToday, TodayCounts
from tests.boards.factories import NOW, agent, call, queue, queue_today, settings, stored

XSS = "<img src=x onerror=alert(1)>"


def tile(kind: str, width: int = 12, **options) -> TileSpec:
    return TileSpec(kind, width, with_defaults(kind, options))


def snapshot(version: int = 1, **agent_overrides):
    agents = [
        agent(1, "Zoe Adams", calls=[call(started=NOW - 30)]),
        agent(2, "Ada Byron"),
        agent(3, "Mia Chen", registered=False),
    ]
    queues = [queue(100134, "Sales", members=(1, 2)), queue(100135, "Support", members=(3,))]
    return stored(agents, queues, version=version)


def render(*tiles: TileSpec, audience=Audience.TV, version: int = 1, **board):
    view = board_view(settings(tiles=tiles, **board), snapshot(version), audience)
    return render_board(view)


def test_every_kind_is_in_the_registry_with_a_partial_and_options():
    assert set(KINDS) == set(TileKind.values) == set(TILE_OPTIONS)


@pytest.mark.parametrize("kind", TileKind.values)
def test_every_kind_renders_fragments_with_their_ids_and_nothing_unescaped(kind):
    rendered = render(tile(kind), tile(TileKind.TEXT, text=XSS), title=XSS)
    for fragment in rendered.fragments:
        assert f'id="{fragment.id}"' in fragment.html.split(">", 1)[0]
        assert fragment.html in rendered.body
    assert XSS not in rendered.body
    assert len({f.id for f in rendered.fragments}) == len(rendered.fragments)


def test_a_queue_tile_shows_one_queue_or_each_of_the_board():
    one = render(tile(TileKind.QUEUES, queue=100135))
    each = render(tile(TileKind.QUEUES))
    assert [f.id for f in one.fragments if f.kind == "tile-queues"] == ["t0-queue-100135"]
    assert [f.id for f in each.fragments if f.kind == "tile-queues"] == [
        "t0-queue-100134",
        "t0-queue-100135",
    ]


def test_a_queue_not_on_the_board_shows_an_empty_tile_not_an_error():
    rendered = render(tile(TileKind.QUEUES, queue=999), queue_ids=(100134,))
    assert "No queues to show." in rendered.body


def test_the_agent_grid_picks_queues_members_states_and_order():
    def names(**options):
        rendered = render(tile(TileKind.AGENTS, **options))
        return re.findall(r'class="agent__name">([^<]+)<', rendered.body)

    assert names(sort="name") == ["Ada Byron", "Mia Chen", "Zoe Adams"]
    assert names(sort="state") == ["Zoe Adams", "Ada Byron", "Mia Chen"]  # on call, free, off
    assert names(queues=[100134], sort="name") == ["Ada Byron", "Zoe Adams"]
    assert names(states=["offline"]) == ["Mia Chen"]


def test_an_agents_change_swaps_its_card_alone_in_a_composed_board():
    layout = (tile(TileKind.QUEUES, 6), tile(TileKind.AGENTS, 6))
    before = render(*layout, version=1)
    view = board_view(settings(tiles=layout), snapshot(2), Audience.TV)
    after_snapshot = snapshot(2)
    after_snapshot.snapshot.agents[1] = agent(2, "Ada Byron", calls=[call()])
    after = render_board(board_view(settings(tiles=layout), after_snapshot, Audience.TV))
    assert view.version == 2
    changed = re.findall(r'id="([^"]+)"', after.changes_since(before.digests()))
    assert changed[0] == "t1-agent-2"
    assert "t0-queue-100134" not in changed


def test_the_leaderboard_tile_ranks_as_many_as_it_asks():
    stats = {1: AgentToday(answered=9), 2: AgentToday(answered=5), 3: AgentToday(answered=1)}
    today = TodayCounts(
        date="2027-01-14", time_zone="UTC", total=queue_today(answered=15), queues={}, agents=stats
    )
    data = snapshot()
    data = data.model_copy(update={"snapshot": data.snapshot.model_copy(update={"today": today})})
    layout = (tile(TileKind.LEADERBOARD, size=2),)
    body = render_board(board_view(settings(tiles=layout), data, Audience.TV)).body
    assert re.findall(r'class="leaderboard__name">([^<]+)<', body) == ["Zoe Adams", "Ada Byron"]


def test_supervisors_and_the_public_keep_their_own_pages_whatever_the_layout():
    layout = (tile(TileKind.CLOCK),)
    for audience in (Audience.SUPERVISOR, Audience.PUBLIC):
        assert "cells-row" not in render(*layout, audience=audience).body
    assert "cells-row" in render(*layout).body


def test_the_banner_is_on_every_composed_board_and_where_its_tile_puts_it():
    without = render(tile(TileKind.CLOCK))
    placed = render(tile(TileKind.CLOCK, 6), tile(TileKind.MESSAGES, 6))
    assert without.body.index('id="board-messages"') < without.body.index("cells-row")
    assert 'id="board-messages"' not in placed.body
    assert placed.body.index('id="t1-board-messages"') > placed.body.index('id="t0-clock"')


def test_tiles_pack_into_rows_of_twelve_columns_in_order():
    rendered = render(
        tile(TileKind.SERVICE, 4),
        tile(TileKind.WAITING, 4),
        tile(TileKind.CLOCK, 4),
        tile(TileKind.QUEUES, 8),
        tile(TileKind.TEXT, 6),
        tile(TileKind.TODAY, 12),
    )
    assert rendered.body.count('class="cells-row') == 4
    assert rendered.body.index("cell--w8") < rendered.body.index("cell--text")
    assert [grows for grows, _ in rows([])] == []


def test_tile_options_are_checked_one_line_each():
    assert option_errors("agents", {"sort": "age", "color": 1}) == [
        "color: not an option of the agents tile",
        "sort: one of state, name, time",
    ]
    assert option_errors("gauge", {}) == [f"kind: one of {', '.join(TileKind.values)}"]
    assert option_errors("text", {"text": "x" * 201})[0].startswith("text: text of at most")


def test_a_text_tile_shows_the_boards_logo_where_it_has_one():
    shown = render(tile(TileKind.TEXT, logo=True), logo_digest="0123456789abcdef").body
    assert 'src="/boards/logo/1-0123456789abcdef.png"' in shown
    assert "<img" not in render(tile(TileKind.TEXT, logo=True, text="Hi")).body
