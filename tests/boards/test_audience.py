"""What each audience may see (boards/audience.py): the one place that decides it."""

import pytest

from boards.audience import Audience, mask_number


@pytest.mark.parametrize(
    ("audience", "agents", "alerts", "detail", "hours"),
    [
        (Audience.TV, True, True, False, True),
        (Audience.SUPERVISOR, True, True, True, True),
        (Audience.ADMIN, True, True, True, True),
        (Audience.PUBLIC, False, False, False, False),
    ],
)
def test_each_audience_sees_what_the_design_says(audience, agents, alerts, detail, hours):
    assert audience.sees_agents is agents
    assert audience.sees_alerts is alerts
    assert audience.sees_detail is detail
    assert audience.sees_business_hours is hours
    assert audience.is_public is (audience is Audience.PUBLIC)


def test_phone_numbers_are_whole_for_admins_masked_for_supervisors_and_gone_elsewhere():
    number = "+15557654321"
    assert Audience.ADMIN.peer(number) == number
    assert Audience.SUPERVISOR.peer(number) == "••••••••4321"
    assert Audience.TV.peer(number) == Audience.PUBLIC.peer(number) == ""


def test_short_extensions_are_not_masked():
    assert mask_number("1001") == "1001"


class User:
    def __init__(self, superuser: bool) -> None:
        self.is_superuser = superuser


def test_a_logged_in_user_is_an_admin_only_as_a_superuser():
    assert Audience.of_user(User(True)) is Audience.ADMIN
    assert Audience.of_user(User(False)) is Audience.SUPERVISOR


def test_the_audience_is_its_name_in_groups_urls_and_templates():
    assert f"board-1-{Audience.TV}" == "board-1-tv"
    assert Audience("public") is Audience.PUBLIC
