"""Nothing inline in any page (a strict Content-Security-Policy comes later): no style
attributes, no script bodies, no on* handlers, in templates, static files and rendered boards."""

import re
from pathlib import Path

import pytest

from boards.audience import Audience
from boards.presenters import board_view
from boards.rendering import render_board
from tests.boards.factories import agent, call, queue, settings, stored

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.svg")]
    + [p for p in (ROOT / "static" / "boards").rglob("*") if p.suffix in (".html", ".svg")]
)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
SCRIPT_BODY = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _inline_code(text: str) -> list[str]:
    found = []
    for name, pattern in [
        ("style attribute", STYLE_ATTRIBUTE),
        ("style element", STYLE_ELEMENT),
        ("on* handler", HANDLER),
        ("inline script", SCRIPT_BODY),
        ("javascript: URL", JAVASCRIPT_URL),
    ]:
        found += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    return found


def test_there_are_templates_to_check():
    assert any(p.name == "page.html" for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_file_has_no_inline_script_style_or_handler(path):
    assert _inline_code(path.read_text()) == []


SCRIPTS = sorted((ROOT / "static" / "boards").glob("*.js"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_the_scripts_set_no_style_attribute_and_evaluate_no_strings(path):
    script = path.read_text()
    assert not re.search(r"""setAttribute\(\s*["']style""", script)
    assert not re.search(r"\beval\(|new Function\(|innerHTML\s*=", script)


@pytest.mark.parametrize("audience", list(Audience))
def test_rendered_boards_have_no_inline_code_even_with_hostile_names(audience):
    hostile = '<img src=x onerror=alert(1)> style="x" <script>alert(1)</script>'
    snapshot = stored(
        [agent(1, hostile, calls=[call()]), agent(2, "Ada Byron")], [queue(100134, hostile)]
    )
    body = render_board(board_view(settings(), snapshot, audience)).body
    assert _inline_code(body) == []


def test_the_detector_finds_what_it_looks_for():
    assert _inline_code('<p style="color:red" onclick="x()"><script>1</script>') != []
