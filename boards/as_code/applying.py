"""Checked plans into the database, touching only what differs from the file.

Thresholds, alert rules and supervisors become exactly the file's. An alert rule that is
still there (the same rule, or the same kind on the same queue with other settings) is
updated in place, keeping its history and its outgoing webhook URL. Screens (kiosk tokens)
are created and updated by name, never revoked or deleted: unlinking a TV on the wall is
done in the admin. A new screen gets a random token nobody is shown: rotate it in the
admin for its link.
"""

from collections.abc import Callable, Iterable

from boards.as_code import instances, tiles
from boards.as_code.checking import Plan, References
from boards.as_code.document import Error
from boards.as_code.export import canonical, records, screen_document
from boards.as_code.schema import RULE_FIELDS
from boards.logos import store_logo
from boards.models import Board, KioskToken

# Parts whose rows tell no one when they change: the board's own save refreshes its screens.
SILENT_PARTS = {"tiles"}


def apply(plans: list[Plan], refs: References, errors: list[Error]) -> list[tuple[Plan, list]]:
    """Each plan with the keys it changed and the notes for its report."""
    changes = []
    for plan in plans:
        new = plan.current is None
        wanted = canonical(plan.wanted)
        differ = [] if new else instances.board_fields_differ(plan.current, wanted)
        if new or differ:
            instances.save_checked(plan.board, plan.path, errors)
        changes.append((plan, wanted, differ))
    boards = {plan.slug: plan.board for plan in plans}
    outcomes = []
    for plan, wanted, differ in changes:
        notes: list[str] = []
        parts = _apply_parts(plan, wanted, refs, boards, errors, notes)
        saved = plan.current is None or differ
        if not saved and SILENT_PARTS.intersection(parts):
            plan.board.save(update_fields=["updated_at"])  # its screens follow, as on an edit
        outcomes.append((plan, differ + parts, notes))
    return outcomes


def _apply_parts(plan, wanted, refs, boards, errors, notes) -> list[str]:
    board, current, path = plan.board, plan.current or {}, plan.path
    if board.pk is None:
        return []  # its own fields were refused (recorded): nothing can hang on it
    changed = []
    if current.get("supervisors", []) != wanted["supervisors"]:
        board.supervisors.set([refs.users[name] for name in wanted["supervisors"]])
        changed.append("supervisors")
    if current.get("thresholds", []) != wanted["thresholds"]:
        _thresholds(board, plan.wanted["thresholds"], f"{path}.thresholds", errors)
        changed.append("thresholds")
    if current.get("tiles", []) != wanted["tiles"]:
        tiles.replace_tiles(board, plan.wanted["tiles"], f"{path}.tiles", errors)
        changed.append("tiles")
    if current.get("alert_rules", []) != wanted["alert_rules"]:
        _rules(board, plan.wanted["alert_rules"], f"{path}.alert_rules", errors)
        changed.append("alert_rules")
    if current.get("logo") != wanted["logo"]:
        store_logo(board, plan.logo or None)  # saved, so its screens follow
        changed.append("logo")
    if _screens(board, plan.wanted["screens"], f"{path}.screens", boards, errors, notes):
        changed.append("screens")
    return changed


def _thresholds(board: Board, items: list[dict], path: str, errors) -> None:
    stored = {t.queue_id: t for t in board.thresholds.all()}
    for index, item in enumerate(items):
        threshold = stored.pop(item["queue_id"], None) or instances.threshold(board, item)
        if threshold.pk and threshold.warning_at_or_below == item["warning_at_or_below"]:
            continue
        threshold.warning_at_or_below = item["warning_at_or_below"]
        instances.save_checked(threshold, f"{path}[{index}]", errors)
    for threshold in stored.values():
        threshold.delete()


def _rules(board: Board, items: list[dict], path: str, errors) -> None:
    stored = list(board.alert_rules.order_by("pk"))
    docs = {rule.pk: _rule_document(rule) for rule in stored}
    pairs, left = pair(items, stored, lambda r: docs[r.pk], lambda d: (d["kind"], d["queue_id"]))
    for index, item, rule, same in pairs:
        if same:
            continue
        if rule is None:
            rule = instances.new_rule(board, item)
        instances.set_rule_fields(rule, item)
        instances.save_checked(rule, f"{path}[{index}]", errors)
    for rule in left:
        rule.delete()  # its alert history with it: the file no longer has the rule


def _rule_document(rule) -> dict:
    return records([rule], RULE_FIELDS)[0]


def _screens(board, items: list[dict], path: str, boards, errors, notes) -> bool:
    """Whether a named screen was created or changed."""
    stored = list(board.kiosk_tokens.active().prefetch_related("playlist__board").order_by("pk"))
    docs = {token.pk: screen_document(token) for token in stored}
    pairs, _ = pair(items, stored, lambda t: docs[t.pk], lambda d: d["name"])
    changed = False
    for index, item, token, same in pairs:
        if same:
            continue
        changed = True
        where = f"{path}[{index}]"
        if token is None:
            token = _new_screen(board, item, where, errors, notes)
            if token is None:
                continue
        elif token.sound_enabled != item["sound_enabled"]:
            token.sound_enabled = item["sound_enabled"]
            instances.save_checked(token, where, errors, exclude=instances.SCREEN_EXCLUDE)
        if docs.get(token.pk, {}).get("playlist") != item["playlist"]:
            _playlist(token, item["playlist"], f"{where}.playlist", boards, errors)
    return changed


def _new_screen(board, item, path, errors, notes) -> KioskToken | None:
    if not instances.clean(instances.screen(board, item), path, errors, instances.SCREEN_EXCLUDE):
        return None
    token, _plain = KioskToken.issue(board, item["name"])  # the link is never shown here
    token.sound_enabled = item["sound_enabled"]
    token.save(update_fields=["sound_enabled"])
    notes.append(f"new screen “{token.name}”: rotate its kiosk token in the admin for its link")
    return token


def _playlist(token: KioskToken, items: list[dict], path: str, boards, errors) -> None:
    token.playlist.all().delete()
    for index, item in enumerate(items):
        entry = instances.playlist_entry(item, index)
        entry.token = token
        entry.board = boards.get(item["board"]) or Board.objects.get(slug=item["board"])
        instances.save_checked(entry, f"{path}[{index}]", errors)


def pair(
    items: list[dict],
    stored: Iterable,
    document: Callable[[object], dict],
    loose: Callable[[dict], object],
) -> tuple[list[tuple[int, dict, object, bool]], list]:
    """Each wanted item with the stored object it becomes: one equal to it (same=True),
    else one with the same loose key, else None (to create); and the stored objects left."""
    left = list(stored)
    found: dict[int, tuple[object, bool]] = {}
    for index, item in enumerate(items):
        match = next((obj for obj in left if document(obj) == item), None)
        if match is not None:
            left.remove(match)
            found[index] = (match, True)
    for index, item in enumerate(items):
        if index not in found:
            match = next((obj for obj in left if loose(document(obj)) == loose(item)), None)
            if match is not None:
                left.remove(match)
            found[index] = (match, False)
    return [(i, item, *found[i]) for i, item in enumerate(items)], left
