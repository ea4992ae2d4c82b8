"""The build id: which static assets this server hands out.

Pages carry it (`data-build`) and the server sends it after every websocket (re)connect; a
page that holds another one reloads (jittered), so after a deploy, when the web process
restarts and the screens reconnect, they pick up the new board.js and board.css. It is a
short hash of every file under the static folders, computed once per process, unless
`BUILD_ID` says otherwise.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings


def _static_files() -> list[tuple[str, Path]]:
    files = []
    for folder in map(Path, settings.STATICFILES_DIRS):
        files += [(str(p.relative_to(folder)), p) for p in folder.rglob("*") if p.is_file()]
    return sorted(files)


@cache
def build_id() -> str:
    if settings.BUILD_ID:
        return settings.BUILD_ID[:40]
    digest = hashlib.sha256()
    for name, path in _static_files():
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]
