from boards.audience import Audience
from boards.presenters import board_view
from boards.rendering import body_swap, freshness_html, render_board
from tests.boards.factories import agent, call, queue, settings, stored

XSS = "<img src=x onerror=alert(1)>"


def _board(*agents, version=1, audience=Audience.TV):
    snapshot = stored(list(agents), [queue(100134, "Sales")], version=version)
    return render_board(board_view(settings(), snapshot, audience))


def test_every_fragment_has_its_id_on_the_root_and_no_oob_attribute_of_its_own():
    rendered = _board(agent(1, "John Smith"), agent(2, "Ada Byron"))
    for fragment in rendered.fragments:
        assert fragment.html.lstrip().startswith("<")
        assert f'id="{fragment.id}"' in fragment.html.split(">", 1)[0]
        assert "hx-swap-oob" not in fragment.html


def test_the_body_is_made_of_the_very_same_fragments():
    rendered = _board(agent(1, "John Smith"))
    for fragment in rendered.fragments:
        assert fragment.html in rendered.body


def test_the_changes_since_a_render_are_only_the_fragments_that_changed():
    before = _board(agent(1, "John Smith"), agent(2, "Ada Byron"), version=1)
    after = _board(agent(1, "John Smith", calls=[call()]), agent(2, "Ada Byron"), version=2)
    html = after.changes_since(before.digests())
    assert 'id="agent-1"' in html
    assert 'id="agent-2"' not in html
    assert 'id="queue-100134"' not in html


def test_nothing_changed_means_no_changes_at_all():
    before = _board(agent(1, "John Smith"), version=1)
    after = _board(agent(1, "John Smith"), version=2)
    assert after.changes_since(before.digests()) == ""


def test_a_new_agent_sends_the_whole_body_since_new_tiles_cannot_be_swapped_in_by_id():
    before = _board(agent(1, "John Smith"), version=1)
    after = _board(agent(1, "John Smith"), agent(2, "Ada Byron"), version=2)
    html = after.changes_since(before.digests())
    assert html == body_swap(after.body)
    assert html.startswith('<div id="board-body" hx-swap-oob="innerHTML">')
    assert "Ada Byron" in html


def test_upstream_names_are_text_never_markup():
    for audience in (Audience.TV, Audience.SUPERVISOR, Audience.ADMIN):
        snapshot = stored([agent(1, XSS)], [queue(100134, XSS)])
        body = render_board(board_view(settings(), snapshot, audience)).body
        assert XSS not in body
        assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_public_render_names_no_agent_and_no_number():
    snapshot = stored([agent(1, "John Smith", calls=[call("+15551234567")])], [queue(1, "Sales")])
    body = render_board(board_view(settings(), snapshot, Audience.PUBLIC)).body
    assert "John" not in body
    assert "4567" not in body
    assert "Sales" in body


def test_freshness_says_stale_when_asked_or_when_there_is_no_data():
    assert 'data-state="live"' in freshness_html(1.0, stale=False)
    assert 'data-state="stale"' in freshness_html(1.0, stale=True)
    assert 'data-state="stale"' in freshness_html(None, stale=False)
