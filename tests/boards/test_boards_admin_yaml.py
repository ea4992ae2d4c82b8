"""The Board admin's "Export boards as YAML" action and its "Import boards" page."""

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Voice360Account
from boards.as_code.admin_pages import MAX_UPLOAD_BYTES
from boards.models import Board

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/boards/board/import/"
CHANGELIST = "/admin/boards/board/"
GOOD = b"version: 1\nboards:\n- {slug: hall, title: Hall, account: 61, leaderboard_size: 3}\n"


@pytest.fixture
def account() -> Voice360Account:
    account = Voice360Account.objects.create(account_id=61, name="Demo")
    account.set_api_key("v360_dev_admin_yaml_test_key_000001")
    account.save()
    return account


def upload(client: Client, content: bytes, name: str = "boards.yaml"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def signed_document(page) -> str:
    return page.context["signed"]


def test_the_export_action_downloads_the_selected_boards_without_secrets(admin_client, account):
    floor = Board.objects.create(slug="floor", title="Floor", account=account)
    Board.objects.create(slug="other", title="Other", account=account)
    response = admin_client.post(
        CHANGELIST, {"action": "export_yaml", "_selected_action": [floor.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="boards.yaml"'
    text = response.content.decode()
    assert [b["slug"] for b in yaml.safe_load(text)["boards"]] == ["floor"]
    assert "v360_dev_admin_yaml" not in text


def test_the_board_list_links_to_the_import_page(admin_client, account):
    Board.objects.create(slug="floor", title="Floor", account=account)
    page = admin_client.get(CHANGELIST).content.decode()
    assert f'href="{IMPORT_URL}"' in page
    assert "Export boards as YAML" in page


def test_a_preview_shows_what_would_change_and_writes_nothing(admin_client, account):
    page = upload(admin_client, GOOD)
    assert page.status_code == 200
    assert [b.line() for b in page.context["result"].boards] == ["hall: created"]
    html = page.content.decode()
    assert 'id="import-confirm"' in html and "Import 1 board" in html
    assert not Board.objects.exists()


def test_confirming_the_preview_imports_the_file(admin_client, account):
    signed = signed_document(upload(admin_client, GOOD))
    response = admin_client.post(IMPORT_URL, {"document": signed}, follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert Board.objects.get(slug="hall").leaderboard_size == 3
    assert "Imported boards.yaml: hall: created." in response.content.decode()

    again = signed_document(upload(admin_client, GOOD))
    response = admin_client.post(IMPORT_URL, {"document": again}, follow=True)
    assert "Imported boards.yaml: hall: unchanged." in response.content.decode()


def test_an_altered_confirmation_is_refused(admin_client, account):
    signed = signed_document(upload(admin_client, GOOD))
    response = admin_client.post(IMPORT_URL, {"document": signed[:-2] + "xx"})
    assert response.status_code == 400
    assert not Board.objects.exists()


def test_errors_are_listed_escaped_and_offer_no_confirmation(admin_client, account):
    bad = b"version: 1\nboards:\n- {slug: a, title: A, account: 61, supervisors: ['<b>x</b>']}\n"
    page = upload(admin_client, bad, name="<i>evil.yaml")
    html = page.content.decode()
    assert "<b>x</b>" not in html and "<i>evil" not in html
    assert (
        "&lt;i&gt;evil.yaml: boards[0].supervisors[0]: no user "
        "&quot;&lt;b&gt;x&lt;/b&gt;&quot; here"
    ) in html
    assert 'id="import-confirm"' not in html
    assert not Board.objects.exists()


def test_broken_yaml_gets_its_line_not_a_traceback(admin_client, account):
    page = upload(admin_client, b"version: 1\nboards: [\n")
    assert page.status_code == 200
    assert page.context["result"].error_lines()[0].startswith("boards.yaml: line 3, column 1:")


def test_a_file_over_the_limit_is_refused_unread(admin_client, account):
    page = upload(admin_client, b"#" * (MAX_UPLOAD_BYTES + 1))
    assert page.status_code == 200
    assert page.context["result"] is None
    assert "at most 512 KiB" in page.content.decode()


def test_the_import_page_needs_a_staff_login_with_board_permissions(client, django_user_model):
    assert client.get(IMPORT_URL).status_code == 302  # to the admin's login
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_board", "change_board"])
    )
    assert client.get(IMPORT_URL).status_code == 200


def test_the_import_page_is_csrf_protected(admin_user, account):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert upload(client, GOOD).status_code == 403
