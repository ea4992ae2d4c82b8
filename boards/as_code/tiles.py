"""A board's tiles in a boards file: kind, width and options, in the file's order.

The rules of a tile's options are the layout's (boards/layout.py `option_errors`), asked one
option at a time so that each message lands at its own path (`tiles[2].options.sort`). A
tile's options are written with every option filled in (`with_defaults`): the form the export
writes and the import compares with, so a stored `{}` and a file's defaults are one layout.
"""

from collections.abc import Iterable

from boards.as_code import instances
from boards.as_code.document import Error, join
from boards.layout import TILE_OPTIONS, BoardTile, option_errors, with_defaults


def tile_document(tile: BoardTile) -> dict[str, object]:
    return {"kind": tile.kind, "width": tile.width, "options": _filled(tile.kind, tile.options)}


def canonical_tiles(items: Iterable[dict]) -> list[dict]:
    return [{**item, "options": _filled(item["kind"], item["options"])} for item in items]


def _filled(kind: str, options: object) -> dict:
    options = options if isinstance(options, dict) else {}
    # A kind this wallboard no longer knows is written as stored (the import then refuses it).
    return with_defaults(kind, options) if kind in TILE_OPTIONS else dict(options)


def check_tiles(items: list[dict], path: str, errors: list[Error]) -> None:
    for index, item in enumerate(items):
        _check_tile(item, f"{path}[{index}]", errors)


def _check_tile(item: dict, path: str, errors: list[Error]) -> None:
    kind, options = item["kind"], item["options"]
    if kind not in TILE_OPTIONS:
        errors.extend(
            Error(join(path, "kind"), _without("kind", m)) for m in option_errors(kind, {})
        )
        return
    fine = True
    for name, value in options.items():
        for message in option_errors(kind, {name: value}):
            errors.append(Error(join(f"{path}.options", name), _without(str(name), message)))
            fine = False
    # The model's own rules for the rest (the width's range); options only once they passed.
    tile = BoardTile(kind=kind, width=item["width"], options=options if fine else {})
    instances.clean(tile, path, errors, exclude=["board"])


def _without(name: str, message: str) -> str:
    """option_errors' line ("sort: one of ...") without the name the path already gives."""
    return message.removeprefix(f"{name}: ")


def replace_tiles(board, items: list[dict], path: str, errors: list[Error]) -> None:
    """The board's tiles become the file's, in its order (nothing else hangs on a tile)."""
    board.tiles.all().delete()
    for position, item in enumerate(canonical_tiles(items)):
        tile = BoardTile(board=board, position=position, **item)
        instances.save_checked(tile, f"{path}[{position}]", errors)
