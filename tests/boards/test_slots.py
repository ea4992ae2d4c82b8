"""Rendered text with holes for the moment of the request (boards/slots.py)."""

from boards import slots


def test_slots_are_filled_with_the_moment():
    marker = slots.wait_slot(1000.0)
    parts = slots.split(f'{{"wait": "{marker}", "now": "x"}}', quoted=True)
    assert slots.fill(parts, 1042.9) == '{"wait": 42, "now": "x"}'
    assert slots.fill(parts, 900.0) == '{"wait": 0, "now": "x"}'  # a clock behind: never < 0
    page = slots.split(f'<b data-now="{slots.NOW_SLOT}">{slots.FRESHNESS_SLOT}</b>', quoted=False)
    assert slots.fill(page, 5.0, lambda: "<i>live</i>") == '<b data-now="5.000"><i>live</i></b>'
    assert slots.split("no slots here", quoted=False) == ["no slots here"]
