import re

from django.contrib.messages import get_messages

from accounts.models import Voice360Account
from tests.polling.helpers import DEMO_KEY, DEMO_USER_KEY, add_account

CHANGELIST = "/admin/accounts/voice360account/"


def test_the_admin_never_shows_the_key_back(admin_client):
    account = add_account(key=DEMO_KEY)
    for url in (CHANGELIST, f"{CHANGELIST}{account.pk}/change/"):
        page = admin_client.get(url).content.decode()
        assert DEMO_KEY not in page
        assert "v360_dev_…0001" in page


def management_forms(admin_client, url: str) -> dict[str, str]:
    """The inlines' management fields of an admin page, as a browser would post them back."""
    page = admin_client.get(url).content.decode()
    found = re.findall(
        r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page
    )
    assert found, "the account page has its inlines (service targets)"
    return dict(found)


def test_a_key_typed_in_the_admin_is_stored_encrypted_and_blank_keeps_it(admin_client):
    form = management_forms(admin_client, f"{CHANGELIST}add/") | {
        "account_id": 62,
        "name": "Second",
        "poll_interval_seconds": 2,
        "budget_share_percent": 50,
        "time_zone": "Europe/Berlin",
        "enabled": "on",
        "new_api_key": DEMO_KEY,
    }
    assert admin_client.post(f"{CHANGELIST}add/", form).status_code == 302
    account = Voice360Account.objects.get(account_id=62)
    assert account.api_key == DEMO_KEY
    form["new_api_key"] = ""
    form |= management_forms(admin_client, f"{CHANGELIST}{account.pk}/change/")
    admin_client.post(f"{CHANGELIST}{account.pk}/change/", form)
    assert Voice360Account.objects.get(account_id=62).api_key == DEMO_KEY


def run_test_connection(admin_client, account) -> str:
    response = admin_client.post(
        CHANGELIST, {"action": "test_connection", "_selected_action": [account.pk]}
    )
    (message,) = list(get_messages(response.wsgi_request))
    return str(message)


def test_test_connection_recognises_a_valid_developer_key(wallboard, admin_client):
    assert "Valid developer key" in run_test_connection(admin_client, add_account(key=DEMO_KEY))


def test_test_connection_recognises_a_user_key(wallboard, admin_client):
    message = run_test_connection(admin_client, add_account(key=DEMO_USER_KEY))
    assert "user API key" in message
    assert "cannot read availability" in message
    assert DEMO_USER_KEY not in message


def test_test_connection_recognises_a_key_of_another_account(wallboard, admin_client):
    wallboard.reset(accounts=1)
    accounts = wallboard.control("GET", "/accounts").json()
    other_key = next(a["developer_key"] for a in accounts if a["id"] != 61)
    message = run_test_connection(admin_client, add_account(key=other_key))
    assert "belongs to another" in message
    assert other_key not in message


def test_test_connection_recognises_a_wrong_key(wallboard, admin_client):
    message = run_test_connection(admin_client, add_account(key="v360_dev_not_a_real_key_0042"))
    assert "Wrong key" in message


def test_test_connection_recognises_an_unreachable_api(wallboard, settings, admin_client):
    settings.VOICE360_BASE_URL = "http://127.0.0.1:9/v3/voice"
    assert "cannot be reached" in run_test_connection(admin_client, add_account(key=DEMO_KEY))


def test_test_connection_without_a_key_says_public_mode(wallboard, admin_client):
    assert "public mode works" in run_test_connection(admin_client, add_account(key=None))


def test_the_account_page_shows_its_effective_interval_and_recent_polls(
    admin_client, wallboard, redis_client
):
    from tests.polling.helpers import poll_now

    account = add_account(key=DEMO_KEY)
    poll_now()
    wallboard.control("PUT", "/faults", {"rules": [{"kind": "outage"}]})
    poll_now()
    page = admin_client.get(f"{CHANGELIST}{account.pk}/change/").content.decode()
    assert "recent polls" in page.lower()
    assert re.search(
        r"\d\d:\d\d:\d\d UTC · \d+ ms · failed<br>\d\d:\d\d:\d\d UTC · \d+ ms · changed", page
    )
    assert re.search(r"Effective interval \(s\):</label>\s*<div class=\"readonly\">2<", page)
