"""The audiences every security test speaks of, created the same way in the test database and
in a running stack's (`manage.py shell -c "...create_audiences()"`).

Board A is the demo account's floor TV (account 61): a supervisor is granted it, a kiosk token
shows it and a second token of it is revoked. Board B belongs to another account: only its own
supervisor (and the admin) may watch it. The public board is the demo's support status page.
"""

from demo import names as demo

PASSWORD = "correct horse battery staple 61"
ADMIN = demo.DEMO_USERNAME
SUPERVISOR_A = "supervisor-a"
SUPERVISOR_B = "supervisor-b"

ACCOUNT_A = demo.SANDBOX_ACCOUNT_ID
BOARD_A = demo.DEMO_BOARDS["tv"]
BOARD_A_TITLE = "Call centre floor"
PUBLIC_BOARD = demo.DEMO_BOARDS["public"]
PUBLIC_QUEUE = 100135  # the one queue of the public board
OTHER_QUEUE = 100134  # a queue of account 61 that the public board does not show

# Another account, never polled (disabled): its board must stay invisible to supervisor A.
ACCOUNT_B = 7001
ACCOUNT_B_NAME = "Globex Helpdesk"
BOARD_B = "globex-escalations"
BOARD_B_TITLE = "Globex escalations wall"

KIOSK_TOKEN = demo.demo_kiosk_token()
REVOKED_TOKEN = "revoked-kiosk-token-of-board-a-for-the-security-tests-0001"
OTHER_KIOSK_TOKEN = "second-kiosk-token-of-board-a-for-the-security-tests-0002"


def create_audiences() -> None:
    """Idempotent: boards, tokens and users of every audience (demo data made if missing)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Voice360Account
    from boards.models import Board, KioskToken, hash_token

    account_a, _ = Voice360Account.objects.get_or_create(
        account_id=ACCOUNT_A, defaults={"name": demo.SANDBOX_ACCOUNT_NAME}
    )
    board_a, _ = Board.objects.get_or_create(
        slug=BOARD_A, defaults={"account": account_a, "title": BOARD_A_TITLE}
    )
    Board.objects.get_or_create(
        slug=PUBLIC_BOARD,
        defaults={
            "account": account_a,
            "title": "Support line status",
            "queue_ids": [PUBLIC_QUEUE],
            "is_public": True,
        },
    )
    account_b, _ = Voice360Account.objects.update_or_create(
        account_id=ACCOUNT_B, defaults={"name": ACCOUNT_B_NAME, "enabled": False}
    )
    board_b, _ = Board.objects.update_or_create(
        slug=BOARD_B, defaults={"account": account_b, "title": BOARD_B_TITLE}
    )
    KioskToken.objects.update_or_create(
        token_hash=hash_token(KIOSK_TOKEN),
        defaults={"board": board_a, "name": "Floor TV (demo)", "revoked_at": None},
    )
    KioskToken.objects.update_or_create(
        token_hash=hash_token(OTHER_KIOSK_TOKEN),
        defaults={"board": board_a, "name": "Floor 3 right", "revoked_at": None},
    )
    KioskToken.objects.update_or_create(
        token_hash=hash_token(REVOKED_TOKEN),
        defaults={"board": board_a, "name": "Floor 2 left", "revoked_at": timezone.now()},
    )

    users = get_user_model().objects
    admin, _ = users.get_or_create(username=ADMIN)
    admin.is_staff = admin.is_superuser = True
    for user, board in (
        (admin, None),
        (_user(SUPERVISOR_A), board_a),
        (_user(SUPERVISOR_B), board_b),
    ):
        user.set_password(PASSWORD)
        user.save()
        if board is not None:
            board.supervisors.add(user)


def _user(username: str):
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = False
    return user
