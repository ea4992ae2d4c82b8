"""The build id: which static assets and templates this server hands out.

Pages carry it (`data-build`) and the server sends it after every websocket (re)connect; a
page that holds another one reloads (jittered), so after a deploy, when the web process
restarts and the screens reconnect, they pick up the new scripts and stylesheets. The worker
marks its stored renders with it, so a deploy that changed the markup renders every board
again at its next poll. It is a short hash of every file under the static and template
folders, computed once per process, unless `BUILD_ID` says otherwise.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings


def _source_files() -> list[tuple[str, Path]]:
    folders = [*settings.STATICFILES_DIRS, *settings.TEMPLATES[0]["DIRS"]]
    files = []
    for folder in map(Path, folders):
        files += [(str(p.relative_to(folder)), p) for p in folder.rglob("*") if p.is_file()]
    return sorted(files)


@cache
def build_id() -> str:
    if settings.BUILD_ID:
        return settings.BUILD_ID[:40]
    digest = hashlib.sha256()
    for name, path in _source_files():
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def page_build(look: str) -> str:
    """What a board page carries and its socket's hello repeats: the build and the board's
    look (theme, language, clock...), so a page whose board changed its look reloads too."""
    return f"{build_id()}.{look}" if look else build_id()
