"""Everything a boards file must be, checked before anything is written: its version, each
key's type, the references (account, supervisors, playlist boards), duplicates, and every
record through its model's full_clean. Gives one Plan per board."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from accounts.models import Voice360Account
from boards.as_code import instances, tiles
from boards.as_code.document import INVALID, SCHEMA_VERSION, Error
from boards.as_code.export import board_document, boards_to_export
from boards.as_code.logo import checked_png, logo_text, stored_png
from boards.as_code.schema import check_board, check_document
from boards.models import Board


@dataclass
class Plan:
    path: str
    wanted: dict[str, object]  # the checked board record, its lists in the file's order
    board: Board  # the stored board with the file's values set, or a new one
    current: dict[str, object] | None  # the stored board's document before the import
    logo: bytes = b""  # the PNG the board is to keep (wanted["logo"] is its text)

    @property
    def slug(self) -> str:
        return self.wanted["slug"]


@dataclass
class References:
    accounts: dict[int, Voice360Account]
    users: dict[str, object]
    slugs: set[str]  # the boards a playlist may name: this file's and the stored ones


def check(data: object, errors: list[Error]) -> tuple[list[Plan], References]:
    """The plans, and what they refer to; complete only when no error was recorded."""
    nothing = References({}, {}, set())
    if isinstance(data, dict) and _unsupported_version(data.get("version"), errors):
        return [], nothing
    if data is None:
        errors.append(Error("", "the file is empty: it needs version: 1 and a boards list"))
        return [], nothing
    check_document(data, "", errors)
    raw = data.get("boards") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return [], nothing
    first_slugs = _unique_slugs(raw, errors)
    boards = []
    for index, item in enumerate(raw):
        path = f"boards[{index}]"
        checked = check_board(item, path, errors)
        if checked is not INVALID:
            boards.append((path, checked))
    refs = _references([board for _, board in boards], set(first_slugs))
    stored = {board.slug: board for board in boards_to_export(b["slug"] for _, b in boards)}
    plans = [_plan(path, board, stored.get(board["slug"]), refs, errors) for path, board in boards]
    return plans, refs


def _unsupported_version(version: object, errors: list[Error]) -> bool:
    known = isinstance(version, int) and not isinstance(version, bool)
    if known and version != SCHEMA_VERSION:
        message = f"version {version} is not supported: this wallboard reads version 1"
        errors.append(Error("version", message))
        return True
    return False


def _unique_slugs(raw: list, errors: list[Error]) -> dict[str, int]:
    first: dict[str, int] = {}
    for index, item in enumerate(raw):
        slug = item.get("slug") if isinstance(item, dict) else None
        if not isinstance(slug, str):
            continue
        if slug in first:
            message = f'"{slug}" is the slug of boards[{first[slug]}] already'
            errors.append(Error(f"boards[{index}].slug", message))
        else:
            first[slug] = index
    return first


def _references(boards: list[dict], slugs: set[str]) -> References:
    account_ids = {board["account"] for board in boards}
    names = {name for board in boards for name in board["supervisors"]}
    named = {
        entry["board"]
        for board in boards
        for screen in board["screens"]
        for entry in screen["playlist"]
    }
    User = get_user_model()
    users = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": names})
    return References(
        accounts={
            a.account_id: a for a in Voice360Account.objects.filter(account_id__in=account_ids)
        },
        users={user.get_username(): user for user in users},
        slugs=slugs | set(Board.objects.filter(slug__in=named).values_list("slug", flat=True)),
    )


def _plan(path: str, wanted: dict, stored: Board | None, refs: References, errors) -> Plan:
    current = board_document(stored) if stored is not None else None
    board = stored if stored is not None else Board(slug=wanted["slug"])
    account = refs.accounts.get(wanted["account"])
    if account is None:
        message = f"no Voice360 account {wanted['account']} here: add it in the admin first"
        errors.append(Error(f"{path}.account", message))
    instances.set_board_fields(board, wanted, account)
    instances.clean(board, path, errors, exclude=["account"] if account is None else [])
    _check_supervisors(wanted["supervisors"], f"{path}.supervisors", refs, errors)
    _check_thresholds(board, wanted["thresholds"], f"{path}.thresholds", errors)
    tiles.check_tiles(wanted["tiles"], f"{path}.tiles", errors)
    for index, item in enumerate(wanted["alert_rules"]):
        rule = instances.new_rule(board, item)
        instances.clean(rule, f"{path}.alert_rules[{index}]", errors, exclude=["board"])
    for index, item in enumerate(wanted["screens"]):
        _check_screen(board, item, f"{path}.screens[{index}]", refs, errors)
    png = checked_png(wanted["logo"], stored_png(stored), f"{path}.logo", errors)
    if png is INVALID:
        return Plan(path, wanted, board, current)
    wanted["logo"] = logo_text(png)
    return Plan(path, wanted, board, current, png)


def _check_supervisors(names: list[str], path: str, refs: References, errors) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            errors.append(Error(f"{path}[{index}]", f'"{name}" is listed twice'))
        elif name not in refs.users:
            errors.append(Error(f"{path}[{index}]", f'no user "{name}" here'))
        seen.add(name)


def _check_thresholds(board: Board, items: list[dict], path: str, errors) -> None:
    seen: dict[int, int] = {}
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if item["queue_id"] in seen:
            message = (
                f"queue {item['queue_id']} has a threshold in {path}[{seen[item['queue_id']]}]"
            )
            errors.append(Error(f"{where}.queue_id", message))
        seen.setdefault(item["queue_id"], index)
        instances.clean(instances.threshold(board, item), where, errors, exclude=["board"])


def _check_screen(board: Board, item: dict, path: str, refs: References, errors) -> None:
    instances.clean(instances.screen(board, item), path, errors, exclude=instances.SCREEN_EXCLUDE)
    for index, entry in enumerate(item["playlist"]):
        where = f"{path}.playlist[{index}]"
        if entry["board"] not in refs.slugs:
            message = f'no board "{entry["board"]}" in this file or stored'
            errors.append(Error(f"{where}.board", message))
        entry_instance = instances.playlist_entry(entry, index)
        instances.clean(entry_instance, where, errors, exclude=instances.ENTRY_EXCLUDE)
